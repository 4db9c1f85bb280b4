import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { describeError } from '../api/messages';
import { SandboxBadge } from '../features/sync/SandboxBadge';
import { SyncIndicator } from '../features/sync/SyncIndicator';
import { useSessionStore } from '../state/session';
import { Icon } from './icons';
import { href, navigate, usePath } from './router';
import { labelFor, screenForPath, screensFor } from './screens';
import { signIn, signOut } from './runtime';
import { ErrorBoundary } from './ErrorBoundary';

const ROLE_NAMES = { admin: 'Administrator', reviewer: 'QA reviewer', author: 'Course author' } as const;

/** The frame around every screen: navigation for the role, the top bar with sync state, the work area. */
export function Shell() {
  const session = useSessionStore((s) => s.session);
  const path = usePath();
  const role = session?.user.role ?? null;
  const screens = role ? screensFor(role) : [];
  const active = role ? screenForPath(path, role) : null;
  const fallbackPath = screens[0]?.path ?? '/';
  const title = active && role ? labelFor(active, role) : '';

  useEffect(() => {
    // An unknown path, or one this role does not have, lands on the role's first screen.
    if (role && !active) navigate(fallbackPath, { replace: true });
  }, [role, active, fallbackPath]);
  useEffect(() => {
    document.title = title ? `${title} · Ringside` : 'Ringside';
  }, [title]);

  if (!session || !role) return null;
  const Screen = active?.component;

  return (
    <div className="shell" data-testid="app-shell" data-role={role}>
      <div className="shell__brand">
        <span className="brand-mark" aria-hidden="true">
          R
        </span>
        Ringside
      </div>
      <nav className="shell__nav" aria-label="Main">
        <div className="nav-section">{ROLE_NAMES[role]}</div>
        {screens.map((s) => (
          <a
            key={s.id}
            className="nav-link"
            href={href(s.path)}
            aria-current={s.id === active?.id ? 'page' : undefined}
          >
            <span className="nav-link__icon">
              <Icon name={s.icon} />
            </span>
            {labelFor(s, role)}
          </a>
        ))}
        <div className="shell__nav-footer">
          <strong title={session.user.email}>{session.user.name}</strong>
          <span>{session.user.email}</span>
          <SignOutButton />
        </div>
      </nav>
      <header className="shell__topbar">
        <h1 className="shell__title">{title}</h1>
        <span className="spacer" />
        <SandboxBadge />
        <SyncIndicator />
      </header>
      <main className="shell__main" id="main">
        <SessionBanner />
        <ErrorBoundary key={active?.id ?? 'none'}>
          <Suspense fallback={<div className="page muted">Loading…</div>}>{Screen ? <Screen /> : null}</Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** Sign-out removes the local database, so it asks once, in place, before doing it. */
function SignOutButton() {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!confirming) {
    return (
      <button
        type="button"
        className="btn btn--ghost btn--sm btn--block nav-signout"
        onClick={() => setConfirming(true)}
      >
        <Icon name="signOut" /> Sign out
      </button>
    );
  }
  return (
    <div className="signout-confirm" role="group" aria-label="Confirm sign out">
      <p>Your data will be removed from this device. Changes that have not synced yet are lost.</p>
      <div className="row">
        <button
          type="button"
          className="btn btn--sm btn--danger"
          disabled={busy}
          autoFocus
          onClick={() => {
            setBusy(true);
            void signOut();
          }}
        >
          Sign out
        </button>
        <button type="button" className="btn btn--sm" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Asks for the password again when the server no longer accepts the session; local work continues meanwhile. */
function SessionBanner() {
  const problem = useSessionStore((s) => s.sessionProblem);
  const session = useSessionStore((s) => s.session);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!problem || !session) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(session!.user.email, password);
      setPassword('');
    } catch (err) {
      setError(describeError(err, session!.serverUrl));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="banner" role="alert" data-testid="session-banner" onSubmit={(e) => void submit(e)}>
      <span>
        {problem} Your changes are kept on this device until then.
        {error ? <strong> {error}</strong> : null}
      </span>
      <span className="spacer" />
      <label className="visually-hidden" htmlFor="reauth-password">
        Password for {session.user.email}
      </label>
      <input
        id="reauth-password"
        className="input"
        style={{ width: 200 }}
        type="password"
        autoComplete="current-password"
        placeholder="Password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <button className="btn btn--primary" disabled={busy || !password}>
        Sign in again
      </button>
    </form>
  );
}
