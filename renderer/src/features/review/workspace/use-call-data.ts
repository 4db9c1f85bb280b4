import { useMemo, useState } from 'react';
import type { DeepReadonly } from 'rxdb';
import { pickCurrentInsight } from '../../../../../shared/analysis';
import type { CallDoc, InsightDoc, ReviewDoc, ScorecardDoc } from '../../../../../shared/schemas';
import { useDocument, useQuery } from '../../../db/hooks';
import { useInsightState } from '../../insights';
import { aiOutcomeOf } from '../ai-outcome';
import { reviewIdFor } from '../review-doc';
import { useStaff } from '../staff';
import type { ReviewEnv } from '../types';

// Documents from queries are fresh JSON copies; the pure review functions take the plain types.
const plain = <T>(doc: DeepReadonly<T>): T => doc as unknown as T;

/**
 * Everything the workspace reads from the device's database for one call: the call, its current AI
 * analysis, the signed-in reviewer's review and everyone else's this device holds, the scorecard to answer
 * (the review's own, else the one chosen among the active ones, else the newest) and the staff list.
 */
export function useCallData(callId: string, { user, api }: Pick<ReviewEnv, 'user' | 'api'>) {
  const { doc: callDoc } = useDocument('calls', callId);
  const call = callDoc ? plain<CallDoc>(callDoc) : null;
  const { docs: insightDocs } = useQuery('insights', { selector: { callId } });
  const insights = useMemo(() => insightDocs.map((d) => plain<InsightDoc>(d)), [insightDocs]);
  const insight = useMemo(() => pickCurrentInsight(insights), [insights]);
  const ai = aiOutcomeOf(insight);
  const insightView = useInsightState(insight, call);

  const reviewId = reviewIdFor(callId, user.id);
  const { doc: reviewDoc, loading: reviewLoading } = useDocument('reviews', reviewId);
  const review = reviewDoc ? plain<ReviewDoc>(reviewDoc) : null;
  // Everyone's reviews of this call that this device holds: only an admin's device holds other people's.
  const { docs: callReviewDocs } = useQuery('reviews', { selector: { callId } });
  const othersReviews = useMemo(
    () => callReviewDocs.map((d) => plain<ReviewDoc>(d)).filter((r) => r.reviewerId !== user.id),
    [callReviewDocs, user.id],
  );
  const staff = useStaff(api, user.role === 'admin');

  const { docs: activeCardDocs } = useQuery('scorecards', {
    selector: { active: true },
    sort: [{ createdAt: 'desc' }],
  });
  const activeCards = useMemo(() => activeCardDocs.map((d) => plain<ScorecardDoc>(d)), [activeCardDocs]);
  const { doc: reviewCardDoc } = useDocument('scorecards', review?.scorecardId ?? null);
  const [chosenCardId, setChosenCardId] = useState<string | null>(null);
  const scorecard: ScorecardDoc | null = reviewCardDoc
    ? plain<ScorecardDoc>(reviewCardDoc)
    : (activeCards.find((c) => c.id === chosenCardId) ?? activeCards[0] ?? null);
  const { doc: assessorDoc } = useDocument('assessors', call?.assessorId ?? null);

  return {
    /** Undefined while loading, null when the call is not on this device. */
    callDoc,
    call,
    assessorName: assessorDoc?.name ?? null,
    insight,
    insights,
    insightView,
    ai,
    reviewId,
    review,
    reviewLoading,
    othersReviews,
    staff,
    activeCards,
    scorecard,
    chooseScorecard: setChosenCardId,
  };
}

export type CallData = ReturnType<typeof useCallData>;
