import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { AgreementGroup, AgreementReport } from '../../../../shared/analysis';
import { agreement } from '../../../../shared/contracts/analysis';
import { listUsers } from '../../../../shared/contracts/auth';
import { OUTCOMES, type Outcome } from '../../../../shared/schemas';
import { formatDateTime, percent } from '../../ui/format';
import { PageHeader } from '../../app/PageHeader';
import { href } from '../../app/router';
import { useDatabase, useQuery } from '../../db/hooks';
import { adminApi, explain } from '../../api/admin';
import {
  FEW_PAIRS,
  PERIODS,
  agreementQuery,
  disagreementsIn,
  formatKappa,
  formatRate,
  groupKey,
  kappaWords,
  type PeriodId,
} from './agreement-model';
import './agreement.css';
import { SERVICE_LABELS, OUTCOME_LABELS } from '../../ui/labels';
import { EmptyState } from '../../ui/EmptyState';

/** A matrix cell's colour strength for agreement.css, as the custom property it reads. */
function shadeStyle(shade: number): CSSProperties & { '--shade': string } {
  return { '--shade': shade.toFixed(3) };
}

/**
 * How far the AI's call outcomes can be trusted: per provider, model and version, the agreement rate and
 * Cohen's kappa against reviewers, the confusion matrix, and every call where they disagree, one click from
 * the review workspace.
 *
 * The figures come from the server's agreement route (`GET /api/analysis/agreement`), not from the documents
 * on this device: an admin's device holds only the last 90 days of insights and reviews, and computing from
 * those would silently drop older reviews from "all time" and load every transcript into memory to read one
 * field. The server runs the same pure function (shared/analysis/agreement.ts) over all of them. The screen
 * asks again whenever a review changes on this device, so an override submitted a moment ago shows up.
 */
export default function AgreementScreen() {
  const db = useDatabase();
  const [period, setPeriod] = useState<PeriodId>('90d');
  const [report, setReport] = useState<AgreementReport | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [reviewers, setReviewers] = useState<Map<string, string>>(new Map());
  const request = useRef(0);

  const load = useCallback(async () => {
    const mine = ++request.current;
    setLoading(true);
    try {
      const r = await adminApi(agreement, { query: agreementQuery(period, Date.now()) });
      if (mine !== request.current) return;
      setReport(r);
      setLoadedAt(Date.now());
      setError(null);
    } catch (err) {
      if (mine === request.current) setError(explain(err));
    } finally {
      if (mine === request.current) setLoading(false);
    }
  }, [period]);

  useEffect(() => {
    void load();
  }, [load]);

  // A review written or pulled on this device may change the figures: ask again, at most once a second.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const sub = db.reviews.$.subscribe(() => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void load();
      }, 1000);
    });
    return () => {
      sub.unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [db, load]);

  useEffect(() => {
    adminApi(listUsers, {}).then(
      ({ users }) => setReviewers(new Map(users.map((u) => [u.id, u.name || u.email]))),
      // Names are a nicety: without them the list shows reviewer ids.
      () => undefined,
    );
  }, []);

  return (
    <div className="page ag-page" data-testid="agreement-screen">
      <PageHeader
        description="How often each AI provider and model agrees with reviewers on a call's outcome. Cohen's kappa discounts the agreement two raters would reach by chance; open any disagreement to hear the call."
        actions={
          <>
            <label className="row subtle" htmlFor="ag-period">
              Reviews submitted
            </label>
            <select
              id="ag-period"
              className="select ag-period"
              value={period}
              onChange={(e) => {
                const chosen = PERIODS.find((p) => p.id === e.target.value);
                if (chosen) setPeriod(chosen.id);
              }}
            >
              {PERIODS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
            <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
              Refresh
            </button>
          </>
        }
      />
      {error && (
        <div className="alert alert--error" role="alert">
          {error} The agreement report is computed on the server.
        </div>
      )}
      {!report && loading && <p className="muted">Loading…</p>}
      {report && report.groups.length === 0 && (
        <EmptyState title="Nothing to compare yet">
          <p className="muted">
            The report pairs each submitted review that has an outcome with the AI's outcome for the same call.
            {report.reviewsWithoutInsight > 0
              ? ` ${report.reviewsWithoutInsight} submitted ${report.reviewsWithoutInsight === 1 ? 'review has' : 'reviews have'} no finished AI analysis to compare with.`
              : ' No review in this period has one yet.'}
          </p>
        </EmptyState>
      )}
      {report && report.groups.length > 0 && (
        <div className="stack ag-groups">
          {report.groups.map((g) => (
            <GroupCard key={groupKey(g)} group={g} reviewers={reviewers} />
          ))}
          <p className="subtle">
            {report.reviewsWithoutInsight > 0 &&
              `${report.reviewsWithoutInsight} submitted ${report.reviewsWithoutInsight === 1 ? 'review' : 'reviews'} without a finished AI analysis ${report.reviewsWithoutInsight === 1 ? 'is' : 'are'} not counted. `}
            A call reviewed by two people counts twice. Updated {formatDateTime(loadedAt)}.
          </p>
        </div>
      )}
    </div>
  );
}

