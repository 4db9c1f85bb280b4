import { DatabaseContext } from '../db/hooks';
import { LoginScreen } from '../features/login/LoginScreen';
import { useSessionStore } from '../state/session';
import { useUserDatabase } from './runtime';
import { ElsewhereScreen } from './ElsewhereScreen';
import { Shell } from './Shell';

/** Signed out: the sign-in screen. Signed in: the shell, with the user's database available to every screen. */
export function App() {
  const phase = useSessionStore((s) => s.phase);
  const db = useUserDatabase();
  if (phase === 'starting') {
    return (
      <div className="login" aria-busy="true">
        <span className="muted">Opening Ringside…</span>
      </div>
    );
  }
  if (phase === 'elsewhere') return <ElsewhereScreen />;
  if (phase === 'signed-out' || !db) return <LoginScreen />;
  return (
    <DatabaseContext.Provider value={db}>
      <Shell />
    </DatabaseContext.Provider>
  );
}
