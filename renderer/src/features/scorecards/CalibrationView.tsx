import { useMemo, useState } from 'react';
import type { DeepReadonly } from 'rxdb';
import { OUTCOMES, type CallDoc, type ReviewDoc, type ScorecardDoc } from '../../../../shared/schemas';
import { calibrate } from '../../../../shared/scoring';
import { useDocument, useQuery } from '../../db/hooks';
import { staffName, useReviewEnv, useStaff } from '../review';
import { describeAnswer } from './answer-keys';
import { SERVICE_LABELS, OUTCOME_LABELS } from '../../ui/labels';
import '../../ui/panel.css';
import './scorecards.css';
import { EmptyState } from '../../ui/EmptyState';

const plain = <T,>(doc: DeepReadonly<T>): T => doc as unknown as T;

/** A reviewer's outcome in words; one this version does not know is shown as stored. */
function outcomeLabel(outcome: string | null): string {
  if (!outcome) return '—';
  const known = OUTCOMES.find((o) => o === outcome);
  return known ? OUTCOME_LABELS[known] : outcome;
}

/** The scorecard most of these reviews used: calibration compares answers to the same questions. */
function dominantScorecardId(reviews: readonly ReviewDoc[]): string | null {
  const counts = new Map<string, number>();
  for (const r of reviews) if (r.scorecardId) counts.set(r.scorecardId, (counts.get(r.scorecardId) ?? 0) + 1);
  let best: string | null = null;
  for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id;
  return best;
}

function inCardOrder<Q extends { questionId: string }>(card: ScorecardDoc, questions: readonly Q[]): Q[] {
  const order = card.sections.flatMap((s) => s.questions.map((q) => q.id));
  return [...questions].sort((a, b) => order.indexOf(a.questionId) - order.indexOf(b.questionId));
}

/**
 * Where reviewers of one call differ: each question's answers side by side, the largest disagreement first,
 * with the overall scores and outcomes. A call with one review shows that review's answers alone, so an
 * admin can read it before a second reviewer scores the call. An admin view: reviewers only ever see their
 * own reviews.
 */
