import { z } from 'zod';
import { COLLECTIONS, type CollectionName, type DocTypes } from '../schemas';

/** `{ ok: true }`: the answer of a command that has nothing else to say. */
export const Ok = z.object({ ok: z.literal(true) });

/** A path `:id`. Path parameters are text; 200 characters is more than any id the server issues. */
export const IdParams = z.object({ id: z.string().min(1).max(200) });

/** An ISO 8601 instant as the server writes it (`Date#toISOString`). */
export const IsoTime = z.string();

/** Milliseconds since the epoch, as documents store times. */
export const EpochMs = z.number();

/**
 * A replicated document as the collection's JSON schema (shared/schemas) describes it. The OpenAPI document
 * shows that schema; at run time (response checks in tests) the document is validated against it.
 */
export function documentOf<N extends CollectionName>(collection: N): z.ZodType<DocTypes[N]> {
  let validator: z.ZodType | null = null;
  return z
    .custom<DocTypes[N]>((value) => {
      validator ??= z.fromJSONSchema(plainJsonSchema(collection));
      return validator.safeParse(value).success;
    }, `not a valid ${collection} document`)
    .meta({ collection });
}

/** A collection's JSON schema without RxDB's own keywords (primary key, indexes, version …). */
export function plainJsonSchema(collection: CollectionName): Record<string, unknown> {
  const { primaryKey: _p, version: _v, indexes: _i, title: _t, ...rest } = COLLECTIONS[collection];
  return rest;
}

/**
 * A value whose type a shared domain module already declares (shared/pricing, shared/allocation …): typed for
 * handlers and the app, checked at run time only as a JSON object, and described by `description` in the
 * OpenAPI document. Used where restating the domain type as zod would be a second copy of it.
 */
export function domainObject<T>(description: string): z.ZodType<T> {
  return z
    .custom<T>((value) => typeof value === 'object' && value !== null, `expected ${description}`)
    .meta({ description, domainObject: true });
}
