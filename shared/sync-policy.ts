import { IGNORED_FIELDS, sameDocument } from './conflicts';
import { fieldOf, isRecord } from './objects';
import { maskFreeText, maskWords, restoreMasked } from './pii/free-text';
import type { Role } from './roles';
import { COLLECTION_NAMES, type CollectionName, type DocTypes } from './schemas';

/**
 * Who may pull and push what through replication (SPEC R6, R7, R10). Pure data and functions: the server
 * enforces them, the app uses them to decide which collections to replicate and which controls to offer.
 *
 * Principles
 * - Staff see only what their role needs (PRODUCT.md, Legal and privacy): reviewers and authors never receive
 *   a real phone number, neither in a phone field (`hidden`) nor inside free text such as a text message, a
 *   transcript or an analysis quote (`freeText`: phone numbers, emails and card numbers become "[phone]",
 *   "[email]", "[card]"; shared/pii/free-text.ts); authors, who make training material, see no leads, messages
 *   or reviews at all.
 * - Leads, assessors, messages and insights are server-owned: telephony, the marketplace API and the
 *   analysis jobs write them, and no role pushes them. Calls are server-owned except `reviewAssignee`.
 * - A reviewer's reviews are theirs: they see and write only their own (blind review; calibration is an
 *   admin view).
 * - Tier decisions, price overrides and scorecards are admin decisions.
 *
 * | collection  | admin                         | reviewer                              | author                    |
 * |-------------|-------------------------------|---------------------------------------|---------------------------|
 * | leads       | pull                          | pull, customerPhone = null, text mask | —                         |
 * | assessors   | pull                          | pull, phone = null                    | pull, phone = null        |
 * | calls       | pull; push reviewAssignee     | pull; claim/release own queue         | pull                      |
 * | messages    | pull                          | pull, body masked                     | —                         |
 * | insights    | pull                          | pull, transcript + quotes masked      | pull, same masking        |
 * | reviews     | pull all; write own; reopen,  | pull/write own; delete own drafts     | —                         |
 * |             | delete any (REVIEW_LIFECYCLE) | (REVIEW_LIFECYCLE)                    |                           |
 * | clips       | pull, write                   | pull, text masked                     | pull, text masked; own    |
 * | courses     | pull, write                   | pull, text masked                     | pull, text masked; own    |
 * | areas       | pull; push override           | —                                 | —                         |
 * | tierChanges | pull; decide (status …)       | —                                 | —                         |
 * | scorecards  | pull, write                   | pull                              | —                         |
 */

export interface PolicyUser {
  id: string;
  role: Role;
}

type Field<C extends CollectionName> = keyof DocTypes[C] & string;

export interface PullRule<C extends CollectionName> {
  /** Nullable fields the role receives as `null`. */
  hidden?: readonly Field<C>[];
  /**
   * Free-text fields the role receives with phone numbers, emails and card numbers masked (R6a). Dotted paths
   * from the document; `*` stands for every element of an array (`transcript.*.text`); a missing or null step
   * is skipped.
   */
  freeText?: readonly string[];
  /** Arrays of `{ word }` (transcript word timings) masked word by word, keeping every word and its timing. */
  wordLists?: readonly string[];
  /** Row filter: only documents whose field equals the user's id. */
  ownedBy?: Field<C>;
}

export interface Violation {
  code: 'FORBIDDEN' | 'FORBIDDEN_FIELD' | 'REVIEW_SUBMITTED';
  message: string;
  field?: string;
}

export interface PushCheckInput<C extends CollectionName> {
  user: PolicyUser;
  /** The new state (`_deleted` says whether it is a deletion). */
  next: DocTypes[C] & { _deleted?: boolean };
  /** The stored document as this role sees it, null when it does not exist (or is a tombstone). */
  master: DocTypes[C] | null;
}

