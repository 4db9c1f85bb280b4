import { useMemo } from 'react';
import type { CallDoc, InsightDoc } from '../../../../shared/schemas';
import { CARD_FLAG_LABELS, confidenceWords, insightState, type InsightState } from './insight-model';
import './insights.css';
import { formatClock, percent } from '../../ui/format';
import { OUTCOME_LABELS } from '../../ui/labels';

/** The insight's state, parsed once per document (components compare the analysis by identity). */
export function useInsightState(insight: InsightDoc | null, call: Pick<CallDoc, 'recording'> | null): InsightState {
  const recordingState = call?.recording.state ?? null;
  return useMemo(() => insightState(insight, recordingState), [insight, recordingState]);
}

/**
 * The AI's verdict in the call's header: the outcome with its confidence, or where the analysis stands.
 * Clicking it opens the AI tab with the evidence.
 */
export function InsightHeaderBadge({
  insight,
  state,
  onOpen,
}: {
  insight: InsightDoc | null;
  state: InsightState;
  onOpen(): void;
}) {
  if (state.kind === 'done') {
    const o = state.analysis.outcome;
    return (
      <button
        type="button"
        className={`ins-outcome-badge ins-outcome-badge--${o.value}`}
        data-testid="insight-outcome"
        data-outcome={o.value}
        data-confidence={o.confidence}
        title={`${insight?.provider} · ${insight?.model} · ${insight?.version}: ${confidenceWords(o.confidence)}. Open the evidence.`}
        onClick={onOpen}
      >
        <span className="ins-outcome-badge__ai">AI</span>
        {OUTCOME_LABELS[o.value]}
        <span className="ins-outcome-badge__conf num">{percent(o.confidence)}</span>
      </button>
    );
  }
  const text: Record<Exclude<InsightState['kind'], 'done'>, string> = {
    'not-analysable': 'Not analysed',
    'not-started': 'Analysis queued',
    pending: 'Analysing…',
    failed: 'Analysis failed',
    'no-transcript': 'No transcript',
    unreadable: 'Analysis unreadable',
  };
  const tone =
    state.kind === 'failed' || state.kind === 'unreadable'
      ? 'badge--danger'
      : state.kind === 'pending' || state.kind === 'not-started'
        ? 'badge--info'
        : '';
  return (
    <button
      type="button"
      className={`badge ins-state-badge ${tone}`}
      data-testid="insight-state"
      data-state={state.kind}
      onClick={onOpen}
    >
      {state.kind === 'pending' && <span className="spinner" aria-hidden="true" />}
      {text[state.kind]}
    </button>
  );
}

/**
 * Card details heard on the call: shown above the player, whatever tab is open, because they must be dealt
 * with (the recording and transcript hold payment data the business may not keep). Never the digits.
 */
export function CardDetailsAlert({ state, onSeek }: { state: InsightState; onSeek(seconds: number): void }) {
  if (state.kind !== 'done' || state.analysis.cardDetails.length === 0) return null;
  const flags = state.analysis.cardDetails;
  return (
    <div className="alert alert--error ins-card-alert" role="alert" data-testid="card-details-alert">
      <strong>Card details on this call.</strong>
      <span>
        {flags.length === 1 ? 'One place' : `${flags.length} places`} where payment card details may have been said.
        They are removed from the transcript; check the recording and follow the card data procedure.
      </span>
      <ul className="ins-card-alert__list">
        {flags.map((f, i) => (
          <li key={i} title={f.excerpt}>
            <button type="button" className="link-button num" onClick={() => onSeek(f.time)}>
              {formatClock(f.time)}
            </button>{' '}
            {CARD_FLAG_LABELS[f.kind]} ({f.speaker}): <span className="ins-card-alert__excerpt">{f.excerpt}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
