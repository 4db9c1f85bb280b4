import { useState } from 'react';
import { useSessionStore } from '../state/session';
import { moveHere } from './runtime';

/** Shown when this user's data is open in another window of this browser (one window at a time). */
export function ElsewhereScreen() {
  const email = useSessionStore((s) => s.session?.user.email ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="login">
      <div className="card login__card stack" data-testid="elsewhere">
        <div className="login__brand">
          <span className="brand-mark" aria-hidden="true">
            R
          </span>
          Ringside
        </div>
        <p>
          Ringside is open in another window or tab for <strong>{email}</strong>. It works in one window at a time so
          that your offline changes are never written twice.
        </p>
        {error ? (
          <div className="alert alert--error" role="alert">
            {error}
          </div>
        ) : null}
        <button
          type="button"
          className="btn btn--primary btn--block"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            moveHere().catch((err: unknown) => {
              setError(err instanceof Error ? err.message : String(err));
              setBusy(false);
            });
          }}
        >
          {busy ? 'Moving here…' : 'Use Ringside in this window'}
        </button>
      </div>
    </main>
  );
}