function GroupCard({ group: g, reviewers }: { group: AgreementGroup; reviewers: Map<string, string> }) {
  const [cell, setCell] = useState<{ ai: Outcome; reviewer: Outcome } | null>(null);
  const shown = disagreementsIn(g, cell);
  return (
    <section
      className="card ag-group"
      data-testid="agreement-group"
      data-provider={g.provider}
      data-model={g.model}
      aria-label={`${g.provider} ${g.model}`}
    >
      <header className="card__header">
        <div>
          <h2 className="ag-group__title">
            {g.provider} <span className="muted">·</span> {g.model}
          </h2>
          <p className="subtle">
            version <code>{g.version}</code>
          </p>
        </div>
        {g.pairs < FEW_PAIRS && (
          <span
            className="badge badge--warn"
            title={`Fewer than ${FEW_PAIRS} pairs: each review moves these figures a lot.`}
          >
            Small sample
          </span>
        )}
      </header>
      <div className="card__body ag-group__body">
        <div className="ag-figures">
          <Figure label="Agreement" value={formatRate(g.agreementRate)} testId="agreement-rate">
            {g.agreed} of {g.pairs} {g.pairs === 1 ? 'pair' : 'pairs'} · {g.calls} {g.calls === 1 ? 'call' : 'calls'}
          </Figure>
          <Figure label="Cohen's kappa" value={formatKappa(g.kappa)} testId="kappa">
            {kappaWords(g.kappa)}
          </Figure>
          <Figure
            label="AI confidence, right / wrong"
            value={`${g.meanConfidenceAgreed === null ? '—' : percent(g.meanConfidenceAgreed)} / ${g.meanConfidenceDisagreed === null ? '—' : percent(g.meanConfidenceDisagreed)}`}
            testId="confidence"
          >
            mean confidence when it agreed and when it did not; useful only if they differ
          </Figure>
        </div>
        <ConfusionMatrix group={g} cell={cell} onCell={setCell} />
      </div>
      <div className="ag-disagreements">
        <div className="ag-disagreements__head">
          <h3>
            Disagreements{' '}
            <span className="subtle num" data-testid="disagreement-count">
              {shown.length}
            </span>
          </h3>
          {cell && (
            <button type="button" className="btn btn--sm btn--ghost" onClick={() => setCell(null)}>
              Show all ({g.disagreements.length})
            </button>
          )}
          <span className="subtle">Most confident mistakes first.</span>
        </div>
        {shown.length === 0 ? (
          <p className="muted ag-disagreements__none">The AI and the reviewers agree on every call here.</p>
        ) : (
          <DisagreementTable rows={shown} reviewers={reviewers} />
        )}
      </div>
    </section>
  );
}

function Figure({
  label,
  value,
  testId,
  children,
}: {
  label: string;
  value: string;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <div className="ag-figure">
      <span className="ag-figure__label">{label}</span>
      <strong className="ag-figure__value num" data-testid={testId}>
        {value}
      </strong>
      <span className="subtle">{children}</span>
    </div>
  );
}

