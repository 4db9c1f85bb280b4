import type { Role } from '../../../shared/roles';
import type { CollectionName } from '../../../shared/schemas';
import { pullableCollections, pushableCollections } from '../../../shared/sync-policy';

/**
 * What each role keeps on its device (partial sync, SPEC R10). A scope bounds the collections whose history
 * grows without limit, so signing in costs the same with a year of calls as with a week:
 *  - an admin holds the last 90 days of leads, calls, texts and analyses (the Contacts screen offers periods up
 *    to 90 days) and every tier change (a proposal waits for a decision however old it is);
 *  - a reviewer holds their review queue and their own reviews, and 30 days of leads and texts;
 *  - an author holds 30 days of calls to clip from.
 * Collections without a scope are small reference data (assessors, courses, scorecards, areas …).
 */
export const ADMIN_DAYS = 90;

/**
 * Documents per pull: the server's maximum. Measured in tests/bench/replication.bench.ts: pages of 2,000 fill
 * IndexedDB about 5 % faster than pages of 1,000 in a first sync (fewer requests and transactions).
 */
export const PULL_BATCH_SIZE = 2000;
export const RECENT_DAYS = 30;

const SCOPES: Record<Role, Partial<Record<CollectionName, string>>> = {
  admin: {
    leads: `recent:${ADMIN_DAYS}`,
    calls: `recent:${ADMIN_DAYS}`,
    messages: `recent:${ADMIN_DAYS}`,
    insights: `recent:${ADMIN_DAYS}`,
    reviews: `recent:${ADMIN_DAYS}`,
  },
  reviewer: {
    leads: `recent:${RECENT_DAYS}`,
    calls: 'queue',
    messages: `recent:${RECENT_DAYS}`,
    insights: 'queue',
    reviews: 'mine',
  },
  author: {
    calls: `recent:${RECENT_DAYS}`,
    insights: `recent:${RECENT_DAYS}`,
  },
};

/**
 * What each role's first screen shows. These replicate first; the rest starts once they are in, so the first
 * screen does not share the connection and IndexedDB with everything else (tests/bench/replication.bench.ts).
 */
export const FIRST_SCREEN: Record<Role, readonly CollectionName[]> = {
  admin: ['leads', 'calls', 'assessors'],
  reviewer: ['calls', 'reviews', 'scorecards'],
  author: ['courses', 'clips'],
};

export interface CollectionPlan {
  collection: CollectionName;
  scope: string | null;
  /** Whether this role may write the collection; read-only replications skip the push side entirely. */
  push: boolean;
  /** Needed by the role's first screen: replicated before the others. */
  first: boolean;
}

/** The replications a role runs: only collections its policy lets it pull (others would answer 403). */
export function workingSet(role: Role): CollectionPlan[] {
  const pushable = new Set(pushableCollections(role));
  return pullableCollections(role).map((collection) => ({
    collection,
    scope: SCOPES[role][collection] ?? null,
    push: pushable.has(collection),
    first: FIRST_SCREEN[role].includes(collection),
  }));
}
