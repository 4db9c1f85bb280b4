import type { DeepReadonly } from 'rxdb';
import type { ReviewDoc, ReviewRegion, ScorecardDoc } from '../../../../../shared/schemas';
import { scoreReview } from '../../../../../shared/scoring';
import { useDocument } from '../../../db/hooks';
import { describeAnswer } from '../../scorecards';
import { staffName } from '../staff';
import type { StaffMember } from '../types';
import { formatClock } from '../../../ui/format';
import { OUTCOME_LABELS } from '../../../ui/labels';
import { EmptyState } from '../../../ui/EmptyState';

const plain = <T,>(doc: DeepReadonly<T>): T => doc as unknown as T;

const when = (ms: number) => new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Every review of one call on this device, read-only: who wrote it and when, the score and each answer, the
 * outcome next to the AI's, the notes and the moments. Admins receive every reviewer's reviews (reviewers
 * only their own, shared/sync-policy.ts), so this is where an admin reads what a reviewer decided. The
 * viewer's own review is edited on the Scorecard tab, and only named here.
 */
export function CallReviews({
  reviews,
  staff,
  meId,
  onPlay,
  onEditOwn,
}: {
  reviews: readonly ReviewDoc[];
  staff: readonly StaffMember[];
  meId: string;
  onPlay(r: ReviewRegion): void;
  onEditOwn(): void;
}) {
  if (reviews.length === 0) {
    return (
      <EmptyState testId="call-reviews-empty" title="No reviews yet">
        <p className="muted">Nobody has started a review of this call.</p>
      </EmptyState>
    );
  }
  // Submitted first, the latest first; drafts after them.
  const ordered = [...reviews].sort(
    (a, b) =>
      Number(b.status === 'submitted') - Number(a.status === 'submitted') ||
      (b.submittedAt ?? b.editedAt) - (a.submittedAt ?? a.editedAt),
  );
  return (
    <ol className="rv-reviews" data-testid="call-reviews">
      {ordered.map((r) =>
        r.reviewerId === meId ? (
          <li key={r.id} className="rv-reviews__item rv-reviews__item--own">
            <p>
              <strong>Your review</strong> ({r.status === 'submitted' ? 'submitted' : 'draft'}) is on the Scorecard tab.
            </p>
            <button type="button" className="btn btn--sm" onClick={onEditOwn}>
              Open your review
            </button>
          </li>
        ) : (
          <li key={r.id} className="rv-reviews__item">
            <ReviewReading review={r} by={staffName(staff, r.reviewerId, meId)} onPlay={onPlay} />
          </li>
        ),
      )}
    </ol>
  );
}

function ReviewReading({ review, by, onPlay }: { review: ReviewDoc; by: string; onPlay(r: ReviewRegion): void }) {
  const { doc: cardDoc } = useDocument('scorecards', review.scorecardId);
  const card = cardDoc ? plain<ScorecardDoc>(cardDoc) : null;
  const result = card ? scoreReview(card, review.answers) : null;
  const relation =
    review.outcome && review.aiOutcome ? (review.outcome === review.aiOutcome ? 'confirms' : 'overrides') : null;
  return (
    <article className="rv-reading" aria-label={`Review by ${by}`} data-reviewer={review.reviewerId}>
      <header className="rv-reading__head">
        <h4 className="rv-reading__by">{by}</h4>
        <span
          className={`badge ${review.status === 'submitted' ? 'badge--ok' : ''}`}
          data-testid="reading-status"
          title={review.status === 'submitted' ? 'Submitted' : 'Still a draft: the reviewer may change it'}
        >
          {review.status === 'submitted' && review.submittedAt
            ? `Submitted ${when(review.submittedAt)}`
            : `Draft, last edited ${when(review.editedAt)}`}
        </span>
      </header>
      <dl className="rv-reading__facts">
        <div>
          <dt>Score</dt>
          <dd className="num" data-testid="reading-score">
            {review.score === null ? '—' : `${review.score}%`}
          </dd>
        </div>
        <div>
          <dt>Outcome</dt>
          <dd data-testid="reading-outcome">
            {review.outcome ? OUTCOME_LABELS[review.outcome] : '—'}
            {relation && (
              <span className={`rv-reading__relation rv-outcome__relation--${relation}`}>
                {relation === 'confirms'
                  ? ' · confirms the AI'
                  : ` · overrides the AI (${OUTCOME_LABELS[review.aiOutcome!]})`}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Scorecard</dt>
          <dd>{card?.name ?? (review.scorecardId ? 'Not on this device' : 'None')}</dd>
        </div>
      </dl>
      {review.notes && (
        <section>
          <h5 className="rv-reading__label">Notes</h5>
          <p className="rv-reading__notes" data-testid="reading-notes">
            {review.notes}
          </p>
        </section>
      )}
      {card && result && (
        <section>
          <h5 className="rv-reading__label">Answers</h5>
          <table className="rv-reading__answers" data-testid="reading-answers">
            {card.sections.map((section, si) => (
              <tbody key={section.id}>
                <tr className="rv-reading__section">
                  <th scope="rowgroup">{section.title}</th>
                  <td className="num">{result.sections[si].score === null ? '' : `${result.sections[si].score}%`}</td>
                </tr>
                {section.questions.map((q) => (
                  <tr key={q.id}>
                    <th scope="row">{q.text}</th>
                    <td>{describeAnswer(q, review.answers[q.id])}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </section>
      )}
      <section>
        <h5 className="rv-reading__label">Moments ({review.regions.length})</h5>
        {review.regions.length === 0 ? (
          <p className="subtle">None marked.</p>
        ) : (
          <ul className="rv-reading__moments" data-testid="reading-moments">
            {review.regions.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  className="btn btn--sm rv-moment__play num"
                  onClick={() => onPlay(m)}
                  title="Play this moment"
                >
                  ▶ {formatClock(m.start)}–{formatClock(m.end)}
                </button>
                <span className="rv-reading__moment-text">
                  <strong>{m.label || 'Untitled moment'}</strong>
                  {m.comment && <span className="muted"> — {m.comment}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
