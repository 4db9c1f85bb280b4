import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { PageHeader } from '../../app/PageHeader';
import { listAudit } from '../../../../shared/contracts/auth';
import { adminApi, explain } from '../../api/admin';
import { ACTION_LABELS, describeEntry, type AuditEntry } from './audit-model';
import { useAuditNames } from './use-audit-names';
import './audit.css';
import { Field } from '../../ui/Field';

const PAGE = 100;

/**
 * The audit trail (who signed in, listened to, exported, erased or decided what), as sentences with names and
 * London times (audit-model.ts). It is read from the server each time and never copied to devices, so it
 * needs a connection.
 */
export default function AuditScreen() {
  const [filter, setFilter] = useState({ action: '', actor: '' });
  const [applied, setApplied] = useState({ action: '', actor: '' });
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(false);
  const names = useAuditNames(rows);
  const lines = useMemo(() => rows.map((r) => ({ entry: r, line: describeEntry(r, names) })), [rows, names]);

  const load = useCallback(
    async (before: number | null) => {
      setLoading(true);
      setError(null);
      const query = {
        limit: PAGE,
        action: applied.action || undefined,
        actor: applied.actor || undefined,
        before: before ?? undefined,
      };
      try {
        const { entries } = await adminApi(listAudit, { query });
        setRows((prev) => (before ? [...prev, ...entries] : entries));
        setMore(entries.length === PAGE);
      } catch (err) {
        setError(explain(err));
      } finally {
        setLoading(false);
      }
    },
    [applied],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setApplied({ action: filter.action, actor: filter.actor.trim() });
  }

  return (
    <div className="page audit-page" data-testid="audit-screen">
      <PageHeader description="Sign-ins, listens, reveals, erasures and decisions, newest first, in London time. Entries are never changed or removed." />
      <form className="row audit-filters" onSubmit={submit}>
        <Field label="What">
          <select
            id="audit-action"
            className="select"
            value={filter.action}
            onChange={(e) => setFilter({ ...filter, action: e.target.value })}
          >
            <option value="">Everything</option>
            {Object.entries(ACTION_LABELS).map(([action, label]) => (
              <option key={action} value={action}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Who (email)">
          <input
            id="audit-actor"
            className="input"
            placeholder="rita@example.com"
            value={filter.actor}
            onChange={(e) => setFilter({ ...filter, actor: e.target.value })}
          />
        </Field>
        <button className="btn" type="submit">
          Filter
        </button>
        <button className="btn btn--ghost" type="button" onClick={() => void load(null)} disabled={loading}>
          Refresh
        </button>
      </form>
      {error ? (
        <div className="alert alert--error" role="alert">
          {error} The audit trail is only kept on the server.
        </div>
      ) : null}
      <div className="card audit-card">
        <table className="table audit-table">
          <thead>
            <tr>
              <th className="audit-when">When (London)</th>
              <th className="audit-who">Who</th>
              <th>What</th>
            </tr>
          </thead>
          <tbody>
            {lines.map(({ entry, line }) => (
              <tr key={entry.id} data-testid="audit-entry" data-action={entry.action}>
                <td className="num audit-when">{line.when}</td>
                <td className="audit-who">{line.who}</td>
                <td className="audit-what">
                  {line.what}
                  <span className="audit-kind subtle"> · {ACTION_LABELS[entry.action] ?? entry.action}</span>
                </td>
              </tr>
            ))}
            {!loading && rows.length === 0 && !error ? (
              <tr>
                <td colSpan={3} className="muted">
                  No entries match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="row audit-more">
        {loading ? <span className="muted">Loading…</span> : null}
        {more && !loading ? (
          <button className="btn" type="button" onClick={() => void load(rows[rows.length - 1]?.id ?? null)}>
            Older entries
          </button>
        ) : null}
      </div>
    </div>
  );
}
