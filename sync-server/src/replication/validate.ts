import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fieldOf } from '../../../shared/objects';
import { COLLECTIONS, type CollectionName } from '../../../shared/schemas';

/**
 * Validates pushed documents against the same RxDB JSON schemas the app builds its collections from (SPEC R4).
 * One compiled validator per collection per server instance.
 */
export interface DocumentValidator {
  /** Null when valid; otherwise the offending field as a dotted path and a message. */
  validate(collection: CollectionName, doc: unknown): { field: string; message: string } | null;
}

/** Turns an ajv error into the field a person would look for: `assignments.0.poolNumber`, `customerName`. */
function describe(err: ErrorObject): { field: string; message: string } {
  const path = err.instancePath.split('/').filter(Boolean);
  const missing = fieldOf(err.params, 'missingProperty');
  const additional = fieldOf(err.params, 'additionalProperty');
  if (err.keyword === 'required' && typeof missing === 'string' && missing) path.push(missing);
  if (err.keyword === 'additionalProperties' && typeof additional === 'string' && additional) path.push(additional);
  const field = path.join('.') || '(document)';
  const message =
    err.keyword === 'required'
      ? 'is required'
      : err.keyword === 'additionalProperties'
        ? 'is not a field of this collection'
        : (err.message ?? 'is invalid');
  return { field, message };
}

export function createDocumentValidator(): DocumentValidator {
  // strict: false because RxDB schemas carry their own keywords (primaryKey, version, indexes, encrypted …).
  const ajv = new Ajv({ strict: false, allErrors: false });
  const compiled = new Map<CollectionName, ValidateFunction>();
  return {
    validate(collection, doc) {
      let fn = compiled.get(collection);
      if (!fn) {
        fn = ajv.compile(COLLECTIONS[collection]);
        compiled.set(collection, fn);
      }
      if (fn(doc)) return null;
      return describe(fn.errors![0]);
    },
  };
}
