import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fieldOf } from '../../../shared/objects';
import { COLLECTIONS, type CollectionName, type DocTypes } from '../../../shared/schemas';

/**
 * Validates pushed documents against the same RxDB JSON schemas the app builds its collections from (SPEC R4).
 * One compiled validator per collection per server instance.
 */
export interface DocumentValidator {
  /** Null when valid; otherwise the offending field as a dotted path and a message. */
  validate(collection: CollectionName, doc: unknown): { field: string; message: string } | null;
  /** The document typed as the collection's when it is valid; otherwise the problem as `validate` gives it. */
  check<C extends CollectionName>(
    collection: C,
    doc: unknown,
  ): { doc: DocTypes[C]; problem: null } | { doc: null; problem: { field: string; message: string } };
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
  function validatorOf(collection: CollectionName): ValidateFunction {
    let fn = compiled.get(collection);
    if (!fn) {
      fn = ajv.compile(COLLECTIONS[collection]);
      compiled.set(collection, fn);
    }
    return fn;
  }
  // The guard is the collection's own JSON schema: a document it accepts has the collection's document type.
  function conforms<C extends CollectionName>(collection: C, doc: unknown): doc is DocTypes[C] {
    return validatorOf(collection)(doc);
  }
  const check: DocumentValidator['check'] = (collection, doc) => {
    if (conforms(collection, doc)) return { doc, problem: null };
    return { doc: null, problem: describe(validatorOf(collection).errors![0]) };
  };
  return {
    validate: (collection, doc) => check(collection, doc).problem,
    check,
  };
}
