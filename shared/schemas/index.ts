import type { DeepReadonly, RxJsonSchema } from 'rxdb';
import {
  leadSchema,
  assessorSchema,
  callSchema,
  messageSchema,
  insightSchema,
  reviewSchema,
  clipSchema,
  courseSchema,
  areaSchema,
  tierChangeSchema,
  scorecardSchema,
  type LeadDoc,
  type AssessorDoc,
  type CallDoc,
  type MessageDoc,
  type InsightDoc,
  type ReviewDoc,
  type ClipDoc,
  type CourseDoc,
  type AreaDoc,
  type TierChangeDoc,
  type ScorecardDoc,
} from './collections';

export * from './common';
export * from './collections';

/**
 * The client collections. Eleven, because RxDB's open-source build refuses more than ~13 open collections
 * in one process and the app needs headroom. The same schemas validate pushes on the server.
 */
export const COLLECTIONS = {
  leads: leadSchema,
  assessors: assessorSchema,
  calls: callSchema,
  messages: messageSchema,
  insights: insightSchema,
  reviews: reviewSchema,
  clips: clipSchema,
  courses: courseSchema,
  areas: areaSchema,
  tierChanges: tierChangeSchema,
  scorecards: scorecardSchema,
} as const;

export type CollectionName = keyof typeof COLLECTIONS;
export const COLLECTION_NAMES = Object.keys(COLLECTIONS).filter(isCollectionName);

export interface DocTypes {
  leads: LeadDoc;
  assessors: AssessorDoc;
  calls: CallDoc;
  messages: MessageDoc;
  insights: InsightDoc;
  reviews: ReviewDoc;
  clips: ClipDoc;
  courses: CourseDoc;
  areas: AreaDoc;
  tierChanges: TierChangeDoc;
  scorecards: ScorecardDoc;
}

/**
 * A document in the form RxDB hands out (`toJSON()`, query results): deeply read-only. Pure functions that only read
 * documents take this form (a plain document fits it too), so features pass query results on without casts.
 */
export type ReadonlyDoc<C extends CollectionName> = DeepReadonly<DocTypes[C]>;

/** The schemas keyed so that a generic collection name keeps its document type. */
const SCHEMAS: { readonly [C in CollectionName]: RxJsonSchema<DocTypes[C]> } = COLLECTIONS;

/** The JSON schema of one collection, typed by its document type. */
export function schemaOf<C extends CollectionName>(name: C): RxJsonSchema<DocTypes[C]> {
  return SCHEMAS[name];
}

export function isCollectionName(value: string): value is CollectionName {
  return Object.prototype.hasOwnProperty.call(COLLECTIONS, value);
}

export function schemaVersion(name: CollectionName): number {
  return COLLECTIONS[name].version;
}