export interface PushRule<C extends CollectionName> {
  /** May create documents (or write over a tombstone). */
  create: boolean;
  /** May delete (write a tombstone). */
  delete: boolean;
  /** Fields the role may change on an existing document; `'*'` is every field except `immutable`. */
  fields: '*' | readonly Field<C>[];
  /** With `'*'`: fields that never change once a document exists. */
  immutable?: readonly Field<C>[];
  /** Row-level rule, run for every written row after the field check. */
  check?: (i: PushCheckInput<C>) => Violation | null;
}

export interface CollectionPolicy<C extends CollectionName> {
  pull: Partial<Record<Role, PullRule<C>>>;
  push: Partial<Record<Role, PushRule<C>>>;
}

const forbidden = (message: string, field?: string): Violation =>
  field ? { code: 'FORBIDDEN_FIELD', message, field } : { code: 'FORBIDDEN', message };

/** The writer must be the owner named by `field`, on the new state and on the stored one. */
const ownedBy =
  <C extends CollectionName>(field: Field<C>, what: string) =>
  ({ user, next, master }: PushCheckInput<C>): Violation | null => {
    if (fieldOf(next, field) !== user.id) return forbidden(`you can only write your own ${what}`, field);
    if (master && fieldOf(master, field) !== user.id) {
      return forbidden(`this ${what.replace(/s$/, '')} belongs to someone else`, field);
    }
    return null;
  };

/**
 * Free text that may carry a customer's or an assessor's number (R6a): what people wrote or said and the
 * analysis quotes from it. Review notes are not here: a reviewer receives only their own reviews, written from
 * masked material. Scorecards are templates the admins write, not about any one person.
 */
const MASKED_TEXT = {
  leads: ['customerName', 'quality.evidence.*'],
  messages: ['body'],
  insights: [
    'transcript.*.text',
    'analysis.summary',
    'analysis.triggers.*.quote',
    'analysis.objections.*.quote',
    'analysis.objections.*.response.quote',
    'analysis.professionalism.greeting.evidence',
    'analysis.professionalism.clarity.evidence',
    'analysis.professionalism.empathy.evidence',
    'analysis.professionalism.nextStep.evidence',
    'analysis.professionalism.issues.*.quote',
    'analysis.outcome.evidence.*.quote',
    'analysis.cardDetails.*.excerpt',
    'analysis.caveats.*',
    'error',
  ],
  clips: ['title', 'notes'],
  courses: ['title', 'description', 'items.*.note'],
} as const;
const INSIGHTS_MASKED: PullRule<'insights'> = {
  freeText: MASKED_TEXT.insights,
  wordLists: ['transcript.*.words'],
};

