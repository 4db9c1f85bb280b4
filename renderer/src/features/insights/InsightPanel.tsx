import { useState, type ReactNode } from 'react';
import {
  PROFESSIONALISM_CRITERIA,
  PROFESSIONALISM_ISSUE_PENALTY,
  PROFESSIONALISM_WEIGHTS,
  type CallAnalysis,
  type Evidence,
} from '../../../../shared/analysis';
import type { InsightDoc } from '../../../../shared/schemas';
import { formatDateTime, formatClock, percent } from '../../ui/format';
import { explain, retryCallAnalysis } from '../../api/admin';
import {
  CRITERION_LABELS,
  OBJECTION_LABELS,
  confidenceWords,
  sentimentWords,
  type InsightState,
} from './insight-model';
import './insights.css';
import { OUTCOME_LABELS, CHANNEL_LABELS } from '../../ui/labels';

/**
 * The AI tab of the review workspace: every claim the analysis makes, each with the words it rests on and a
 * link to the moment in the call, who made it (provider, model, version), and what to do when there is no
 * result (pending, failed with its error, and for admins a retry through the server's retry route).
 */
export function InsightPanel({
  callId,
  insight,
  insights,
  state,
  isAdmin,
  onSeek,
}: {
  callId: string;
  /** The insight shown (`pickCurrentInsight`). */
  insight: InsightDoc | null;
  /** Every insight of the call (other providers, models, versions). */
  insights: readonly InsightDoc[];
  state: InsightState;
  isAdmin: boolean;
  onSeek(seconds: number): void;
}) {
  return (
    <div className="ins-panel" data-testid="insight-panel" data-state={state.kind}>
      {state.kind === 'done' ? (
        <>
          {state.rerunError && (
            <div className="alert alert--warn" role="status">
              A later run of this analysis failed: {state.rerunError}. The result below is the last one that finished.
            </div>
          )}
          <OutcomeSection analysis={state.analysis} onSeek={onSeek} />
          <Section title="Summary">
            <p className="ins-summary" data-testid="insight-summary">
              {state.analysis.summary}
            </p>
          </Section>
          <SentimentSection analysis={state.analysis} />
          <ObjectionsSection analysis={state.analysis} onSeek={onSeek} />
          <TriggersSection analysis={state.analysis} onSeek={onSeek} />
          <ProfessionalismSection analysis={state.analysis} onSeek={onSeek} />
          {state.analysis.caveats.length > 0 && (
            <Section title="What the AI could not judge">
              <ul className="ins-caveats">
                {state.analysis.caveats.map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
              </ul>
            </Section>
          )}
        </>
      ) : (
        <StatusSection state={state} />
      )}
      {isAdmin && state.kind !== 'not-analysable' && (
        <RetryActions callId={callId} failed={state.kind === 'failed' || state.kind === 'unreadable'} />
      )}
      <Provenance insight={insight} insights={insights} />
    </div>
  );
}

function Section({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className="ins-section">
      <header className="ins-section__head">
        <h4>{title}</h4>
        {aside}
      </header>
      {children}
    </section>
  );
}

function TimeLink({ time, onSeek }: { time: number; onSeek(t: number): void }) {
  return (
    <button
      type="button"
      className="ins-time num"
      onClick={() => onSeek(time)}
      title={`Play from ${formatClock(time)}`}
      data-time={time}
    >
      {formatClock(time)}
    </button>
  );
}

function Quote({ evidence, onSeek }: { evidence: Evidence; onSeek(t: number): void }) {
  return (
    <li className={`ins-quote ins-quote--${evidence.speaker}`}>
      <TimeLink time={evidence.time} onSeek={onSeek} />
      <span className="ins-quote__who">{CHANNEL_LABELS[evidence.speaker]}</span>
      <q className="ins-quote__text">{evidence.quote}</q>
    </li>
  );
}

function OutcomeSection({ analysis, onSeek }: { analysis: CallAnalysis; onSeek(t: number): void }) {
  const o = analysis.outcome;
  return (
    <section className={`ins-outcome ins-outcome--${o.value}`} data-testid="insight-outcome-detail">
      <div className="ins-outcome__head">
        <span className="ins-outcome__label">AI outcome</span>
        <strong className="ins-outcome__value">{OUTCOME_LABELS[o.value]}</strong>
        <span className="ins-outcome__conf num">{percent(o.confidence)}</span>
      </div>
      <div
        className="ins-meter"
        role="meter"
        aria-label="Confidence"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(o.confidence * 100)}
      >
        <span className="ins-meter__bar" style={{ width: percent(o.confidence) }} />
      </div>
      <p className="subtle">{confidenceWords(o.confidence)}</p>
      {o.evidence.length > 0 ? (
        <>
          <p className="ins-outcome__why">Because:</p>
          <ul className="ins-quotes" data-testid="outcome-evidence">
            {o.evidence.map((e, i) => (
              <Quote key={i} evidence={e} onSeek={onSeek} />
            ))}
          </ul>
        </>
      ) : (
        <p className="ins-outcome__why">No quote supports this outcome: treat it as a guess.</p>
      )}
    </section>
  );
}

