import type { RxConflictHandler, RxConflictHandlerInput, WithDeleted } from 'rxdb';
import { isRecord } from './objects';
import type { CollectionName, DocTypes, ReviewDoc, ReviewRegion } from './schemas';

/**
 * Conflict handling for replication (SPEC R5). Pure and deterministic: no clock, no randomness, no I/O, so
 * every device resolves the same conflict to the same document, and the server and the client agree on what
 * "the same document" means.
 *
 * RxDB calls `isEqual` very often (it must be synchronous and cheap) and `resolve` when the server answers a
 * push with a conflicting master. See RxDB `types/conflict-handling.d.ts`.
 */

/**
 * Fields that never make two documents different: `updatedAt` is stamped by the server (R2), the rest is
 * RxDB's local bookkeeping and never replicated.
 */
export const IGNORED_FIELDS = ['updatedAt', '_meta', '_rev', '_attachments'] as const;

type AnyDoc = Record<string, unknown>;

const IGNORED = new Set<string>(IGNORED_FIELDS);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const ak = Object.keys(a).filter((k) => a[k] !== undefined);
  const bk = Object.keys(b).filter((k) => b[k] !== undefined);
  return (
    ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
  );
}

/** A document as compared by replication: without the ignored fields, with `_deleted` always present. */
export function comparable(doc: object): AnyDoc {
  const out: AnyDoc = {};
  for (const [k, v] of Object.entries(doc)) {
    if (IGNORED.has(k) || v === undefined) continue;
    out[k] = v;
  }
  out._deleted = '_deleted' in doc && doc._deleted === true;
  return out;
}

/** Whether two states of a document are the same for replication purposes (server R5 and client isEqual). */
export function sameDocument(a: object | null | undefined, b: object | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return deepEqual(comparable(a), comparable(b));
}

/** JSON with sorted keys: a total, deterministic order on documents for the last tie-break. */
export function canonicalJson(value: unknown): string {
  // Returns what JSON.stringify is then given: documents are JSON, so in practice a JSON value.
  const norm = (v: unknown): unknown => {
    if (!isRecord(v)) return v === undefined ? null : v;
    if (Array.isArray(v)) return v.map(norm);
    const out: AnyDoc = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = norm(v[k]);
    return out;
  };
  return JSON.stringify(norm(value));
}

/** The server's document always wins: used for collections whose documents the server or admins own. */
export function masterWins<T>(): RxConflictHandler<T> {
  return {
    isEqual: (a, b) => sameDocument(a, b),
    resolve: (i) => Promise.resolve(i.realMasterState),
  };
}

// ───────────────────────────── reviews: field-wise three-way merge ─────────────────────────────

type ReviewState = WithDeleted<ReviewDoc>;

/**
 * Which side wins where both changed the same thing: the later `editedAt` (the reviewer's own edit clock on
 * each device); on a tie the canonical JSON that sorts higher, so the answer does not depend on which device
 * resolves. Returns true when `local` wins.
 */
function localWins(local: ReviewState, master: ReviewState): boolean {
  if (local.editedAt !== master.editedAt) return local.editedAt > master.editedAt;
  return canonicalJson(comparable(local)) > canonicalJson(comparable(master));
}

/** Three-way merge of one value: a side that did not change it from the base gives way to the one that did. */
function pick<T>(base: T | undefined, master: T, local: T, hasBase: boolean, winnerIsLocal: boolean): T {
  if (deepEqual(master, local)) return master;
  if (hasBase && deepEqual(local, base)) return master;
  if (hasBase && deepEqual(master, base)) return local;
  return winnerIsLocal ? local : master;
}

function mergeRecord<V>(
  base: Record<string, V> | undefined,
  master: Record<string, V>,
  local: Record<string, V>,
  hasBase: boolean,
  winnerIsLocal: boolean,
): Record<string, V> {
  const out: Record<string, V> = {};
  const keys = [...new Set([...Object.keys(master), ...Object.keys(local)])].sort();
  for (const k of keys) {
    const inM = Object.prototype.hasOwnProperty.call(master, k);
    const inL = Object.prototype.hasOwnProperty.call(local, k);
    const inB = hasBase && !!base && Object.prototype.hasOwnProperty.call(base, k);
    if (inM && inL) {
      out[k] = pick(inB ? base[k] : undefined, master[k], local[k], inB, winnerIsLocal);
    } else if (inM) {
      // Only the master has it: the local side removed it (it was in the base) or never had it (added remotely).
      if (!inB || !deepEqual(base[k], master[k])) out[k] = master[k];
    } else if (inL) {
      if (!inB || !deepEqual(base[k], local[k])) out[k] = local[k];
    }
  }
  return out;
}