export const SYNC_POLICY: { [C in CollectionName]: CollectionPolicy<C> } = {
  leads: {
    pull: { admin: {}, reviewer: { hidden: ['customerPhone'], freeText: MASKED_TEXT.leads } },
    push: {},
  },
  assessors: {
    pull: { admin: {}, reviewer: { hidden: ['phone'] }, author: { hidden: ['phone'] } },
    push: {},
  },
  calls: {
    pull: { admin: {}, reviewer: {}, author: {} },
    push: {
      admin: { create: false, delete: false, fields: ['reviewAssignee'] },
      reviewer: {
        create: false,
        delete: false,
        fields: ['reviewAssignee'],
        // A reviewer takes an unassigned call into their queue or gives one of theirs back; assigning work to
        // someone else is an admin's job.
        check: ({ user, next, master }) => {
          const before = master?.reviewAssignee ?? null;
          const after = next.reviewAssignee;
          if (before === after) return null;
          if ((before === null || before === user.id) && (after === null || after === user.id)) return null;
          return forbidden('a reviewer can only take an unassigned call or release their own', 'reviewAssignee');
        },
      },
    },
  },
  messages: {
    pull: { admin: {}, reviewer: { freeText: MASKED_TEXT.messages } },
    push: {},
  },
  insights: {
    pull: { admin: {}, reviewer: INSIGHTS_MASKED, author: INSIGHTS_MASKED },
    push: {},
  },
  reviews: {
    pull: { admin: {}, reviewer: { ownedBy: 'reviewerId' } },
    push: {
      admin: {
        create: true,
        delete: true,
        fields: '*',
        immutable: ['callId', 'reviewerId'],
        // Admins also review and write only their own reviews; on anyone's they may reopen a submission or
        // delete (moderation), which REVIEW_LIFECYCLE allows them alone.
        check: (i) => {
          const lifecycle = reviewLifecycle(i);
          if (lifecycle || i.next._deleted) return lifecycle;
          if (i.master && i.master.reviewerId !== i.user.id && reviewMove(i) === 'reopen') return onlyReopens(i);
          return reviewIdentity(i) ?? ownedBy<'reviews'>('reviewerId', 'reviews')(i);
        },
      },
      reviewer: {
        create: true,
        delete: true,
        fields: '*',
        immutable: ['callId', 'reviewerId'],
        check: (i) => {
          const own = ownedBy<'reviews'>(
            'reviewerId',
            'reviews',
          )(i.next._deleted && i.master ? { ...i, next: { ...i.master, _deleted: true } } : i);
          return own ?? reviewLifecycle(i) ?? (i.next._deleted ? null : reviewIdentity(i));
        },
      },
    },
  },
  clips: {
    pull: { admin: {}, reviewer: { freeText: MASKED_TEXT.clips }, author: { freeText: MASKED_TEXT.clips } },
    push: {
      admin: { create: true, delete: true, fields: '*', immutable: ['callId', 'authorId', 'createdAt'] },
      author: {
        create: true,
        delete: true,
        fields: '*',
        immutable: ['callId', 'authorId', 'createdAt'],
        check: (i) =>
          ownedBy<'clips'>(
            'authorId',
            'clips',
          )(i.next._deleted && i.master ? { ...i, next: { ...i.master, _deleted: true } } : i),
      },
    },
  },
  courses: {
    pull: { admin: {}, reviewer: { freeText: MASKED_TEXT.courses }, author: { freeText: MASKED_TEXT.courses } },
    push: {
      admin: { create: true, delete: true, fields: '*', immutable: ['authorId', 'createdAt'] },
      author: {
        create: true,
        delete: true,
        fields: '*',
        immutable: ['authorId', 'createdAt'],
        check: (i) =>
          ownedBy<'courses'>(
            'authorId',
            'courses',
          )(i.next._deleted && i.master ? { ...i, next: { ...i.master, _deleted: true } } : i),
      },
    },
  },
  areas: {
    pull: { admin: {} },
    push: {
      admin: {
        create: false,
        delete: false,
        fields: ['override'],
        check: ({ user, next, master }) => {
          const o = next.override;
          if (o === null || sameDocument(o, master?.override ?? {})) return null;
          if (o.by !== user.id) return forbidden('a price override is signed by the admin who sets it', 'override.by');
          if (o.validTo !== null && o.validTo <= o.validFrom)
            return forbidden('validTo must be after validFrom', 'override.validTo');
          return null;
        },
      },
    },
  },
  tierChanges: {
    pull: { admin: {} },
    push: {
      admin: {
        create: false,
        delete: false,
        fields: ['status', 'decidedBy', 'decidedAt', 'reason'],
        // The system proposes, a person decides once (UK GDPR art. 22): proposed → approved | rejected.
        check: ({ user, next, master }) => {
          if (!master) return forbidden('tier changes are proposed by the system');
          if (next.status === master.status) {
            // No decision in this write: who decided and when stay as they are; a decided change is final.
            if (next.decidedBy !== master.decidedBy) return forbidden('decidedBy is set by deciding', 'decidedBy');
            if (next.decidedAt !== master.decidedAt) return forbidden('decidedAt is set by deciding', 'decidedAt');
            if (master.status !== 'proposed' && next.reason !== master.reason)
              return forbidden('a decided tier change is final', 'reason');
            return null;
          }
          if (master.status !== 'proposed') return forbidden('a decided tier change is final', 'status');
          if (next.status === 'proposed') return forbidden('a decision cannot be undone', 'status');
          if (next.decidedBy !== user.id)
            return forbidden('a decision is signed by the admin who makes it', 'decidedBy');
          if (next.decidedAt === null) return forbidden('a decision needs decidedAt', 'decidedAt');
          return null;
        },
      },
    },
  },
  scorecards: {
    pull: { admin: {}, reviewer: {} },
    push: { admin: { create: true, delete: true, fields: '*' } },
  },
};

