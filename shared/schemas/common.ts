/**
 * Helpers shared by every collection schema. Schemas are plain RxDB JSON schemas (draft-07 subset):
 * the app builds its RxDB collections from them and the sync server validates pushed documents with them.
 * See https://rxdb.info/rx-schema.html
 */
export const idField = { type: 'string', maxLength: 100 } as const;
export const refField = { type: 'string', maxLength: 100 } as const;
export const nullableRef = { type: ['string', 'null'], maxLength: 100 } as const;
/** Milliseconds since the epoch, stamped by the server (the server owns the clock). */
export const timeField = { type: 'number', minimum: 0, maximum: 1e13, multipleOf: 1 } as const;
export const nullableTime = { type: ['number', 'null'], minimum: 0, maximum: 1e13 } as const;
export const seconds = { type: 'number', minimum: 0, maximum: 1e7 } as const;
export const shortText = { type: 'string', maxLength: 200 } as const;
export const longText = { type: 'string', maxLength: 20000 } as const;

export const SERVICES = ['energy-assessment', 'boiler', 'electrical', 'plumbing', 'solar', 'security'] as const;
export type Service = (typeof SERVICES)[number];

export const TIERS = ['platinum', 'gold', 'silver', 'bronze'] as const;
export type Tier = (typeof TIERS)[number];

export const OUTCOMES = ['booked', 'callback', 'lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Fields every replicated document carries. `updatedAt` is always overwritten by the server. */
export interface BaseDoc {
  id: string;
  updatedAt: number;
}
