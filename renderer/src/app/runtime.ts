import { useSyncExternalStore } from 'react';
import { health, login, logout, me } from '../api/auth';
import { RequestError } from '../api/client';
import { describeError, SESSION_ENDED_CODES } from '../api/messages';
import { databaseName, openUserDatabase, removeUserDatabase, type RingsideDatabase } from '../db/database';
import { startUserSync } from '../db/session-sync';
import type { SyncController } from '../db/sync-controller';
import {
  clearStoredSession,
  loadServerUrl,
  loadStoredSession,
  saveServerUrl,
  saveStoredSession,
} from '../platform/storage';
import { useSessionStore, type ServerInfo, type Session } from '../state/session';
import { useSyncStore } from '../state/sync';
import { isRole } from '../../../shared/roles';
import { claimDatabase, takeOverDatabase, type WindowClaim } from './single-window';

/**
 * The signed-in user's lifecycle: open their database, start and stop sync, remember the session, sign out.
 * React reads the database through `useUserDatabase()`; UI state goes to the zustand stores.
 */
let database: RingsideDatabase | null = null;
let controller: SyncController | null = null;
let token: string | null = null;
let claim: WindowClaim | null = null;
const listeners = new Set<() => void>();

function setDatabase(next: RingsideDatabase | null): void {
  database = next;
  for (const l of listeners) l();
}

export function useUserDatabase(): RingsideDatabase | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => database,
  );
}

interface StoredSession extends Session {
  serverInfo: ServerInfo | null;
}

function parseStoredSession(raw: string | null): StoredSession | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (
      typeof s.serverUrl !== 'string' ||
      typeof s.token !== 'string' ||
      !s.user ||
      typeof s.user.id !== 'string' ||
      !isRole(s.user.role)
    ) {
      return null;
    }
    return {
      serverUrl: s.serverUrl,
      token: s.token,
      expiresAt: String(s.expiresAt ?? ''),
      user: s.user,
      serverInfo: s.serverInfo ?? null,
    };
  } catch {
    return null;
  }
}

async function persist(session: Session): Promise<void> {
  const stored: StoredSession = { ...session, serverInfo: useSessionStore.getState().serverInfo };
  const warning = await saveStoredSession(JSON.stringify(stored)).catch(
    (err: unknown) => `You will need to sign in again next time: ${describeError(err, session.serverUrl)}`,
  );
  useSessionStore.setState({ persistenceWarning: warning });
}

/** Asks the server about itself (sandbox or not); keeps the last answer when it cannot be reached. */
async function refreshServerInfo(session: Session): Promise<void> {
  try {
    const h = await health(session.serverUrl, AbortSignal.timeout(8000));
    useSessionStore.setState({ serverInfo: { version: h.version, sandbox: h.sandbox } });
    // Remember it with the session as it is now (the token may have been renewed meanwhile).
    const current = useSessionStore.getState().session;
    if (current && current.user.id === session.user.id) await persist(current);
  } catch {
    // Offline: the remembered server info stays.
  }
}

function onSessionEnded(message: string): void {
  if (useSessionStore.getState().sessionProblem) return;
  useSessionStore.setState({ sessionProblem: message });
  // Stop asking the server with a token it refuses; local edits stay in the database until sign-in.
  const stopping = controller;
  controller = null;
  void (stopping ? stopping.stop() : Promise.resolve()).then(() => {
    if (!controller) useSyncStore.setState({ stoppedReason: message });
  });
}

/** Another window asked for this user's data: close it here and say where it went. */
function onTakenOver(): void {
  void (async () => {
    const db = database;
    if (controller) await controller.stop();
    controller = null;
    setDatabase(null);
    await db?.close();
    claim?.release();
    claim = null;
    useSessionStore.setState({ phase: 'elsewhere' });
  })();
}

/** Moves the app into this window from the one that holds the user's data. */
export async function moveHere(): Promise<void> {
  const { session } = useSessionStore.getState();
  if (!session) return;
  const taken = await takeOverDatabase(databaseName(session.serverUrl, session.user.id), onTakenOver);
  if (!taken) throw new Error('The other window did not let go. Close it and try again.');
  claim = taken;
  await openSession(session, { claimed: true });
}

