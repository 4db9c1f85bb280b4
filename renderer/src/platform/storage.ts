import { health } from '../api/auth';
import { describeError } from '../api/messages';
import { desktopBridge } from './bridge';

/**
 * Where the app remembers the server address and the signed-in session between launches: the desktop
 * bridge when present (settings file, token encrypted with the OS keyring), otherwise localStorage. In a
 * browser localStorage is the only storage that survives a restart, which is what lets staff reopen the app
 * offline.
 */
const SERVER_KEY = 'ringside.serverUrl';
const SESSION_KEY = 'ringside.session';

/** The address used when none was saved: this page's own server in a browser, the default port otherwise. */
export function defaultServerUrl(): string {
  const { protocol, origin } = window.location;
  return protocol === 'http:' || protocol === 'https:' ? origin : 'http://localhost:8787';
}

/**
 * Turns what a person typed into a server origin: adds `http://` when no scheme is given and drops paths
 * and trailing slashes. Returns null for something that is not an http(s) address.
 */
export function normaliseServerUrl(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

function readLocal(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeLocal(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage can be disabled by policy; the app still works for this launch.
  }
}

export interface ServerSetting {
  url: string;
  /** Set by the environment of the desktop app: shown, but not editable here. */
  locked: boolean;
}

export async function loadServerUrl(): Promise<ServerSetting> {
  const bridge = desktopBridge();
  if (bridge) {
    const settings = await bridge.getSettings().catch(() => null);
    if (settings?.serverUrl) return { url: settings.serverUrl, locked: settings.serverUrlSource === 'environment' };
    return { url: defaultServerUrl(), locked: false };
  }
  const local = readLocal(SERVER_KEY);
  return { url: (local && normaliseServerUrl(local)) || defaultServerUrl(), locked: false };
}

/**
 * Checks that a Ringside sync server answers at `url`. In the desktop app the main process probes it, because
 * the page's Content-Security-Policy only admits the server already saved.
 */
export async function checkServer(
  url: string,
): Promise<{ ok: true; sandbox: boolean } | { ok: false; message: string }> {
  const bridge = desktopBridge();
  if (bridge) {
    const result = await bridge.checkServer(url);
    return result.reachable
      ? { ok: true, sandbox: result.sandbox === true }
      : { ok: false, message: `Cannot use ${url}: ${result.reason}` };
  }
  try {
    const h = await health(url, AbortSignal.timeout(8000));
    return { ok: true, sandbox: h.sandbox };
  } catch (err) {
    return { ok: false, message: describeError(err, url) };
  }
}

/** Saves the server address. In the desktop app a new origin reloads the window (its CSP names the server). */
export async function saveServerUrl(url: string): Promise<void> {
  const bridge = desktopBridge();
  if (bridge) {
    await bridge.setServerUrl(url);
    return;
  }
  writeLocal(SERVER_KEY, url === defaultServerUrl() ? null : url);
}

export async function loadStoredSession(): Promise<string | null> {
  const bridge = desktopBridge();
  if (bridge) return bridge.getToken().catch(() => null);
  return readLocal(SESSION_KEY);
}

/** Remembers the session; returns a sentence when it cannot be kept beyond this launch. */
export async function saveStoredSession(serialised: string): Promise<string | null> {
  const bridge = desktopBridge();
  if (bridge) {
    const result = await bridge.setToken(serialised);
    return result.stored ? null : `You will need to sign in again next time: ${result.message}`;
  }
  writeLocal(SESSION_KEY, serialised);
  return null;
}

export async function clearStoredSession(): Promise<void> {
  const bridge = desktopBridge();
  if (bridge) await bridge.clearToken().catch(() => undefined);
  writeLocal(SESSION_KEY, null);
}
