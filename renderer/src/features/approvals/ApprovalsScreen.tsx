import { useMemo, useState, type FormEvent } from 'react';
import type { Tier } from '../../../../shared/schemas';
import { formatDateTime, formatMetric, humaniseKey } from '../../ui/format';
import './approvals.css';
import { PageHeader } from '../../app/PageHeader';
import { href } from '../../app/router';
import { thresholdChecks } from './approvals-model';
import { patchDoc, useDatabase, useQuery, type Doc } from '../../db/hooks';
import { useSessionStore } from '../../state/session';
import { create } from 'zustand';

/**
 * Tier change approvals. The system proposes a new tier for an assessor with the metrics and example calls
 * behind it; an admin approves or rejects, with a reason (a person decides: UK GDPR art. 22). Decisions are
 * written locally first and sync when the server is reachable, so this works offline too.
 */
type Tab = 'waiting' | 'decided';

/** UI state only: which tab is open and which proposal has its decision form open. */
const useApprovalsUi = create<{ tab: Tab; deciding: { id: string; decision: 'approved' | 'rejected' } | null }>(() => ({
  tab: 'waiting',
  deciding: null,
}));

const OP_SIGNS = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' } as const;

/** Response times are stored in seconds and read in minutes. */
const metricLabel = (metric: string) => (metric === 'responseMedianSec' ? 'Median response' : humaniseKey(metric));
const metricValue = (metric: string, value: number | null) =>
  metric === 'responseMedianSec' && value !== null
    ? `${Math.round((value / 60) * 10) / 10} min`
    : formatMetric(metric, value);

const TIER_ORDER: Record<Tier, number> = { platinum: 0, gold: 1, silver: 2, bronze: 3 };

function TierBadge({ tier }: { tier: Tier | null }) {
  if (!tier) return <span className="badge">none</span>;
  return <span className={`badge tier tier--${tier}`}>{tier.charAt(0).toUpperCase() + tier.slice(1)}</span>;
}