// ───────────────────────────── review lifecycle (R7a) ─────────────────────────────

/** Where a review stands before a push: not stored (or a tombstone), a draft, or submitted. */
export type ReviewStage = 'absent' | 'draft' | 'submitted';
/**
 * What a push does to it: `save` a draft (create or edit), `submit`, `edit-submitted` (change a submitted
 * review and keep it submitted), `reopen` (submitted → draft), `delete`. Pushing a review unchanged is no move.
 */
export type ReviewMove = 'save' | 'submit' | 'edit-submitted' | 'reopen' | 'delete';

/**
 * Which roles may make each move from each stage (R7a). A submitted review is final for its reviewer: only an
 * admin reopens it (then it is a draft its reviewer edits and submits again) or deletes it; nobody edits it in
 * place, so what was submitted is what was scored until someone explicitly reopens it. A reviewer may discard
 * their own draft. Ownership is checked separately (a reviewer writes only their own reviews).
 *
 * | from \ move | save              | submit            | edit-submitted | reopen | delete            |
 * |-------------|-------------------|-------------------|----------------|--------|-------------------|
 * | absent      | admin, reviewer   | admin, reviewer   | —              | —      | (nothing to do)   |
 * | draft       | admin, reviewer   | admin, reviewer   | —              | —      | admin, reviewer   |
 * | submitted   | —                 | —                 | —              | admin  | admin             |
 */
export const REVIEW_LIFECYCLE: Record<ReviewStage, Partial<Record<ReviewMove, readonly Role[]>>> = {
  absent: { save: ['admin', 'reviewer'], submit: ['admin', 'reviewer'], delete: ['admin', 'reviewer'] },
  draft: { save: ['admin', 'reviewer'], submit: ['admin', 'reviewer'], delete: ['admin', 'reviewer'] },
  submitted: { reopen: ['admin'], delete: ['admin'] },
};

/** The move a push makes on a review, or null when it changes nothing. */
export function reviewMove({ next, master }: Pick<PushCheckInput<'reviews'>, 'next' | 'master'>): ReviewMove | null {
  if (next._deleted) return 'delete';
  if (master && sameDocument(next, master)) return null;
  if (master?.status === 'submitted') return next.status === 'draft' ? 'reopen' : 'edit-submitted';
  return next.status === 'submitted' ? 'submit' : 'save';
}

/** Whether `role` may make `move` on a review at `stage` (the REVIEW_LIFECYCLE table). */
export function mayMoveReview(role: Role, stage: ReviewStage, move: ReviewMove): boolean {
  return REVIEW_LIFECYCLE[stage][move]?.includes(role) ?? false;
}

function reviewLifecycle(i: PushCheckInput<'reviews'>): Violation | null {
  const move = reviewMove(i);
  if (move === null) return null;
  const stage: ReviewStage = i.master ? i.master.status : 'absent';
  if (mayMoveReview(i.user.role, stage, move)) return null;
  const what = move === 'delete' ? 'deleted' : move === 'reopen' ? 'reopened' : 'changed';
  return {
    code: 'REVIEW_SUBMITTED',
    message: `a submitted review cannot be ${what} by a ${i.user.role}; an admin can reopen it`,
    field: 'status',
  };
}

