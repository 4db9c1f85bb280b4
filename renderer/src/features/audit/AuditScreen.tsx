import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { requestJson } from '../../api/client';
import { describeError } from '../../api/messages';
import { formatDateTime } from '../../app/format';
import { PageHeader } from '../../app/PageHeader';
import { useSessionStore } from '../../state/session';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
}

const PAGE = 100;

/**
 * The audit trail (who signed in, listened to, exported, erased or decided what). It is read from the
 * server each time and never copied to devices, so it needs a connection.
 */
export default function AuditScreen() {
  const session = useSessionStore((s) => s.session);
  const [filter, setFilter] = useState({ action: '', actor: '' });
  const [applied, setApplied] = useState({ action: '', actor: '' });
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(false);

  const load = useCallback(
    async (before: number | null) => {
      if (!session) return;
      setLoading(true);
      setError(null);
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (applied.action) params.set('action', applied.action);
      if (applied.actor) params.set('actor', applied.actor);
      if (before) params.set('before', String(before));
      try {
        const { entries } = await requestJson<{ entries: AuditRow[] }>(session.serverUrl, `/api/audit?${params}`, {
          token: session.token,
        });
        setRows((prev) => (before ? [...prev, ...entries] : entries));
        setMore(entries.length === PAGE);
      } catch (err) {
        setError(describeError(err, session.serverUrl));
      } finally {
        setLoading(false);
      }
    },
    [session, applied],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setApplied({ action: filter.action.trim(), actor: filter.actor.trim() });
  }

  return (
    <div className="page">
      <PageHeader description="Sign-ins, listens, exports, erasures and decisions, newest first. Entries are never changed or removed." />
      <form className="row" style={{ marginBottom: 12, alignItems: 'flex-end' }} onSubmit={submit}>
        <div className="field">
          <label className="field__label" htmlFor="audit-action">
            Action
          </label>
          <input
            id="audit-action"
            className="input"
            placeholder="e.g. auth.login"
            value={filter.action}
            onChange={(e) => setFilter({ ...filter, action: e.target.value })}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="audit-actor">
            Who
          </label>
          <input
            id="audit-actor"
            className="input"
            placeholder="email"
            value={filter.actor}
            onChange={(e) => setFilter({ ...filter, actor: e.target.value })}
          />
        </div>
        <button className="btn" type="submit">
          Filter
        </button>
        <button className="btn btn--ghost" type="button" onClick={() => void load(null)} disabled={loading}>
          Refresh
        </button>
      </form>
      {error ? (
        <div className="alert alert--error" role="alert" style={{ marginBottom: 12 }}>
          {error} The audit trail is only kept on the server.
        </div>
      ) : null}
      <div className="card" style={{ overflow: 'hidden' }}>
        <table className="table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="num" style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(Date.parse(r.at))}
                </td>
                <td>{r.actor}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>
                  <span className="muted">{r.subjectType}</span>{' '}
                  {r.subjectId ? <code>{r.subjectId.slice(0, 12)}</code> : null}
                </td>
                <td className="subtle">{Object.keys(r.detail).length ? JSON.stringify(r.detail) : ''}</td>
              </tr>
            ))}
            {!loading && rows.length === 0 && !error ? (
              <tr>
                <td colSpan={5} className="muted">
                  No entries match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="row" style={{ marginTop: 12 }}>
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
