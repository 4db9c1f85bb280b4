import { useMemo, useState } from 'react';
import type { DeepReadonly } from 'rxdb';
import type { CallDoc, ReviewDoc, ScorecardDoc } from '../../../../shared/schemas';
import { calibrate } from '../../../../shared/scoring';
import { useDocument, useQuery } from '../../db/hooks';
import { useReviewEnv } from '../review/env';
import { SERVICE_LABELS } from '../review/labels';
import { staffName, useStaff } from '../review/staff';
import { OUTCOME_LABELS } from '../review/workspace/OutcomePicker';
import { describeAnswer } from './answer-keys';

const plain = <T,>(doc: DeepReadonly<T>): T => doc as unknown as T;

/** The scorecard most of these reviews used: calibration compares answers to the same questions. */
function dominantScorecardId(reviews: readonly ReviewDoc[]): string | null {
  const counts = new Map<string, number>();
  for (const r of reviews) if (r.scorecardId) counts.set(r.scorecardId, (counts.get(r.scorecardId) ?? 0) + 1);
  let best: string | null = null;
  for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id;
  return best;
}

/**
 * Where reviewers of one call differ: each question's answers side by side, the largest disagreement first,
 * with the overall scores and outcomes. An admin view: reviewers only ever see their own reviews.
 */
export function CalibrationPanel({ callId }: { callId: string }) {
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

  if (reviews.length < 2 || !result || !card) {
    return (
      <div className="empty-state" data-testid="calibration-empty">
        <p className="empty-state__title">Nothing to compare yet</p>
        <p className="muted">
          {reviews.length === 0
            ? 'No one has submitted a review of this call.'
            : 'Only one review has been submitted. When a second reviewer scores this call, their differences show here.'}
        </p>
      </div>
    );
  }
  const name = (id: string) => staffName(staff, id, user.id);
  return (
    <div className="rv-calibration" data-testid="calibration">
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
          <tr className={result.outcomeAgreed ? '' : 'is-different'}>
            <th scope="row">Outcome</th>
            {result.outcomes.map((o) => (
              <td key={o.reviewerId}>
                {o.outcome ? (OUTCOME_LABELS[o.outcome as keyof typeof OUTCOME_LABELS] ?? o.outcome) : '—'}
              </td>
            ))}
          </tr>
          {result.questions.map((q) => {
            const question = card.sections.flatMap((s) => s.questions).find((x) => x.id === q.questionId)!;
            return (
              <tr key={q.questionId} className={q.agreed ? '' : 'is-different'} data-spread={q.spread}>
                <th scope="row">
                  {q.text}
                  {!q.agreed && (
                    <span
                      className="rv-spread"
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

/** Admins: calls reviewed by two or more people, the widest score spread first. */
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
      .filter(([, list]) => list.length >= 2)
      .map(([callId, list]) => {
        const scores = list.map((r) => r.score).filter((s): s is number => s !== null);
        const outcomes = new Set(list.map((r) => r.outcome));
        return {
          callId,
          call: calls.get(callId) ?? null,
          reviews: list.length,
          spread: scores.length >= 2 ? Math.max(...scores) - Math.min(...scores) : 0,
          outcomeAgreed: outcomes.size === 1,
        };
      })
      .sort((a, b) => Number(a.outcomeAgreed) - Number(b.outcomeAgreed) || b.spread - a.spread);
  }, [docs, callDocs]);
  return (
    <div className="rv-calibration-screen">
      <section className="rv-panel">
        <header className="rv-panel__header">
          <h2>Calibration</h2>
          <span className="muted">{rows.length} calls reviewed by two or more people</span>
        </header>
        {rows.length === 0 ? (
          <div className="empty-state">
            <p className="empty-state__title">No call has two reviews yet</p>
            <p className="muted">Assign the same call to two reviewers to calibrate how they score.</p>
          </div>
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
                  <td className="num">{r.spread.toFixed(1)} pts</td>
                  <td className={r.outcomeAgreed ? 'rv-ok' : 'rv-bad'}>{r.outcomeAgreed ? 'Agreed' : 'Differs'}</td>
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
