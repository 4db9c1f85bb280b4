import type { Outcome, ReviewAnswer, ReviewDoc, ReviewRegion, ScorecardDoc } from '../../../../shared/schemas';
import { scoreReview } from '../../../../shared/scoring';

/**
 * Pure edits of a reviewer's ReviewDoc. One document per call per reviewer (`${callId}:${reviewerId}`), so two
 * reviewers never write the same document and one reviewer's two devices converge on one.
 * `updatedAt` is the server's (SPEC R2): a new review starts at 0 and edits leave it alone. What has not
 * reached the server yet is tracked by outbox.ts.
 */
export const reviewIdFor = (callId: string, reviewerId: string) => `${callId}:${reviewerId}`;

export function newReview(
  callId: string,
  reviewerId: string,
  scorecardId: string | null,
  aiOutcome: Outcome | null,
  now: number,
): ReviewDoc {
  return {
    id: reviewIdFor(callId, reviewerId),
    updatedAt: 0,
    callId,
    reviewerId,
    scorecardId,
    answers: {},
    score: null,
    outcome: null,
    aiOutcome,
    notes: '',
    regions: [],
    status: 'draft',
    submittedAt: null,
    editedAt: Math.floor(now),
  };
}

type Edit = (doc: ReviewDoc) => ReviewDoc;

/**
 * Applies edits and stamps the edit time (never going backwards, so the conflict handler's "later edit wins"
 * holds on this device); the score is kept current whenever a scorecard is known.
 */
export function editReview(
  doc: ReviewDoc,
  now: number,
  scorecard: Pick<ScorecardDoc, 'id' | 'sections'> | null,
  ...edits: Edit[]
): ReviewDoc {
  let next = edits.reduce((d, edit) => edit(d), doc);
  if (scorecard && next.scorecardId === scorecard.id)
    next = { ...next, score: scoreReview(scorecard, next.answers).score };
  return { ...next, editedAt: Math.max(Math.floor(now), doc.editedAt + 1) };
}

export const setAnswer =
  (questionId: string, answer: ReviewAnswer | undefined): Edit =>
  (doc) => {
    const answers = { ...doc.answers };
    if (answer === undefined) delete answers[questionId];
    else answers[questionId] = answer;
    return { ...doc, answers };
  };

export const setOutcome =
  (outcome: Outcome | null): Edit =>
  (doc) => ({ ...doc, outcome });
export const setNotes =
  (notes: string): Edit =>
  (doc) => ({ ...doc, notes });
export const setAiOutcome =
  (aiOutcome: Outcome | null): Edit =>
  (doc) => ({ ...doc, aiOutcome });
export const chooseScorecard =
  (scorecardId: string): Edit =>
  (doc) => ({ ...doc, scorecardId });

const byStart = (a: ReviewRegion, b: ReviewRegion) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1);
const round2 = (t: number) => Math.round(t * 100) / 100;

/** Adds or replaces a region (moment), keeping start ≤ end and the list in time order. */
export const putRegion =
  (region: ReviewRegion): Edit =>
  (doc) => {
    const start = round2(Math.max(0, Math.min(region.start, region.end)));
    const end = round2(Math.max(region.start, region.end));
    const clean = { ...region, start, end, label: region.label.slice(0, 200), comment: region.comment.slice(0, 2000) };
    return { ...doc, regions: [...doc.regions.filter((r) => r.id !== region.id), clean].sort(byStart) };
  };

export const removeRegion =
  (regionId: string): Edit =>
  (doc) => ({ ...doc, regions: doc.regions.filter((r) => r.id !== regionId) });

export type SubmitProblem = 'no_scorecard' | 'unanswered' | 'invalid_answers' | 'no_outcome';

/** What still stops this review from being submitted (empty when it can be). */
export function submitProblems(
  doc: ReviewDoc,
  scorecard: Pick<ScorecardDoc, 'id' | 'sections'> | null,
): SubmitProblem[] {
  const problems: SubmitProblem[] = [];
  if (!scorecard) problems.push('no_scorecard');
  else {
    const result = scoreReview(scorecard, doc.answers);
    if (result.missing.length > 0) problems.push('unanswered');
    if (result.invalid.length > 0) problems.push('invalid_answers');
  }
  if (!doc.outcome) problems.push('no_outcome');
  return problems;
}

export const submit =
  (now: number): Edit =>
  (doc) => ({ ...doc, status: 'submitted', submittedAt: Math.floor(now) });

export const reopen: Edit = (doc) => ({ ...doc, status: 'draft' });
