import type { ReviewDoc } from '../../../../../shared/schemas';
import type { SubmitProblem } from '../review-doc';
import { useReviewUi } from '../ui-store';

const PROBLEM_TEXT: Record<SubmitProblem, string> = {
  no_scorecard: 'There is no scorecard to answer yet.',
  unanswered: 'Answer every question (N/A where allowed).',
  invalid_answers: 'Some answers do not fit their question.',
  no_outcome: 'Choose the outcome of the call.',
};

/**
 * Under the scorecard: submit (with what still blocks it, once a submit was refused), or, when submitted,
 * when and with what score, the next call of the list and, for admins, reopening the review.
 */
export function SubmitBar({
  callId,
  review,
  readOnly,
  problems,
  isAdmin,
  onSubmit,
  onReopen,
}: {
  callId: string;
  review: ReviewDoc | null;
  readOnly: boolean;
  problems: readonly SubmitProblem[];
  isAdmin: boolean;
  onSubmit(): void;
  onReopen(): void;
}) {
  return (
    <div className="rv-submit">
      {readOnly ? (
        <>
          <p className="rv-submit__done" data-testid="submitted">
            Submitted{' '}
            {review?.submittedAt
              ? new Date(review.submittedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })
              : ''}
            {review?.score !== null && review?.score !== undefined && <> · score {review.score}%</>}
          </p>
          <div className="row">
            <NextCallButton callId={callId} />
            {/* A submitted review is final for its reviewer; only an admin reopens (sync policy REVIEW_LIFECYCLE). */}
            {isAdmin && (
              <button type="button" className="btn btn--sm" onClick={onReopen}>
                Edit review
              </button>
            )}
          </div>
        </>
      ) : (
        <>
          {problems.length > 0 && (
            <ul className="rv-submit__problems" role="alert">
              {problems.map((p) => (
                <li key={p}>{PROBLEM_TEXT[p]}</li>
              ))}
            </ul>
          )}
          <button type="button" className="btn btn--primary" onClick={onSubmit}>
            Submit review
          </button>
        </>
      )}
    </div>
  );
}

/** After submitting, straight on to the next call of the list as filtered (reviewers work through queues). */
function NextCallButton({ callId }: { callId: string }) {
  const listIds = useReviewUi((s) => s.listIds);
  const openIndex = useReviewUi((s) => s.openIndex);
  const at = listIds.indexOf(callId);
  const next = at >= 0 ? listIds[at + 1] : (listIds[openIndex ?? 0] ?? listIds[listIds.length - 1]);
  if (!next) return null;
  return (
    <button type="button" className="btn btn--sm btn--primary" onClick={() => useReviewUi.getState().openCall(next)}>
      Next call →
    </button>
  );
}
