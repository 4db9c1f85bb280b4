import type { Outcome, ReadonlyDoc, Service } from '../../../../../shared/schemas';

/**
 * The review queue as a pure function of the documents on this device and the reviewer's filters, so the
 * screen stays a thin shell and the rules are testable without a browser.
 *
 * - A call is in the queue when its recording is stored (ReadonlyDoc<'calls'>.recording.state 'stored').
 * - "Reviewed" means at least one submitted review; "needs review" means none yet.
 * - The outcome shown is the reviewer-confirmed one when a review was submitted, else the AI's.
 * - Counts ignore the review-status and assignment filters, so the tabs show what each would give.
 */
export const REVIEW_STATUS_FILTERS = ['needs_review', 'reviewed', 'my_drafts', 'all'] as const;
export type ReviewStatusFilter = (typeof REVIEW_STATUS_FILTERS)[number];
export const ASSIGNMENT_FILTERS = ['anyone', 'me', 'unassigned'] as const;
export type AssignmentFilter = (typeof ASSIGNMENT_FILTERS)[number];
export const QUEUE_SORTS = ['newest', 'oldest', 'longest', 'shortest', 'assigned_first'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilters {
  district: string | null;
  service: Service | null;
  assessorId: string | null;
  /** 'none' = neither a reviewer nor the AI has given an outcome yet. */
  outcome: Outcome | 'none' | null;
  /** Inclusive bounds on ReadonlyDoc<'calls'>.startedAt, epoch ms. */
  from: number | null;
  to: number | null;
  status: ReviewStatusFilter;
  assignment: AssignmentFilter;
}

export const DEFAULT_FILTERS: QueueFilters = {
  district: null,
  service: null,
  assessorId: null,
  outcome: null,
  from: null,
  to: null,
  status: 'needs_review',
  assignment: 'anyone',
};

export interface QueueRow {
  call: ReadonlyDoc<'calls'>;
  submitted: number;
  myReview: Pick<ReadonlyDoc<'reviews'>, 'status' | 'score' | 'outcome'> | null;
  aiOutcome: Outcome | null;
  /** Reviewer outcome (latest submitted) or the AI's. */
  outcome: Outcome | null;
  outcomeSource: 'reviewer' | 'ai' | null;
}

export interface QueueCounts {
  all: number;
  needs_review: number;
  reviewed: number;
  my_drafts: number;
  assignedToMe: number;
  unassigned: number;
}

export interface QueueResult {
  rows: QueueRow[];
  counts: QueueCounts;
}

export interface QueueInput {
  calls: readonly ReadonlyDoc<'calls'>[];
  reviews: readonly ReadonlyDoc<'reviews'>[];
  /** The AI's outcome per call (newest finished insight), see `useAiOutcomes`. */
  aiOutcomes: ReadonlyMap<string, Outcome>;
  me: string;
  filters: QueueFilters;
  sort: QueueSort;
}

export function buildQueue({ calls, reviews, aiOutcomes, me, filters, sort }: QueueInput): QueueResult {
  const reviewsByCall = new Map<string, ReadonlyDoc<'reviews'>[]>();
  for (const r of reviews) {
    const list = reviewsByCall.get(r.callId);
    if (list) list.push(r);
    else reviewsByCall.set(r.callId, [r]);
  }

  const counts: QueueCounts = { all: 0, needs_review: 0, reviewed: 0, my_drafts: 0, assignedToMe: 0, unassigned: 0 };
  const rows: QueueRow[] = [];
  for (const call of calls) {
    if (call.recording.state !== 'stored') continue;
    if (filters.district !== null && call.district !== filters.district) continue;
    if (filters.service !== null && call.service !== filters.service) continue;
    if (filters.assessorId !== null && call.assessorId !== filters.assessorId) continue;
    if (filters.from !== null && call.startedAt < filters.from) continue;
    if (filters.to !== null && call.startedAt > filters.to) continue;

    const callReviews = reviewsByCall.get(call.id) ?? [];
    let submitted = 0;
    let latestSubmitted: ReadonlyDoc<'reviews'> | null = null;
    let mine: ReadonlyDoc<'reviews'> | null = null;
    for (const r of callReviews) {
      if (r.reviewerId === me) mine = r;
      if (r.status === 'submitted') {
        submitted += 1;
        if (!latestSubmitted || (r.submittedAt ?? 0) > (latestSubmitted.submittedAt ?? 0)) latestSubmitted = r;
      }
    }
    const aiOutcome = aiOutcomes.get(call.id) ?? null;
    const outcome = latestSubmitted?.outcome ?? aiOutcome;
    const outcomeSource = latestSubmitted?.outcome ? 'reviewer' : aiOutcome ? 'ai' : null;
    if (filters.outcome !== null && (filters.outcome === 'none' ? outcome !== null : outcome !== filters.outcome))
      continue;

    const isDraftOfMine = mine !== null && mine.status === 'draft';
    counts.all += 1;
    if (submitted === 0) counts.needs_review += 1;
    else counts.reviewed += 1;
    if (isDraftOfMine) counts.my_drafts += 1;
    if (call.reviewAssignee === me) counts.assignedToMe += 1;
    if (call.reviewAssignee === null) counts.unassigned += 1;

    if (filters.status === 'needs_review' && submitted > 0) continue;
    if (filters.status === 'reviewed' && submitted === 0) continue;
    if (filters.status === 'my_drafts' && !isDraftOfMine) continue;
    if (filters.assignment === 'me' && call.reviewAssignee !== me) continue;
    if (filters.assignment === 'unassigned' && call.reviewAssignee !== null) continue;

    rows.push({
      call,
      submitted,
      myReview: mine ? { status: mine.status, score: mine.score, outcome: mine.outcome } : null,
      aiOutcome,
      outcome,
      outcomeSource,
    });
  }
  rows.sort(comparator(sort, me));
  return { rows, counts };
}

const duration = (c: ReadonlyDoc<'calls'>) => c.recording.durationSec ?? c.talkSeconds;

function comparator(sort: QueueSort, me: string): (a: QueueRow, b: QueueRow) => number {
  // Ties fall back to newest first, then id, so the order never jumps between renders.
  const newest = (a: QueueRow, b: QueueRow) =>
    b.call.startedAt - a.call.startedAt || (a.call.id < b.call.id ? -1 : a.call.id > b.call.id ? 1 : 0);
  switch (sort) {
    case 'newest':
      return newest;
    case 'oldest':
      return (a, b) => a.call.startedAt - b.call.startedAt || newest(a, b);
    case 'longest':
      return (a, b) => duration(b.call) - duration(a.call) || newest(a, b);
    case 'shortest':
      return (a, b) => duration(a.call) - duration(b.call) || newest(a, b);
    case 'assigned_first':
      return (a, b) => Number(b.call.reviewAssignee === me) - Number(a.call.reviewAssignee === me) || newest(a, b);
  }
}

/** Distinct values present in the queue, for the filter menus. */
export function queueFacets(calls: readonly ReadonlyDoc<'calls'>[]): {
  districts: string[];
  services: Service[];
  assessorIds: string[];
} {
  const districts = new Set<string>();
  const services = new Set<Service>();
  const assessorIds = new Set<string>();
  for (const c of calls) {
    if (c.recording.state !== 'stored') continue;
    if (c.district) districts.add(c.district);
    if (c.service) services.add(c.service);
    if (c.assessorId) assessorIds.add(c.assessorId);
  }
  return { districts: [...districts].sort(), services: [...services].sort(), assessorIds: [...assessorIds] };
}