function mergeRegions(
  base: ReviewRegion[] | undefined,
  master: ReviewRegion[],
  local: ReviewRegion[],
  hasBase: boolean,
  winnerIsLocal: boolean,
): ReviewRegion[] {
  const byId = (list: ReviewRegion[] | undefined) => Object.fromEntries((list ?? []).map((r) => [r.id, r]));
  const merged = mergeRecord(hasBase ? byId(base) : undefined, byId(master), byId(local), hasBase, winnerIsLocal);
  return Object.values(merged).sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * Merges two edits of one review (the same reviewer on two devices, `id = callId:reviewerId`):
 * - answers and regions merge per question / per region id, so separate edits both survive;
 * - other fields merge three-way against the state both sides started from (`assumedMasterState`);
 * - where both sides changed the same thing, the later `editedAt` wins (tie: canonical order);
 * - `submitted` is final: once either side submitted, the result is submitted; a submitted master wins whole,
 *   because the server refuses any change to it but an admin's reopen (sync policy REVIEW_LIFECYCLE, SPEC R7a),
 *   and a merged push over it would be refused again and again;
 * - otherwise a deletion on either side wins (a discarded draft stays discarded).
 * `score` follows the winning side; the review editor recomputes it from the answers when it opens.
 */
export function mergeReviews(i: RxConflictHandlerInput<ReviewDoc>): ReviewState {
  const master = i.realMasterState;
  const local = i.newDocumentState;
  if (sameDocument(master, local)) return master; // nothing to merge (and nothing reordered)
  if (master._deleted) return master;
  if (master.status === 'submitted') return master;
  if (local._deleted) return { ...master, _deleted: true };
  const base = i.assumedMasterState && !i.assumedMasterState._deleted ? i.assumedMasterState : undefined;
  const hasBase = base !== undefined;
  const winnerIsLocal = localWins(local, master);
  const field = <K extends keyof ReviewDoc>(k: K): ReviewDoc[K] =>
    pick(base?.[k], master[k], local[k], hasBase, winnerIsLocal);

  // Submission is final; when both sides submitted, the first submission counts (the same whichever side resolves).
  const submittedAts = [master, local]
    .filter((d) => d.status === 'submitted')
    .map((d) => d.submittedAt ?? Number.MAX_SAFE_INTEGER);
  const submittedAt = submittedAts.length ? Math.min(...submittedAts) : null;
  const merged: ReviewState = {
    id: master.id,
    updatedAt: master.updatedAt,
    callId: master.callId,
    reviewerId: master.reviewerId,
    scorecardId: field('scorecardId'),
    answers: mergeRecord(base?.answers, master.answers, local.answers, hasBase, winnerIsLocal),
    score: field('score'),
    outcome: field('outcome'),
    aiOutcome: field('aiOutcome'),
    notes: field('notes'),
    regions: mergeRegions(base?.regions, master.regions, local.regions, hasBase, winnerIsLocal),
    status: submittedAt !== null ? 'submitted' : 'draft',
    submittedAt: submittedAt === Number.MAX_SAFE_INTEGER ? null : submittedAt,
    editedAt: Math.max(master.editedAt, local.editedAt),
    _deleted: false,
  };
  return merged;
}

export const reviewConflictHandler: RxConflictHandler<ReviewDoc> = {
  isEqual: (a, b) => sameDocument(a, b),
  resolve: (i) => Promise.resolve(mergeReviews(i)),
};

/** The conflict handler of each collection; pass it as `conflictHandler` to RxDB's `addCollections`. */
export const CONFLICT_HANDLERS: { [C in CollectionName]: RxConflictHandler<DocTypes[C]> } = {
  leads: masterWins<DocTypes['leads']>(),
  assessors: masterWins<DocTypes['assessors']>(),
  calls: masterWins<DocTypes['calls']>(),
  messages: masterWins<DocTypes['messages']>(),
  insights: masterWins<DocTypes['insights']>(),
  reviews: reviewConflictHandler,
  clips: masterWins<DocTypes['clips']>(),
  courses: masterWins<DocTypes['courses']>(),
  areas: masterWins<DocTypes['areas']>(),
  tierChanges: masterWins<DocTypes['tierChanges']>(),
  scorecards: masterWins<DocTypes['scorecards']>(),
};

export function conflictHandlerFor<C extends CollectionName>(name: C): RxConflictHandler<DocTypes[C]> {
  return CONFLICT_HANDLERS[name];
}
