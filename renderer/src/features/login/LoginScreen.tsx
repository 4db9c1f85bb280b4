import { useState, type FormEvent } from 'react';
import { RequestError } from '../../api/client';
import { describeError } from '../../api/messages';
import { changeServer, signIn } from '../../app/runtime';
import { checkServer, normaliseServerUrl } from '../../platform/storage';
import { useSessionStore } from '../../state/session';
import { Field } from '../../ui/Field';

/**
 * Sign-in: email and password against the configured sync server, whose address can be changed here (it
 * defaults to the server that served this page). Errors use the server's stable codes, in plain words.
 */
export function LoginScreen() {
  const server = useSessionStore((s) => s.server);
  const notice = useSessionStore((s) => s.notice);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; field: 'email' | 'password' | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [editingServer, setEditingServer] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      const field =
        err instanceof RequestError && err.code === 'INVALID_CREDENTIALS'
          ? 'password'
          : err instanceof RequestError && err.field === 'email'
            ? 'email'
            : null;
      setError({ message: describeError(err, server.url), field });
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <div className="card login__card">
        <div className="login__brand">
          <span className="brand-mark" aria-hidden="true">
            R
          </span>
          Ringside
        </div>
        <p className="login__lede">Sign in to review calls, build courses and run the marketplace.</p>

        {notice ? (
          <div className="alert alert--info" role="status" style={{ marginBottom: 16 }}>
            {notice}
          </div>
        ) : null}

        <form
          className="stack"
          onSubmit={(e) => void submit(e)}
          noValidate={false}
          aria-describedby={error ? 'login-error' : undefined}
        >
          <Field label="Email">
            <input
              id="login-email"
              className="input"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              aria-invalid={error?.field === 'email' || undefined}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Field label="Password">
            <input
              id="login-password"
              className="input"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              aria-invalid={error?.field === 'password' || undefined}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          {error ? (
            <div className="alert alert--error" role="alert" id="login-error" data-testid="login-error">
              {error.message}
            </div>
          ) : null}
          <button className="btn btn--primary btn--block" type="submit" disabled={busy || editingServer}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>

        <div className="login__server">
          {editingServer ? (
            <ServerForm current={server.url} onDone={() => setEditingServer(false)} />
          ) : (
            <div className="row" style={{ alignItems: 'baseline' }}>
              <span>
                Server{' '}
                <span className="login__server-address" data-testid="server-address">
                  {server.url}
                </span>
              </span>
              <span className="spacer" />
              {server.locked ? (
                <span className="subtle">set by your administrator</span>
              ) : (
                <button type="button" className="link-button" onClick={() => setEditingServer(true)}>
                  Change
                </button>
              )}
            </div>
          )}
        </div>
      </div>
    </main>
  );
}

/** Changes the server address after checking that a Ringside sync server answers there. */
function ServerForm({ current, onDone }: { current: string; onDone(): void }) {
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const url = normaliseServerUrl(value);
    if (!url) {
      setError('Enter the server address, for example https://ringside.example.co.uk or localhost:8787.');
      return;
    }
    setBusy(true);
    setError(null);
    const check = await checkServer(url);
    if (!check.ok) {
      setError(check.message);
      setBusy(false);
      return;
    }
    try {
      await changeServer(url);
      onDone();
    } catch (err) {
      setError(describeError(err, url));
      setBusy(false);
    }
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)}>
      <Field
        label="Server address"
        hint="The Ringside sync server of your organisation. It is remembered on this device."
        hintId="server-hint"
      >
        <input
          id="server-url"
          className="input mono"
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby="server-hint"
          onChange={(e) => setValue(e.target.value)}
          autoFocus
        />
      </Field>
      {error ? (
        <div className="alert alert--error" role="alert" data-testid="server-error">
          {error}
        </div>
      ) : null}
      <div className="row">
        <button className="btn btn--primary" type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Use this server'}
        </button>
        <button className="btn" type="button" onClick={onDone} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