/** Fields a reopen may change on someone else's review: the status, and what the app stamps with it. */
const REOPEN_FIELDS = new Set(['status', 'submittedAt', 'editedAt']);

/** An admin reopening another reviewer's review changes its status, never their answers. */
function onlyReopens({ next, master }: PushCheckInput<'reviews'>): Violation | null {
  const changed = Object.keys({ ...next, ...master }).find(
    (k) => !IGNORED.has(k) && !REOPEN_FIELDS.has(k) && !sameValue(fieldOf(next, k), master && fieldOf(master, k)),
  );
  return changed ? forbidden("reopening someone else's review changes only its status", changed) : null;
}

/** A review's id is `${callId}:${reviewerId}` so that two devices of one reviewer write the same document. */
function reviewIdentity({ next }: PushCheckInput<'reviews'>): Violation | null {
  return next.id === `${next.callId}:${next.reviewerId}` ? null : forbidden('a review id is callId:reviewerId', 'id');
}

export function pullRule<C extends CollectionName>(collection: C, role: Role): PullRule<C> | null {
  return SYNC_POLICY[collection].pull[role] ?? null;
}

export function pushRule<C extends CollectionName>(collection: C, role: Role): PushRule<C> | null {
  return SYNC_POLICY[collection].push[role] ?? null;
}

/** The collections a role replicates (the app opens only these). */
export function pullableCollections(role: Role): CollectionName[] {
  return COLLECTION_NAMES.filter((c) => pullRule(c, role) !== null);
}

/** The collections a role may push to. */
export function pushableCollections(role: Role): CollectionName[] {
  return COLLECTION_NAMES.filter((c) => pushRule(c, role) !== null);
}

/**
 * Whether `rule` changes documents on their way to the role (hidden fields or masked text). The server sends
 * documents for which this is false as the database's JSON text, untouched, and redacts the others.
 */
export function redacts(
  rule: { hidden?: readonly string[]; freeText?: readonly string[]; wordLists?: readonly string[] } | null,
): boolean {
  return !!(rule?.hidden?.length || rule?.freeText?.length || rule?.wordLists?.length);
}

/**
 * A copy of `value` with `fn` applied to what `path` (split at dots, `*` = every array element) reaches;
 * the same object where nothing changed. `other` is walked alongside and handed to `fn` (for restoring).
 */
function mapPath(
  value: unknown,
  path: readonly string[],
  fn: (v: unknown, other: unknown) => unknown,
  other?: unknown,
): unknown {
  if (path.length === 0) return fn(value, other);
  if (!isRecord(value)) return value;
  const [step, ...rest] = path;
  if (step === '*') {
    if (!Array.isArray(value)) return value;
    let changed = false;
    const out = value.map((v, k) => {
      const m = mapPath(v, rest, fn, Array.isArray(other) ? other[k] : undefined);
      if (m !== v) changed = true;
      return m;
    });
    return changed ? out : value;
  }
  if (!(step in value)) return value;
  const current = value[step];
  const mapped = mapPath(current, rest, fn, fieldOf(other, step));
  return mapped === current ? value : { ...value, [step]: mapped };
}

const splitPath = (p: string) => p.split('.');

const maskString = (v: unknown) => (typeof v === 'string' ? maskFreeText(v) : v);

interface TimedWord {
  readonly word: string;
}

const isWordList = (v: unknown): v is readonly TimedWord[] =>
  Array.isArray(v) && v.every((w) => typeof fieldOf(w, 'word') === 'string');

/** A word list with every word masked; the same list when no word changes. */
function maskedWordList(list: readonly TimedWord[]): readonly TimedWord[] {
  const masked = maskWords(list.map((w) => w.word));
  return masked.some((w, k) => w !== list[k].word) ? list.map((w, k) => ({ ...w, word: masked[k] })) : list;
}