function SentimentSection({ analysis }: { analysis: CallAnalysis }) {
  const s = analysis.sentiment;
  const first = s.curve[0]?.score;
  const last = s.curve[s.curve.length - 1]?.score;
  const trend =
    first === undefined || last === undefined || s.curve.length < 2
      ? null
      : last - first > 0.15
        ? 'warmed up during the call'
        : first - last > 0.15
          ? 'cooled during the call'
          : 'held steady';
  return (
    <Section
      title="Customer sentiment"
      aside={<span className={`ins-sentiment-pill ins-sentiment-pill--${s.label}`}>{s.label}</span>}
    >
      <p className="subtle">
        Overall <span className="num">{sentimentWords(s.score)}</span> on a scale of −1 to +1
        {trend ? `; the customer ${trend}` : ''}. The curve is drawn under the waveform.
      </p>
    </Section>
  );
}

function ObjectionsSection({ analysis, onSeek }: { analysis: CallAnalysis; onSeek(t: number): void }) {
  const list = analysis.objections;
  return (
    <Section title="Objections" aside={<span className="subtle num">{list.length}</span>}>
      {list.length === 0 ? (
        <p className="subtle">None found.</p>
      ) : (
        <ul className="ins-items" data-testid="objections">
          {list.map((o, i) => (
            <li key={i} className="ins-item">
              <div className="ins-item__head">
                <span className={`ins-chip ins-chip--objection${o.handled ? '' : ' ins-chip--unhandled'}`}>
                  {OBJECTION_LABELS[o.category]}
                </span>
                <span className={o.handled ? 'ins-ok' : 'ins-bad'}>{o.handled ? 'Handled' : 'Not handled'}</span>
              </div>
              <ul className="ins-quotes">
                <Quote evidence={{ quote: o.quote, time: o.time, speaker: 'customer' }} onSeek={onSeek} />
                {o.response && <Quote evidence={o.response} onSeek={onSeek} />}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function TriggersSection({ analysis, onSeek }: { analysis: CallAnalysis; onSeek(t: number): void }) {
  const list = analysis.triggers;
  return (
    <Section title="Conversion triggers" aside={<span className="subtle num">{list.length}</span>}>
      {list.length === 0 ? (
        <p className="subtle">None found.</p>
      ) : (
        <ul className="ins-items" data-testid="triggers">
          {list.map((t, i) => (
            <li key={i} className="ins-item">
              <div className="ins-item__head">
                <span className="ins-chip ins-chip--trigger">{t.label || 'Trigger'}</span>
              </div>
              <ul className="ins-quotes">
                <Quote evidence={t} onSeek={onSeek} />
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ProfessionalismSection({ analysis, onSeek }: { analysis: CallAnalysis; onSeek(t: number): void }) {
  const p = analysis.professionalism;
  return (
    <Section
      title="Professionalism"
      aside={
        <span className="ins-prof-score num" data-testid="professionalism-score">
          {Math.round(p.score)}
          <span className="subtle">/100</span>
        </span>
      }
    >
      <ul className="ins-criteria" data-testid="professionalism">
        {PROFESSIONALISM_CRITERIA.map((c) => {
          const crit = p[c];
          return (
            <li key={c} className={`ins-criterion ${crit.met ? 'is-met' : 'is-missed'}`}>
              <span className="ins-criterion__mark" aria-label={crit.met ? 'met' : 'missed'}>
                {crit.met ? '✓' : '✗'}
              </span>
              <span className="ins-criterion__name">{CRITERION_LABELS[c]}</span>
              <span className="ins-criterion__pts num subtle">
                {crit.met ? `+${PROFESSIONALISM_WEIGHTS[c]}` : `0 of ${PROFESSIONALISM_WEIGHTS[c]}`}
              </span>
              {crit.evidence && (
                <span className="ins-criterion__why">
                  {crit.time !== null && <TimeLink time={crit.time} onSeek={onSeek} />} {crit.evidence}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {p.issues.length > 0 && (
        <ul className="ins-items ins-issues">
          {p.issues.map((issue, i) => (
            <li key={i} className="ins-item">
              <div className="ins-item__head">
                <span className="ins-bad">{issue.reason}</span>
                <span className="subtle num">−{PROFESSIONALISM_ISSUE_PENALTY}</span>
              </div>
              <ul className="ins-quotes">
                <Quote evidence={issue} onSeek={onSeek} />
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function StatusSection({ state }: { state: Exclude<InsightState, { kind: 'done' }> }) {
  const content: Record<typeof state.kind, { title: string; detail: ReactNode }> = {
    'not-analysable': { title: 'Not analysed', detail: state.kind === 'not-analysable' ? state.reason : '' },
    'not-started': {
      title: 'Analysis not started yet',
      detail: 'The recording is stored; transcription and analysis are queued and the result appears here by itself.',
    },
    pending: {
      title: 'Analysing the call…',
      detail:
        state.kind === 'pending' && state.error ? (
          <>
            The last attempt failed and will be retried automatically: <code className="ins-error">{state.error}</code>
          </>
        ) : (
          'The call is being transcribed and analysed; the result appears here by itself. You can review by ear meanwhile.'
        ),
    },
    failed: {
      title: 'Analysis failed',
      detail: state.kind === 'failed' ? <code className="ins-error">{state.error}</code> : '',
    },
    'no-transcript': {
      title: 'No transcript',
      detail:
        'No transcription provider is configured, so there is nothing for the AI to judge. The call is reviewed by ear.',
    },
    unreadable: {
      title: 'This analysis cannot be shown',
      detail: (
        <>
          It was stored in a shape this version of the app does not know (
          {state.kind === 'unreadable' ? state.detail : ''}). Update the app, or re-run the analysis.
        </>
      ),
    },
  };
  const c = content[state.kind];
  const tone = state.kind === 'failed' || state.kind === 'unreadable' ? 'ins-status--error' : '';
  return (
    <div className={`ins-status ${tone}`} data-testid="insight-status" role={tone ? 'alert' : 'status'}>
      <p className="ins-status__title">
        {state.kind === 'pending' && <span className="spinner" aria-hidden="true" />} {c.title}
      </p>
      <div className="muted">{c.detail}</div>
    </div>
  );
}

function RetryActions({ callId, failed }: { callId: string; failed: boolean }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (retranscribe: boolean) => {
    setBusy(true);
    setResult(null);
    try {
      const r = await retryCallAnalysis(callId, retranscribe);
      setResult({
        ok: true,
        text:
          r.enqueued > 0
            ? `Queued${retranscribe ? ' with a new transcript' : ''}. The result replaces this one when it finishes.`
            : 'Already queued: the analysis is on its way.',
      });
    } catch (err) {
      setResult({ ok: false, text: explain(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="ins-retry" data-testid="insight-retry">
      <div className="row">
        <button
          type="button"
          className={`btn btn--sm${failed ? ' btn--primary' : ''}`}
          disabled={busy}
          onClick={() => void run(false)}
        >
          {failed ? 'Retry analysis' : 'Analyse again'}
        </button>
        <button type="button" className="btn btn--sm btn--ghost" disabled={busy} onClick={() => void run(true)}>
          {failed ? 'Retry with a new transcript' : 'Re-transcribe and analyse'}
        </button>
      </div>
      {result && (
        <p className={result.ok ? 'ins-ok' : 'ins-bad'} role="status">
          {result.text}
        </p>
      )}
    </div>
  );
}

function Provenance({ insight, insights }: { insight: InsightDoc | null; insights: readonly InsightDoc[] }) {
  if (!insight) return null;
  const others = insights.filter((i) => i.id !== insight.id);
  return (
    <footer className="ins-provenance" data-testid="insight-provenance">
      <dl className="kv">
        <dt>Analysis</dt>
        <dd>
          <code data-testid="insight-stamp">
            {insight.provider} · {insight.model} · {insight.version}
          </code>
        </dd>
        <dt>Transcript</dt>
        <dd>
          {insight.transcriber ? (
            <>
              <code>
                {insight.transcriber.provider} · {insight.transcriber.model} · {insight.transcriber.version}
              </code>
              {insight.transcriber.sandbox && <span className="badge badge--sandbox">Sandbox script</span>}
            </>
          ) : (
            'none'
          )}
        </dd>
        <dt>{insight.status === 'done' ? 'Analysed' : 'Last update'}</dt>
        <dd>{formatDateTime(insight.updatedAt || insight.createdAt)}</dd>
      </dl>
      {others.length > 0 && (
        <details className="ins-others">
          <summary>
            {others.length} other {others.length === 1 ? 'analysis' : 'analyses'} of this call
          </summary>
          <ul>
            {others.map((o) => (
              <li key={o.id}>
                <code>
                  {o.provider} · {o.model} · {o.version}
                </code>{' '}
                — {o.status === 'done' && o.analysis ? OUTCOME_LABELS[o.analysis.outcome.value] : o.status}
                {o.status === 'done' && o.analysis ? ` ${percent(o.analysis.outcome.confidence)}` : ''}
              </li>
            ))}
          </ul>
        </details>
      )}
    </footer>
  );
}