export function CalibrationPanel({
  callId,
  onlyComparisons = false,
}: {
  callId: string;
  /** Nothing unless two or more reviews can be compared (beside a list that shows each review already). */
  onlyComparisons?: boolean;
}) {
  const { user, api } = useReviewEnv();
  const staff = useStaff(api, user.role === 'admin');
  const { docs } = useQuery('reviews', { selector: { callId, status: 'submitted' } });
  const reviews = useMemo(() => docs.map((d) => plain<ReviewDoc>(d)), [docs]);
  const cardId = dominantScorecardId(reviews);
  const { doc: cardDoc } = useDocument('scorecards', cardId);
  const card = cardDoc ? plain<ScorecardDoc>(cardDoc) : null;
  const compared = reviews.filter((r) => r.scorecardId === cardId);
  const result = useMemo(
    () =>
      card
        ? calibrate(
            card,
            compared.map((r) => ({ reviewerId: r.reviewerId, answers: r.answers, outcome: r.outcome })),
          )
        : null,
    [card, compared],
  );

  if (onlyComparisons && (compared.length < 2 || !result || !card)) return null;
  if (reviews.length === 0 || !result || !card) {
    return (
      <EmptyState testId="calibration-empty" title="Nothing to compare yet">
        <p className="muted">
          {reviews.length === 0
            ? 'No one has submitted a review of this call.'
            : 'The scorecard these reviews used is not on this device yet.'}
        </p>
      </EmptyState>
    );
  }
  const name = (id: string) => staffName(staff, id, user.id);
  const single = compared.length < 2;
  return (
    <div className="rv-calibration" data-testid="calibration" data-reviews={compared.length}>
      {single ? (
        <p className="muted" data-testid="calibration-single">
          One review so far, by {name(compared[0].reviewerId)}
          {compared[0].submittedAt ? ` on ${new Date(compared[0].submittedAt).toLocaleDateString('en-GB')}` : ''}. When
          a second person scores this call, where they differ shows here.
        </p>
      ) : (
        <div className="rv-calibration__summary">
          <div>
            <span className="subtle">Score spread</span>
            <strong className="num">{result.scoreSpread === null ? '—' : `${result.scoreSpread} pts`}</strong>
          </div>
          <div>
            <span className="subtle">Questions agreed</span>
            <strong className="num">
              {result.agreementRate === null ? '—' : `${Math.round(result.agreementRate * 100)}%`}
            </strong>
          </div>
          <div>
            <span className="subtle">Outcome</span>
            <strong className={result.outcomeAgreed ? 'rv-ok' : 'rv-bad'}>
              {result.outcomeAgreed ? 'Agreed' : 'Differs'}
            </strong>
          </div>
        </div>
      )}
      {reviews.length > compared.length && (
        <p className="subtle">
          {reviews.length - compared.length} review(s) used another scorecard and are not compared.
        </p>
      )}
      <table className="table rv-calibration__table">
        <thead>
          <tr>
            <th scope="col">Question</th>
            {result.reviewers.map((r) => (
              <th key={r} scope="col">
                {name(r)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="rv-calibration__totals">
            <th scope="row">Score</th>
            {result.scores.map((s) => (
              <td key={s.reviewerId} className="num">
                {s.score === null ? '—' : `${s.score}%`}
              </td>
            ))}
          </tr>
          <tr className={result.outcomeAgreed || single ? '' : 'is-different'}>
            <th scope="row">Outcome</th>
            {result.outcomes.map((o) => (
              <td key={o.reviewerId}>{outcomeLabel(o.outcome)}</td>
            ))}
          </tr>
          {/* One review has nothing to rank by disagreement: it reads in the scorecard's own order. */}
          {(single ? inCardOrder(card, result.questions) : result.questions).map((q) => {
            const question = card.sections.flatMap((s) => s.questions).find((x) => x.id === q.questionId)!;
            return (
              <tr key={q.questionId} className={q.agreed ? '' : 'is-different'} data-spread={q.spread}>
                <th scope="row">
                  {q.text}
                  {!q.agreed && !single && (
                    <span
                      className="rv-spread"
                      role="img"
                      style={{ width: `${Math.max(8, q.spread * 100)}%` }}
                      aria-label={`difference ${Math.round(q.spread * 100)}%`}
                    />
                  )}
                </th>
                {q.answers.map((a) => (
                  <td key={a.reviewerId}>{describeAnswer(question, a.answer)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Admins: every reviewed call. Calls reviewed by two or more people come first, disagreements and the widest
 * score spread at the top; then calls with one review, the latest first.
 */
export function CalibrationScreen() {
  const { docs } = useQuery('reviews', { selector: { status: 'submitted' } });
  const { docs: callDocs } = useQuery('calls', { selector: { 'recording.state': 'stored' } });
  const [open, setOpen] = useState<string | null>(null);
  const rows = useMemo(() => {
    const byCall = new Map<string, ReviewDoc[]>();
    for (const d of docs) {
      const r = plain<ReviewDoc>(d);
      byCall.set(r.callId, [...(byCall.get(r.callId) ?? []), r]);
    }
    const calls = new Map(callDocs.map((c) => [c.id, plain<CallDoc>(c)]));
    return [...byCall]
      .map(([callId, list]) => {
        const scores = list.map((r) => r.score).filter((s): s is number => s !== null);
        const outcomes = new Set(list.map((r) => r.outcome));
        return {
          callId,
          call: calls.get(callId) ?? null,
          reviews: list.length,
          spread: scores.length >= 2 ? Math.max(...scores) - Math.min(...scores) : null,
          outcomeAgreed: outcomes.size === 1,
          lastSubmitted: Math.max(...list.map((r) => r.submittedAt ?? 0)),
        };
      })
      .sort(
        (a, b) =>
          Number(b.reviews >= 2) - Number(a.reviews >= 2) ||
          Number(a.outcomeAgreed) - Number(b.outcomeAgreed) ||
          (b.spread ?? 0) - (a.spread ?? 0) ||
          b.lastSubmitted - a.lastSubmitted,
      );
  }, [docs, callDocs]);
  return (
    <div className={`rv-calibration-screen${open ? '' : ' rv-calibration-screen--list'}`}>
      <section className="rv-panel">
        <header className="rv-panel__header">
          <h2>Calibration</h2>
          <span className="muted" hidden={rows.length === 0}>
            {rows.length} reviewed {rows.length === 1 ? 'call' : 'calls'}, {rows.filter((r) => r.reviews >= 2).length}{' '}
            by two or more people
          </span>
        </header>
        {rows.length === 0 ? (
          <EmptyState title="No call has been reviewed yet">
            <p className="muted">Assign the same call to two reviewers to calibrate how they score.</p>
          </EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Call</th>
                <th>Reviews</th>
                <th>Score spread</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.callId}
                  className={open === r.callId ? 'is-selected' : ''}
                  onClick={() => setOpen(r.callId)}
                  style={{ cursor: 'pointer' }}
                >
                  <td>
                    <button type="button" className="link-button">
                      {r.call
                        ? `${r.call.district ?? '—'} · ${r.call.service ? SERVICE_LABELS[r.call.service] : '—'} · ${new Date(r.call.startedAt).toLocaleDateString('en-GB')}`
                        : r.callId}
                    </button>
                  </td>
                  <td className="num">{r.reviews}</td>
                  <td className="num">{r.spread === null ? '—' : `${r.spread.toFixed(1)} pts`}</td>
                  {r.reviews < 2 ? (
                    <td className="muted">One review</td>
                  ) : (
                    <td className={r.outcomeAgreed ? 'rv-ok' : 'rv-bad'}>{r.outcomeAgreed ? 'Agreed' : 'Differs'}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {open && (
        <section className="rv-panel">
          <CalibrationPanel callId={open} />
        </section>
      )}
    </div>
  );
}
