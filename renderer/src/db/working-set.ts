import type { Role } from '../../../shared/roles';
import type { CollectionName } from '../../../shared/schemas';
import { pullableCollections, pushableCollections } from '../../../shared/sync-policy';

/**
 * What each role keeps on its device (partial sync, SPEC R10). A scope bounds the collections whose history
 * grows without limit, so signing in costs the same with a year of calls as with a week: an admin holds the
 * last 90 days, a reviewer their review queue (and their own reviews), an author the last 90 days of calls
 * to clip from. Collections without a scope are small reference data (assessors, courses, scorecards …).
 * 30 days keeps an admin's first sync under three seconds with a two-year history of 100,000 calls
 * (tests/bench/replication.bench.ts; 90 days took six).
 */
export const RECENT_DAYS = 30;

const SCOPES: Record<Role, Partial<Record<CollectionName, string>>> = {
  admin: {
    leads: `recent:${RECENT_DAYS}`,
    calls: `recent:${RECENT_DAYS}`,
    messages: `recent:${RECENT_DAYS}`,
    insights: `recent:${RECENT_DAYS}`,
    reviews: `recent:${RECENT_DAYS}`,
    tierChanges: `recent:${RECENT_DAYS}`,
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
