import type { DeepReadonly } from 'rxdb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CALL_STATUSES,
  COLLECTIONS,
  COLLECTION_NAMES,
  type BaseDoc,
  type CallDirection,
  type CallDoc,
  type CallStatus,
  type CollectionName,
  type CourseDoc,
  type DocTypes,
  type InsightDoc,
  type LeadGrade,
  type LeadDoc,
  type ReadonlyDoc,
  type RecordingState,
  type ReviewDoc,
  type Service,
  type Tier,
  type TierChangeDoc,
} from '../../shared/schemas';
import type { CallAnalysis } from '../../shared/analysis/schema';

/**
 * One definition per collection (issue 11 part 4): the document types are derived from the JSON schemas. These
 * checks are compile-time (`npm run typecheck` fails when a derived type widens) plus the runtime facts the
 * derivation depends on.
 */
describe('document types derived from the collection schemas', () => {
  it('keep the narrow unions the schemas enumerate', () => {
    expectTypeOf<CallDoc['status']>().toEqualTypeOf<CallStatus>();
    expectTypeOf<CallDoc['direction']>().toEqualTypeOf<CallDirection | null>();
    expectTypeOf<CallDoc['recording']['state']>().toEqualTypeOf<RecordingState>();
    expectTypeOf<CallDoc['recording']['channels']>().toEqualTypeOf<Array<'customer' | 'assessor'>>();
    expectTypeOf<LeadDoc['service']>().toEqualTypeOf<Service>();
    expectTypeOf<LeadDoc['status']>().toEqualTypeOf<'open' | 'booked' | 'closed'>();
    expectTypeOf<NonNullable<LeadDoc['quality']>['grade']>().toEqualTypeOf<LeadGrade>();
    expectTypeOf<TierChangeDoc['fromTier']>().toEqualTypeOf<Tier | null>();
    expectTypeOf<ReviewDoc['answers']>().toEqualTypeOf<{ [question: string]: string | number | boolean }>();
    expectTypeOf<CourseDoc['districts']>().toEqualTypeOf<string[]>();
    // Typed by its zod schema, not by the JSON schema's top-level sketch.
    expectTypeOf<InsightDoc['analysis']>().toEqualTypeOf<CallAnalysis | null>();
    expect(COLLECTIONS.calls.properties.status.enum).toEqual(CALL_STATUSES);
  });

  it('give every collection the fields every replicated document carries', () => {
    expectTypeOf<DocTypes[CollectionName]>().toExtend<BaseDoc>();
    for (const name of COLLECTION_NAMES) {
      expect(COLLECTIONS[name].primaryKey, name).toBe('id');
      expect(COLLECTIONS[name].required, name).toEqual(expect.arrayContaining(['id', 'updatedAt']));
    }
  });

  it('have a read-only form that RxDB query results fit without casts', () => {
    expectTypeOf<DeepReadonly<CallDoc>>().toExtend<ReadonlyDoc<'calls'>>();
    expectTypeOf<ReadonlyDoc<'calls'>>().toEqualTypeOf<DeepReadonly<CallDoc>>();
    // A plain document is a read-only one too, so pure functions can take either.
    expectTypeOf<CallDoc>().toExtend<ReadonlyDoc<'calls'>>();
  });
});