const maskWordList = (v: unknown): unknown => (isWordList(v) ? maskedWordList(v) : v);

/** A document as `role` receives it: hidden fields are `null` (R6), free text masked (R6a). Returns a copy. */
export function redactForRole<C extends CollectionName, D extends DocTypes[C]>(collection: C, role: Role, doc: D): D {
  const rule = pullRule(collection, role);
  if (!rule || !redacts(rule)) return doc;
  let out: unknown = doc;
  if (rule.hidden?.length) {
    const copy: Record<string, unknown> = { ...doc };
    for (const f of rule.hidden) if (f in copy) copy[f] = null;
    out = copy;
  }
  for (const p of rule.freeText ?? []) out = mapPath(out, splitPath(p), maskString);
  for (const p of rule.wordLists ?? []) out = mapPath(out, splitPath(p), maskWordList);
  // Cast kept: hidden fields are nullable and masking maps strings to strings, so the shape is D's; TS cannot follow a path walk.
  return out as D;
}

/**
 * What the server writes for a permitted push: the pushed state, with the fields the role cannot see taken
 * from the stored document (a `null` placeholder must not erase a real phone number), and masked free text
 * given its real values back where the labels still stand (R7: a "[phone]" never overwrites a number).
 */
export function keepHiddenFields<C extends CollectionName, D extends DocTypes[C]>(
  collection: C,
  role: Role,
  next: D,
  stored: D | null,
): D {
  const rule = pullRule(collection, role);
  if (!rule || !redacts(rule) || !stored) return next;
  const out: Record<string, unknown> = { ...next };
  for (const f of rule.hidden ?? []) out[f] = fieldOf(stored, f);
  let restored: unknown = out;
  for (const p of rule.freeText ?? []) {
    restored = mapPath(
      restored,
      splitPath(p),
      (v, real) => (typeof v === 'string' && typeof real === 'string' ? restoreMasked(v, real) : v),
      stored,
    );
  }
  for (const p of rule.wordLists ?? []) {
    // A word still showing its masked form keeps its real text.
    restored = mapPath(
      restored,
      splitPath(p),
      (v, real) => {
        if (!Array.isArray(v) || !Array.isArray(real)) return v;
        const shown: readonly unknown[] = isWordList(real) ? maskedWordList(real) : real;
        return v.map((w, k) => (sameValue(w, shown[k]) ? real[k] : w));
      },
      stored,
    );
  }
  // Cast kept: the copy of D only had masked strings put back (strings for strings); TS cannot follow a path walk.
  return restored as D;
}

const IGNORED = new Set<string>([...IGNORED_FIELDS, '_deleted']);

/**
 * Whether `user` may write `next` over `master` (the stored document as that role sees it; null when absent
 * or a tombstone). Returns the first violation, or null when the write is allowed (R7).
 */
export function checkPush<C extends CollectionName>(
  collection: C,
  user: PolicyUser,
  next: DocTypes[C] & { _deleted?: boolean },
  master: DocTypes[C] | null,
): Violation | null {
  const rule = pushRule(collection, user.role);
  if (!rule) return forbidden(`a ${user.role} cannot write ${collection}`);
  const deleting = next._deleted === true;
  if (!master) {
    if (deleting) return null; // deleting what does not exist changes nothing
    if (!rule.create) return forbidden(`a ${user.role} cannot create ${collection}`);
  } else if (deleting) {
    if (!rule.delete) return forbidden(`a ${user.role} cannot delete ${collection}`);
  } else {
    const keys = new Set([...Object.keys(next), ...Object.keys(master)]);
    for (const key of [...keys].sort()) {
      if (IGNORED.has(key)) continue;
      const a = fieldOf(next, key);
      const b = fieldOf(master, key);
      if (sameValue(a, b)) continue;
      const allowed =
        rule.fields === '*'
          ? !rule.immutable?.some((f) => f === key) && key !== 'id'
          : rule.fields.some((f) => f === key);
      if (!allowed) return forbidden(`a ${user.role} cannot change ${collection}.${key}`, key);
    }
  }
  return rule.check ? rule.check({ user, next, master }) : null;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return sameDocument({ v: a }, { v: b });
}