async function openSession(session: Session, opts: { claimed?: boolean } = {}): Promise<void> {
  token = session.token;
  if (!opts.claimed) {
    claim = await claimDatabase(databaseName(session.serverUrl, session.user.id), onTakenOver);
    if (!claim) {
      useSessionStore.setState({ phase: 'elsewhere', session, notice: null });
      return;
    }
  }
  let db: RingsideDatabase;
  try {
    db = await openUserDatabase(session.serverUrl, session.user.id);
  } catch (err) {
    claim?.release();
    claim = null;
    throw err;
  }
  controller = startUserSync(db, session, { token: () => token, onSessionEnded });
  setDatabase(db);
  useSessionStore.setState({ phase: 'signed-in', session, notice: null });
}

/** First thing the app does: find the server address and, if someone is signed in, reopen their data. */
export async function startApp(): Promise<void> {
  const server = await loadServerUrl();
  useSessionStore.setState({ server });
  const stored = parseStoredSession(await loadStoredSession());
  if (!stored || stored.serverUrl !== server.url) {
    useSessionStore.setState({ phase: 'signed-out' });
    return;
  }
  const { serverInfo, ...session } = stored;
  useSessionStore.setState({ serverInfo });
  try {
    await openSession(session);
  } catch (err) {
    useSessionStore.setState({
      phase: 'signed-out',
      notice: `Could not open the data on this device: ${describeError(err, session.serverUrl)}`,
    });
    return;
  }
  void refreshServerInfo(session);
  // Check the remembered token in the background; offline, keep working with local data.
  me(session.serverUrl, session.token, AbortSignal.timeout(10_000)).catch((err: unknown) => {
    if (err instanceof RequestError && SESSION_ENDED_CODES.has(err.code))
      onSessionEnded(describeError(err, session.serverUrl));
  });
}

/** Uses another server. Signing out is required first: each server has its own accounts and data. */
export async function changeServer(url: string): Promise<void> {
  await saveServerUrl(url);
  useSessionStore.setState({ server: { url, locked: false } });
}

/**
 * Signs in. Throws a RequestError that the sign-in screen turns into a sentence. Signing in again as the
 * same user (after an expired session) keeps the open database and its unsynced edits.
 */
export async function signIn(email: string, password: string): Promise<void> {
  const { server, session: current } = useSessionStore.getState();
  const result = await login(server.url, email, password);
  const session: Session = {
    serverUrl: server.url,
    token: result.token,
    expiresAt: result.expiresAt,
    user: result.user,
  };
  if (current && database && current.user.id === session.user.id && current.serverUrl === session.serverUrl) {
    token = session.token;
    await controller?.stop();
    controller = startUserSync(database, session, { token: () => token, onSessionEnded });
    useSessionStore.setState({ session, sessionProblem: null });
  } else {
    if (controller) await controller.stop();
    if (database) await database.close();
    controller = null;
    setDatabase(null);
    claim?.release();
    claim = null;
    await openSession(session);
    useSessionStore.setState({ sessionProblem: null });
  }
  await persist(session);
  void refreshServerInfo(session);
}

/**
 * Signs out: stops sync, tells the server (when reachable), and deletes this user's local database so the
 * next person on this device sees nothing of it.
 */
export async function signOut(): Promise<void> {
  const { session } = useSessionStore.getState();
  const db = database;
  if (controller) await controller.stop();
  controller = null;
  setDatabase(null);
  useSessionStore.setState({ phase: 'signed-out', session: null, sessionProblem: null, serverInfo: null });
  useSyncStore.setState({ expected: 0, collections: {} });
  if (session) {
    await logout(session.serverUrl, session.token).catch(() => undefined);
    await removeUserDatabase(session.serverUrl, session.user.id, db);
  }
  claim?.release();
  claim = null;
  await clearStoredSession();
  token = null;
  useSessionStore.setState({ notice: 'You are signed out. Your data was removed from this device.' });
}