export default function ApprovalsScreen() {
  const { tab, deciding } = useApprovalsUi();
  const waiting = useQuery('tierChanges', { selector: { status: 'proposed' }, sort: [{ createdAt: 'asc' }] });
  const decided = useQuery('tierChanges', {
    selector: { status: { $ne: 'proposed' } },
    sort: [{ createdAt: 'desc' }],
    limit: 200,
  });
  const assessors = useQuery('assessors', {});
  const names = useMemo(() => new Map(assessors.docs.map((a) => [a.id, a.name])), [assessors.docs]);
  const rows = tab === 'waiting' ? waiting : decided;

  return (
    <div className="page">
      <PageHeader description="Tier changes proposed from assessor performance. Approve or reject each one; the decision is yours, with a reason." />
      <div className="tabs" role="tablist" aria-label="Tier changes">
        <button
          type="button"
          role="tab"
          className="tab"
          aria-selected={tab === 'waiting'}
          onClick={() => useApprovalsUi.setState({ tab: 'waiting' })}
        >
          Waiting for a decision <span className="badge">{waiting.loading ? '…' : waiting.docs.length}</span>
        </button>
        <button
          type="button"
          role="tab"
          className="tab"
          aria-selected={tab === 'decided'}
          onClick={() => useApprovalsUi.setState({ tab: 'decided' })}
        >
          Decided
        </button>
      </div>
      {rows.loading ? (
        <p className="muted">Loading…</p>
      ) : rows.docs.length === 0 ? (
        <div className="empty-state">
          <span className="empty-state__title">{tab === 'waiting' ? 'Nothing to decide' : 'No decisions yet'}</span>
          <p>
            {tab === 'waiting'
              ? 'New tier proposals appear here as soon as they reach this device.'
              : 'Approved and rejected tier changes are listed here.'}
          </p>
        </div>
      ) : (
        <div className="card" style={{ overflow: 'hidden' }}>
          <table className="table" data-testid="tier-changes">
            <thead>
              <tr>
                <th>Assessor</th>
                <th>Change</th>
                <th>Evidence</th>
                <th>Proposed</th>
                <th>{tab === 'waiting' ? 'Decision' : 'Outcome'}</th>
              </tr>
            </thead>
            <tbody>
              {rows.docs.map((t) => (
                <TierChangeRow
                  key={t.id}
                  change={t}
                  assessorName={names.get(t.assessorId) ?? t.assessorId}
                  deciding={deciding?.id === t.id ? deciding.decision : null}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function TierChangeRow({
  change,
  assessorName,
  deciding,
}: {
  change: Doc<'tierChanges'>;
  assessorName: string;
  deciding: 'approved' | 'rejected' | null;
}) {
  const direction = change.fromTier && TIER_ORDER[change.toTier] > TIER_ORDER[change.fromTier] ? 'down' : 'up';
  const checks = thresholdChecks(change);
  return (
    <>
      <tr data-testid={`tier-change-${change.id}`} data-status={change.status}>
        <td>
          <strong>{assessorName}</strong>
        </td>
        <td>
          <span className="row">
            <TierBadge tier={change.fromTier} />
            <span aria-label={direction === 'up' ? 'promoted to' : 'moved down to'}>→</span>
            <TierBadge tier={change.toTier} />
          </span>
        </td>
        <td>
          <span className="stack approvals-evidence">
            <span className="subtle">
              {change.metrics.assignments ?? 0} assignments in the window
              {checks.against === 'others' ? ' · no other tier’s rule holds' : ''}
            </span>
            <ul className="approvals-checks" aria-label="Figures against the thresholds">
              {checks.rows.map((c) => (
                <li key={c.key} data-met={c.met}>
                  <span
                    role="img"
                    aria-label={c.met ? 'met:' : 'not met:'}
                    className={c.met ? 'approvals-check--met' : 'approvals-check--unmet'}
                  >
                    {c.met ? '✓' : '✗'}
                  </span>{' '}
                  <span className="muted">{metricLabel(c.metric)}</span>{' '}
                  <span className="num">{metricValue(c.metric, c.value)}</span>{' '}
                  <span className="subtle">
                    {OP_SIGNS[c.op]} {metricValue(c.metric, c.threshold)}
                    {checks.against === 'others' ? ` (${c.tier})` : ''}
                  </span>
                </li>
              ))}
            </ul>
            {change.exampleCallIds.length ? (
              <span className="row approvals-calls">
                <span className="subtle">Example calls:</span>
                {change.exampleCallIds.slice(0, 3).map((id, i) => (
                  <a key={id} href={href(`/review/call/${encodeURIComponent(id)}`)} data-testid="example-call">
                    Call {i + 1}
                  </a>
                ))}
              </span>
            ) : null}
          </span>
        </td>
        <td className="nowrap">{formatDateTime(change.createdAt)}</td>
        <td>
          {change.status === 'proposed' ? (
            deciding ? (
              <span className="subtle">{deciding === 'approved' ? 'Approving…' : 'Rejecting…'}</span>
            ) : (
              <span className="row">
                <button
                  type="button"
                  className="btn btn--sm btn--primary"
                  onClick={() => useApprovalsUi.setState({ deciding: { id: change.id, decision: 'approved' } })}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="btn btn--sm"
                  onClick={() => useApprovalsUi.setState({ deciding: { id: change.id, decision: 'rejected' } })}
                >
                  Reject
                </button>
              </span>
            )
          ) : (
            <span className="stack" style={{ gap: 2 }}>
              <span className={`badge ${change.status === 'approved' ? 'badge--ok' : 'badge--danger'}`}>
                {change.status === 'approved' ? 'Approved' : 'Rejected'}
              </span>
              <span className="subtle">{formatDateTime(change.decidedAt)}</span>
              {change.reason ? <span className="subtle">“{change.reason}”</span> : null}
            </span>
          )}
        </td>
      </tr>
      {deciding ? (
        <tr className="table__form-row">
          <td colSpan={5}>
            <DecisionForm change={change} decision={deciding} assessorName={assessorName} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function DecisionForm({
  change,
  decision,
  assessorName,
}: {
  change: Doc<'tierChanges'>;
  decision: 'approved' | 'rejected';
  assessorName: string;
}) {
  const db = useDatabase();
  const me = useSessionStore((s) => s.session?.user.id ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    // A person decides, and says why either way (shared/tiers SPEC TR7): the note is kept with the decision.
    if (reason.trim().length < 3) {
      setError(
        decision === 'rejected'
          ? 'Say why you reject this change (at least a few words); it is kept with the decision.'
          : 'Say why you approve this change (at least a few words); it is kept with the decision.',
      );
      return;
    }
    setBusy(true);
    try {
      await patchDoc(db, 'tierChanges', change.id, {
        status: decision,
        decidedBy: me,
        decidedAt: Date.now(),
        reason: reason.trim(),
      });
      useApprovalsUi.setState({ deciding: null });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <form
      className="decision-form"
      onSubmit={(e) => void submit(e)}
      aria-label={`${decision === 'approved' ? 'Approve' : 'Reject'} tier change for ${assessorName}`}
    >
      <div className="field" style={{ flex: 1 }}>
        <label className="field__label" htmlFor={`reason-${change.id}`}>
          {decision === 'approved'
            ? `Approve ${assessorName} as ${change.toTier}`
            : `Reject the move of ${assessorName} to ${change.toTier}`}{' '}
          — reason (required)
        </label>
        <input
          id={`reason-${change.id}`}
          className="input"
          value={reason}
          maxLength={2000}
          autoFocus
          aria-invalid={error ? true : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {error ? <span className="field__error">{error}</span> : null}
      </div>
      <button
        type="submit"
        className={`btn ${decision === 'approved' ? 'btn--primary' : 'btn--danger'}`}
        disabled={busy}
      >
        Confirm {decision === 'approved' ? 'approval' : 'rejection'}
      </button>
      <button type="button" className="btn" disabled={busy} onClick={() => useApprovalsUi.setState({ deciding: null })}>
        Cancel
      </button>
    </form>
  );
}