// ───────────────────────────── partial sync scopes (R10) ─────────────────────────────

/**
 * A scope narrows a pull to a working set. Parsed here (pure), turned into SQL by the server.
 * - `recent:<days>` — documents whose time field is within the last N days (collections with a time field);
 * - `queue` (calls) — calls with a stored recording that are unassigned and not yet reviewed, or assigned to me
 *   and not yet reviewed by me; (insights, reviews) — those of the calls in my queue;
 * - `queue:<days>` — the same, with unassigned calls limited to those started in the last N days (everything
 *   assigned to me still counts): the working set of a platform that does not review every call;
 * - `call:<id>[,<id>…]` (insights, reviews, clips) — the documents of the calls this device opened (≤ 200 ids);
 * - `mine` (reviews, clips, courses) — documents I own.
 */
export type Scope =
  | { kind: 'recent'; field: string; days: number }
  | { kind: 'queue'; days: number | null }
  | { kind: 'calls'; field: string; ids: string[] }
  | { kind: 'mine'; field: string };

/** The field a `recent:` scope measures, per collection. */
export const SCOPE_TIME_FIELD: Partial<Record<CollectionName, string>> = {
  leads: 'createdAt',
  calls: 'startedAt',
  messages: 'sentAt',
  insights: 'createdAt',
  reviews: 'editedAt',
  clips: 'createdAt',
  tierChanges: 'createdAt',
};
const CALL_FIELD: Partial<Record<CollectionName, string>> = { insights: 'callId', reviews: 'callId', clips: 'callId' };
const OWNER_FIELD: Partial<Record<CollectionName, string>> = {
  reviews: 'reviewerId',
  clips: 'authorId',
  courses: 'authorId',
};
const QUEUE_COLLECTIONS: readonly CollectionName[] = ['calls', 'insights', 'reviews'];

export const MAX_SCOPE_IDS = 200;

/** Parses a scope for a collection; a string message explains a refusal. */
export function parseScope(collection: CollectionName, raw: string): Scope | string {
  const recent = /^recent:(\d{1,5})$/.exec(raw);
  if (recent) {
    const field = SCOPE_TIME_FIELD[collection];
    if (!field) return `${collection} has no recent: scope`;
    const days = Number(recent[1]);
    if (days < 1 || days > 3660) return 'recent:<days> takes 1 to 3660 days';
    return { kind: 'recent', field, days };
  }
  const queue = /^queue(?::(\d{1,5}))?$/.exec(raw);
  if (queue) {
    if (!QUEUE_COLLECTIONS.includes(collection)) return `${collection} has no queue scope`;
    const days = queue[1] === undefined ? null : Number(queue[1]);
    if (days !== null && (days < 1 || days > 3660)) return 'queue:<days> takes 1 to 3660 days';
    return { kind: 'queue', days };
  }
  if (raw === 'mine') {
    const field = OWNER_FIELD[collection];
    return field ? { kind: 'mine', field } : `${collection} has no mine scope`;
  }
  const calls = /^call:(.+)$/.exec(raw);
  if (calls) {
    const field = CALL_FIELD[collection];
    if (!field) return `${collection} has no call: scope`;
    const ids = [...new Set(calls[1].split(',').filter(Boolean))];
    if (ids.length === 0 || ids.length > MAX_SCOPE_IDS || ids.some((id) => id.length > 100)) {
      return `call:<ids> takes 1 to ${MAX_SCOPE_IDS} ids`;
    }
    return { kind: 'calls', field, ids };
  }
  return `unknown scope ${JSON.stringify(raw.slice(0, 50))}`;
}