function ConfusionMatrix({
  group: g,
  cell,
  onCell,
}: {
  group: AgreementGroup;
  cell: { ai: Outcome; reviewer: Outcome } | null;
  onCell(c: { ai: Outcome; reviewer: Outcome } | null): void;
}) {
  const max = Math.max(1, ...OUTCOMES.flatMap((a) => OUTCOMES.map((r) => g.confusion[a][r])));
  return (
    <table className="ag-matrix" data-testid="confusion-matrix">
      <caption className="subtle">Rows: the AI's outcome. Columns: the reviewer's.</caption>
      <thead>
        <tr>
          <th scope="col" className="ag-matrix__corner">
            AI ↓ · Reviewer →
          </th>
          {OUTCOMES.map((r) => (
            <th key={r} scope="col">
              {OUTCOME_LABELS[r]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {OUTCOMES.map((a) => (
          <tr key={a}>
            <th scope="row">{OUTCOME_LABELS[a]}</th>
            {OUTCOMES.map((r) => {
              const n = g.confusion[a][r];
              const agree = a === r;
              const chosen = cell?.ai === a && cell.reviewer === r;
              const shade = n / max;
              return (
                <td
                  key={r}
                  data-ai={a}
                  data-reviewer={r}
                  className={`ag-matrix__cell ${n === 0 ? 'is-empty' : agree ? 'is-agree' : 'is-disagree'}${chosen ? ' is-chosen' : ''}`}
                  style={shadeStyle(shade)}
                >
                  {!agree && n > 0 ? (
                    <button
                      type="button"
                      className="ag-matrix__button num"
                      aria-pressed={chosen}
                      title={`AI said ${OUTCOME_LABELS[a]}, reviewer said ${OUTCOME_LABELS[r]}: show these calls`}
                      onClick={() => onCell(chosen ? null : { ai: a, reviewer: r })}
                    >
                      {n}
                    </button>
                  ) : (
                    <span className="num">{n}</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DisagreementTable({
  rows,
  reviewers,
}: {
  rows: AgreementGroup['disagreements'];
  reviewers: Map<string, string>;
}) {
  const ids = useMemo(() => [...new Set(rows.map((r) => r.callId))], [rows]);
  // Call details from this device where it holds them (an admin keeps the last 90 days).
  const { docs: calls } = useQuery('calls', { selector: { id: { $in: ids } } });
  const byId = useMemo(() => new Map(calls.map((c) => [c.id, c])), [calls]);
  const assessorIds = useMemo(() => [...new Set(calls.flatMap((c) => (c.assessorId ? [c.assessorId] : [])))], [calls]);
  const { docs: assessors } = useQuery('assessors', { selector: { id: { $in: assessorIds } } });
  const assessorName = useMemo(() => new Map(assessors.map((a) => [a.id, a.name])), [assessors]);
  return (
    <table className="table ag-table" data-testid="disagreements">
      <thead>
        <tr>
          <th>Call</th>
          <th>Assessor</th>
          <th>AI said</th>
          <th>Reviewer said</th>
          <th>Reviewer</th>
          <th aria-label="Open" />
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => {
          const call = byId.get(d.callId);
          return (
            <tr key={`${d.callId}:${d.reviewerId}`} data-call={d.callId}>
              <td>
                {call ? (
                  <>
                    <span className="nowrap">{formatDateTime(call.startedAt)}</span>{' '}
                    <span className="subtle">
                      {call.district ?? '—'} · {call.service ? SERVICE_LABELS[call.service] : 'Unknown service'}
                    </span>
                  </>
                ) : (
                  <code className="subtle" title="Older than what this device keeps">
                    {d.callId.slice(0, 14)}
                  </code>
                )}
              </td>
              <td>{call?.assessorId ? (assessorName.get(call.assessorId) ?? '—') : '—'}</td>
              <td>
                <span className={`ag-pill ag-pill--${d.ai}`}>{OUTCOME_LABELS[d.ai]}</span>{' '}
                <span className="subtle num">{percent(d.confidence)}</span>
              </td>
              <td>
                <span className={`ag-pill ag-pill--${d.reviewer}`}>{OUTCOME_LABELS[d.reviewer]}</span>
              </td>
              <td>{reviewers.get(d.reviewerId) ?? <code className="subtle">{d.reviewerId.slice(0, 8)}</code>}</td>
              <td className="num">
                <a className="btn btn--sm" href={href(`/review/call/${encodeURIComponent(d.callId)}`)}>
                  Open call
                </a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
