import { create } from 'zustand';
import type { SessionUser } from '../api/auth';

/** A signed-in session as remembered between launches (platform/storage.ts). */
export interface Session {
  serverUrl: string;
  token: string;
  expiresAt: string;
  user: SessionUser;
}

/** What the server said about itself the last time it was reachable. */
export interface ServerInfo {
  version: string;
  /** True when the server runs against the Twilio sandbox: every screen is labelled as sandbox data. */
  sandbox: boolean;
}

/** `elsewhere`: signed in, but the user's data is open in another window of this browser. */
export type SessionPhase = 'starting' | 'signed-out' | 'signed-in' | 'elsewhere';

interface SessionState {
  phase: SessionPhase;
  /** The sync server this app talks to (login screen and settings). */
  server: { url: string; locked: boolean };
  session: Session | null;
  serverInfo: ServerInfo | null;
  /**
   * Set while signed in when the server no longer accepts the token (expired, revoked). Local data stays
   * and edits keep being saved; syncing waits until the person signs in again.
   */
  sessionProblem: string | null;
  /** A sentence for the sign-in screen, e.g. after signing out. */
  notice: string | null;
  /** Why the session will not survive a restart (desktop without a keyring), shown in Settings. */
  persistenceWarning: string | null;
}

/** UI state about the session only; documents live in RxDB (db/). */
export const useSessionStore = create<SessionState>(() => ({
  phase: 'starting',
  server: { url: '', locked: false },
  session: null,
  serverInfo: null,
  sessionProblem: null,
  notice: null,
  persistenceWarning: null,
}));
