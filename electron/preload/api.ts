/**
 * The one bridge between the renderer and the desktop shell: `window.ringside`, exposed by the preload
 * through contextBridge. Both sides use these types; the renderer imports them with `import type` only
 * (a lint rule and tests/unit/layering.test.ts enforce it) and must keep working without the bridge,
 * because the same build runs as a plain web page served by the sync server.
 *
 * The renderer declares the global itself, so this file stays free of DOM types:
 *   import type { RingsideDesktopApi } from '../../electron/preload/api';
 *   declare global { interface Window { ringside?: RingsideDesktopApi } }
 *
 * Expected outcomes (no keyring, dialog cancelled, link not allowed) come back as data. Invalid input or a
 * call from an untrusted frame rejects with an Error whose message starts with a {@link DesktopErrorCode},
 * e.g. `INVALID_INPUT: callId: …`.
 */

/** Operating systems Electron runs on, as `process.platform` names them. */
export type DesktopOs = 'linux' | 'darwin' | 'win32' | 'freebsd' | 'openbsd' | 'sunos' | 'aix';

export interface PlatformInfo {
  os: DesktopOs;
  arch: string;
  appVersion: string;
  electronVersion: string;
  chromeVersion: string;
}

/** Where the server address in use came from. */
export type ServerUrlSource = 'environment' | 'saved' | 'none';

export interface DesktopSettings {
  /** Origin of the sync server (scheme, host, port; no path), or null before the first setup. */
  serverUrl: string | null;
  serverUrlSource: ServerUrlSource;
  /**
   * Whether the session token can be remembered between launches. It is only ever written encrypted with
   * the operating system's keyring (safeStorage); without one, the renderer keeps it in memory and should
   * tell the person they will sign in again next launch.
   */
  tokenStorage: { available: true } | { available: false; reason: string };
  /** Folder of the last clip export, offered first by the next save dialog. */
  lastExportFolder: string | null;
}

/** Result of probing a server's `/api/health` from the main process (the page's CSP only admits the saved one). */
export type ServerCheck =
  | { reachable: true; status: 'ok' | 'degraded'; version: string | null; sandbox: boolean | null }
  | { reachable: false; reason: string };

export type TokenStoreResult =
  { stored: true } | { stored: false; reason: 'ENCRYPTION_UNAVAILABLE' | 'NO_SERVER'; message: string };

export interface CachedRecordingInfo {
  callId: string;
  contentType: string;
  bytes: number;
  /** Epoch milliseconds. */
  storedAt: number;
  lastUsedAt: number;
}

export interface CachedRecording extends CachedRecordingInfo {
  data: Uint8Array;
}

export interface RecordingCacheUsage {
  entries: number;
  bytes: number;
  maxBytes: number;
}

export interface RecordingCachePut {
  /** Audio bytes, typically `await response.arrayBuffer()`, or the JSON of its waveform peaks. */
  data: ArrayBuffer | Uint8Array;
  /** `audio/*` (e.g. `audio/mpeg`), or `application/json` for peaks stored under `<callId>__peaks`. */
  contentType: string;
}

export type RecordingCachePutResult =
  | { stored: true; info: CachedRecordingInfo; evicted: string[] }
  | { stored: false; reason: 'TOO_LARGE'; message: string };

export interface ClipExportRequest {
  /** Suggested file name; path separators and characters that are unsafe on any OS are replaced. */
  fileName: string;
  data: ArrayBuffer | Uint8Array;
  contentType: string;
}

export type ClipExportResult = { saved: true; path: string } | { saved: false; reason: 'CANCELLED' };

export type OpenExternalResult = { opened: true } | { opened: false; reason: 'NOT_ALLOWED' };

export type DesktopErrorCode = 'INVALID_INPUT' | 'UNTRUSTED_SENDER' | 'INTERNAL';

export interface RingsideDesktopApi {
  readonly platform: PlatformInfo;
  getSettings(): Promise<DesktopSettings>;
  /**
   * Saves the sync server's address (normalised to its origin). When the origin changes, the window
   * reloads right after this resolves, because the page's Content-Security-Policy names the server; a
   * token stored for the previous server is no longer returned.
   */
  setServerUrl(url: string): Promise<DesktopSettings>;
  /** Probes `<url>/api/health` without saving anything. */
  checkServer(url: string): Promise<ServerCheck>;
  /** The session token stored for the current server, or null. */
  getToken(): Promise<string | null>;
  /** Stores the session token (or a small serialised session holding it) for the current server, encrypted. */
  setToken(token: string): Promise<TokenStoreResult>;
  clearToken(): Promise<void>;
  /**
   * Recordings kept on disk for offline review, keyed by call id (1–128 letters, digits, `_`, `-`),
   * size-limited: the least recently used go first, a recording together with its `<callId>__…` companions.
   */
  recordingCache: {
    put(callId: string, recording: RecordingCachePut): Promise<RecordingCachePutResult>;
    get(callId: string): Promise<CachedRecording | null>;
    remove(callId: string): Promise<boolean>;
    list(): Promise<CachedRecordingInfo[]>;
    usage(): Promise<RecordingCacheUsage>;
  };
  /** Asks where to save a clip (save dialog) and writes it there. */
  exportClip(request: ClipExportRequest): Promise<ClipExportResult>;
  /** Opens an https link from the allow-list in the system browser. */
  openExternal(url: string): Promise<OpenExternalResult>;
}

/** IPC channel names: one per API function, never a generic channel. */
export const IPC_CHANNELS = {
  getSettings: 'ringside:settings:get',
  setServerUrl: 'ringside:settings:set-server-url',
  checkServer: 'ringside:settings:check-server',
  getToken: 'ringside:token:get',
  setToken: 'ringside:token:set',
  clearToken: 'ringside:token:clear',
  cachePut: 'ringside:recording-cache:put',
  cacheGet: 'ringside:recording-cache:get',
  cacheRemove: 'ringside:recording-cache:remove',
  cacheList: 'ringside:recording-cache:list',
  cacheUsage: 'ringside:recording-cache:usage',
  exportClip: 'ringside:clip:export',
  openExternal: 'ringside:open-external',
} as const;

export type IpcChannel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/**
 * What every handler sends back over IPC. Electron flattens a thrown error into "Error invoking remote
 * method …"; an envelope keeps the code and message intact for the preload to rethrow.
 */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; code: DesktopErrorCode; message: string };

/** Passed from main to the sandboxed preload through `webPreferences.additionalArguments`. */
export const APP_VERSION_ARG = '--ringside-app-version=';
