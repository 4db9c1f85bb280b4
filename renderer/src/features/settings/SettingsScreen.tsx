import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../../shared/roles';
import { createUser, listUsers, revokeUser, type StaffUser } from '../../../../shared/contracts/auth';
import { callApi } from '../../api/client';
import { describeError } from '../../api/messages';
import { formatDate, formatDateTime } from '../../ui/format';
import { databaseName } from '../../db/database';
import { isDesktop } from '../../platform/bridge';
import { useSessionStore } from '../../state/session';
import { DeviceData } from '../sync';
import { Field } from '../../ui/Field';

const ROLE_LABELS: Record<Role, string> = { admin: 'Administrator', reviewer: 'QA reviewer', author: 'Course author' };

/** Server, account and device information, and staff accounts (admins). */
export default function SettingsScreen() {
  const session = useSessionStore((s) => s.session);
  const serverInfo = useSessionStore((s) => s.serverInfo);
  const warning = useSessionStore((s) => s.persistenceWarning);
  if (!session) return null;
  return (
    <div className="page stack" style={{ gap: 16 }}>
      <div className="settings-grid">
        <section className="card">
          <div className="card__header">
            <h2>Server</h2>
          </div>
          <div className="card__body">
            <dl className="kv">
              <dt>Address</dt>
              <dd className="mono">{session.serverUrl}</dd>
              <dt>Version</dt>
              <dd>{serverInfo?.version ?? 'not known yet'}</dd>
              <dt>Data</dt>
              <dd>
                {serverInfo?.sandbox ? <span className="badge badge--sandbox">Sandbox data</span> : 'Live (Twilio)'}
              </dd>
            </dl>
            <p className="subtle" style={{ marginTop: 12 }}>
              To use another server, sign out and change the address on the sign-in screen.
            </p>
          </div>
        </section>
        <section className="card">
          <div className="card__header">
            <h2>Your account</h2>
          </div>
          <div className="card__body">
            <dl className="kv">
              <dt>Name</dt>
              <dd>{session.user.name}</dd>
              <dt>Email</dt>
              <dd>{session.user.email}</dd>
              <dt>Role</dt>
              <dd>{ROLE_LABELS[session.user.role]}</dd>
              <dt>Session ends</dt>
              <dd>{formatDateTime(Date.parse(session.expiresAt))}</dd>
              <dt>App</dt>
              <dd>{isDesktop() ? 'Desktop app' : 'Web browser'}</dd>
            </dl>
            {warning ? (
              <div className="alert alert--warn" style={{ marginTop: 12 }}>
                {warning}
              </div>
            ) : null}
          </div>
        </section>
      </div>
      <section className="card" style={{ overflow: 'hidden' }}>
        <div className="card__header">
          <h2>This device</h2>
          <span className="subtle mono">{databaseName(session.serverUrl, session.user.id)}</span>
        </div>
        <DeviceData />
      </section>
      {session.user.role === 'admin' ? <StaffAccounts /> : null}
    </div>
  );
}

/** Staff accounts, read from the server (accounts are not replicated to devices). */
function StaffAccounts() {
  const session = useSessionStore((s) => s.session)!;
  const [users, setUsers] = useState<StaffUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const { users } = await callApi(session.serverUrl, listUsers, {}, { token: session.token });
      setUsers(users);
      setError(null);
    } catch (err) {
      setError(describeError(err, session.serverUrl));
    }
  }, [session]);

  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(email: string) {
    try {
      await callApi(session.serverUrl, revokeUser, { body: { email } }, { token: session.token });
      await load();
    } catch (err) {
      setError(describeError(err, session.serverUrl));
    }
  }

  return (
    <section className="card" style={{ overflow: 'hidden' }}>
      <div className="card__header">
        <h2>Staff accounts</h2>
      </div>
      {error ? (
        <div className="card__body">
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        </div>
      ) : null}
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users ?? []).map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>{ROLE_LABELS[u.role]}</td>
              <td className="num">{formatDate(Date.parse(u.createdAt))}</td>
              <td style={{ textAlign: 'right' }}>
                {u.revoked ? (
                  <span className="badge">Revoked</span>
                ) : u.id === session.user.id ? (
                  <span className="subtle">you</span>
                ) : (
                  <button type="button" className="btn btn--sm btn--danger" onClick={() => void revoke(u.email)}>
                    Revoke access
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddUserForm onAdded={() => void load()} />
    </section>
  );
}

function AddUserForm({ onAdded }: { onAdded(): void }) {
  const session = useSessionStore((s) => s.session)!;
  const [form, setForm] = useState<{ email: string; name: string; role: Role; password: string }>({
    email: '',
    name: '',
    role: 'reviewer',
    password: '',
  });
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      await callApi(
        session.serverUrl,
        createUser,
        { body: { ...form, name: form.name || undefined } },
        { token: session.token },
      );
      setDone(`${form.email} can now sign in.`);
      setForm({ email: '', name: '', role: form.role, password: '' });
      onAdded();
    } catch (err) {
      const field =
        typeof err === 'object' && err !== null && 'field' in err && typeof err.field === 'string'
          ? err.field
          : undefined;
      setError({ message: describeError(err, session.serverUrl), field });
    }
  }

  return (
    <form className="card__body add-user" onSubmit={(e) => void submit(e)}>
      <h3>Add a staff member</h3>
      <div className="add-user__fields">
        <Field label="Email">
          <input
            id="new-email"
            className="input"
            type="email"
            required
            value={form.email}
            aria-invalid={error?.field === 'email' || undefined}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </Field>
        <Field label="Name">
          <input
            id="new-name"
            className="input"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </Field>
        <Field label="Role">
          <select
            id="new-role"
            className="select"
            value={form.role}
            onChange={(e) => {
              const role = ROLES.find((r) => r === e.target.value);
              if (role) setForm({ ...form, role });
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="First password" hint="At least 12 characters." hintId="new-password-hint">
          <input
            id="new-password"
            className="input"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            value={form.password}
            aria-invalid={error?.field === 'password' || undefined}
            aria-describedby="new-password-hint"
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <button className="btn btn--primary" type="submit" style={{ alignSelf: 'center' }}>
          Add
        </button>
      </div>
      {error ? (
        <div className="alert alert--error" role="alert">
          {error.message}
        </div>
      ) : null}
      {done ? (
        <div className="alert alert--info" role="status">
          {done}
        </div>
      ) : null}
    </form>
  );
}
