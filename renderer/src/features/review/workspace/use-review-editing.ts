import { useCallback, useEffect, useState } from 'react';
import type { ReviewAnswer, ReviewDoc, ScorecardDoc } from '../../../../../shared/schemas';
import { useDatabase } from '../../../db/hooks';
import { allQuestions } from '../../scorecards';
import { isWaitingToSync, useReviewOutbox } from '../outbox';
import {
  chooseScorecard,
  editReview,
  newReview,
  setAiOutcome,
  setAnswer,
  submit,
  submitProblems,
  type SubmitProblem,
} from '../review-doc';
import { saveReview } from '../review-store';
import type { CallData } from './use-call-data';

/**
 * The signed-in reviewer's edits to their review of the call. Every edit goes through review-doc's pure
 * functions and is saved on the device first (review-store); `waiting` says it has not reached the server.
 */
export function useReviewEditing(
  callId: string,
  userId: string,
  { reviewId, review, scorecard, ai }: Pick<CallData, 'reviewId' | 'review' | 'scorecard' | 'ai'>,
) {
  const db = useDatabase();
  const readOnly = review?.status === 'submitted';
  const fresh = useCallback(
    () => newReview(callId, userId, scorecard?.id ?? null, ai?.outcome ?? null, Date.now()),
    [callId, userId, scorecard, ai?.outcome],
  );

  const edit = useCallback(
    (...edits: Array<(d: ReviewDoc) => ReviewDoc>) =>
      saveReview(db.reviews, reviewId, fresh, (d) => editReview(d, Date.now(), scorecard, ...edits)),
    [db, reviewId, fresh, scorecard],
  );

  // Keep the AI's outcome recorded on a draft current (analysis may finish after the review started).
  useEffect(() => {
    if (review && review.status === 'draft' && ai && review.aiOutcome !== ai.outcome)
      void edit(setAiOutcome(ai.outcome));
  }, [review, ai, edit]);

  const answers = review?.answers ?? {};
  const regions = review?.regions ?? [];

  const answer = (questionId: string, value: ReviewAnswer | undefined) => {
    if (readOnly || !scorecard) return;
    const edits = [setAnswer(questionId, value)];
    if (!review?.scorecardId) edits.unshift(chooseScorecard(scorecard.id));
    void edit(...edits);
  };

  // Problems show once a submit was refused, and stay current as the reviewer fixes them.
  const [showProblems, setShowProblems] = useState(false);
  // Checked against the review as saved after every edit still queued (an outcome clicked a moment ago),
  // not against what this render shows.
  const submitReview = async () => {
    let blocked: SubmitProblem[] = [];
    await saveReview(db.reviews, reviewId, fresh, (d) => {
      blocked = submitProblems(d, scorecard);
      return blocked.length > 0 ? d : editReview(d, Date.now(), scorecard, submit(Date.now()));
    });
    setShowProblems(blocked.length > 0);
  };
  const problems = showProblems
    ? submitProblems(review ?? newReview(callId, userId, scorecard?.id ?? null, null, 0), scorecard)
    : [];

  const outbox = useReviewOutbox((s) => s.pending);
  const waiting = review ? isWaitingToSync(outbox, review.id) : false;

  return { readOnly, edit, answers, regions, answer, submitReview, problems, waiting };
}

export type ReviewEditing = ReturnType<typeof useReviewEditing>;

/** The scorecard question the number keys answer: the first one until the reviewer moves on. */
export function useActiveQuestion(scorecard: ScorecardDoc | null) {
  const [activeQuestionId, setActiveQuestionId] = useState<string | null>(null);
  useEffect(() => {
    if (scorecard && !activeQuestionId) setActiveQuestionId(allQuestions(scorecard)[0]?.id ?? null);
  }, [scorecard, activeQuestionId]);
  return [activeQuestionId, setActiveQuestionId] as const;
}
