import type { CallDoc, ReviewDoc } from '../../../../../shared/schemas';
import { formatClock } from '../../../ui/format';
import { SERVICE_LABELS } from '../../../ui/labels';
import { InsightHeaderBadge } from '../../insights';
import { staffName } from '../staff';
import { AssignmentControl } from './AssignmentControl';
import type { CallData } from './use-call-data';

/**
 * The call's name and details, then its badges: played from this device, the AI's reading, other people's
 * reviews, the state of the reviewer's own review, and who the call is assigned to.
 */
export function CallHeader({
  call,
  data,
  meId,
  playsOffline,
  waiting,
  onOpenInsight,
  onOpenReviews,
}: {
  call: CallDoc;
  data: Pick<
    CallData,
    'assessorName' | 'insight' | 'insightView' | 'othersReviews' | 'staff' | 'review' | 'reviewLoading'
  >;
  meId: string;
  /** The recording plays from the copy on this device. */
  playsOffline: boolean;
  /** The review is saved here but not yet on the server. */
  waiting: boolean;
  onOpenInsight(): void;
  onOpenReviews(): void;
}) {
  const { othersReviews } = data;
  return (
    <header className="rv-call-head">
      <div>
        <h2 className="rv-call-head__title">
          {call.district ?? '—'} · {call.service ? SERVICE_LABELS[call.service] : 'Unknown service'}
          {call.sandbox && <span className="badge badge--sandbox">Sandbox</span>}
        </h2>
        <p className="muted rv-call-head__meta">
          {data.assessorName ?? 'Unknown assessor'} ·{' '}
          {new Date(call.startedAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })} ·{' '}
          <span className="num">{formatClock(call.recording.durationSec ?? call.talkSeconds)}</span>
          {call.direction && (
            <> · {call.direction === 'customer_to_assessor' ? 'Customer called' : 'Assessor called'}</>
          )}
        </p>
      </div>
      <span className="spacer" />
      {playsOffline && (
        <span className="badge badge--ok" title="Playing from the copy on this device">
          Available offline
        </span>
      )}
      <InsightHeaderBadge insight={data.insight} state={data.insightView} onOpen={onOpenInsight} />
      {othersReviews.length > 0 && (
        <button
          type="button"
          className="badge rv-others-badge"
          data-testid="others-reviews"
          onClick={onOpenReviews}
          title="Read the reviews of this call"
        >
          {othersReviews.length === 1
            ? `Reviewed by ${staffName(data.staff, othersReviews[0].reviewerId, meId)}`
            : `${othersReviews.length} reviews by others`}
        </button>
      )}
      <ReviewStatus
        review={data.review}
        waiting={waiting}
        loading={data.reviewLoading}
        others={othersReviews.length > 0}
      />
      <AssignmentControl call={call} />
    </header>
  );
}

function ReviewStatus({
  review,
  waiting,
  loading,
  others,
}: {
  review: ReviewDoc | null;
  waiting: boolean;
  loading: boolean;
  /** Beside other people's reviews, this badge says whose it is. */
  others: boolean;
}) {
  if (loading) return null;
  const label = (state: string) => (others ? `Yours: ${state}` : state[0].toUpperCase() + state.slice(1));
  if (!review) return <span className="badge rv-review-status">{label('not started')}</span>;
  const what = label(review.status === 'submitted' ? 'submitted' : 'draft');
  return (
    <span
      className={`badge rv-review-status ${waiting ? 'badge--warn' : 'badge--ok'}`}
      data-testid="review-sync"
      data-waiting={waiting ? 'true' : 'false'}
      title={
        waiting
          ? 'Saved on this device; it is sent to the server as soon as it can be reached.'
          : 'The server has this version.'
      }
    >
      {what} · {waiting ? 'waiting to sync' : 'synced'}
    </span>
  );
}
