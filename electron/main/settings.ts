import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { DesktopSettings, ServerUrlSource, TokenStoreResult } from '../preload/api';
import { SerialQueue, writeFileAtomic } from './files';
import { errnoCode } from './errno';

/**
 * Desktop settings and the session token, kept in userData.
 *
 * - settings.json holds what is not secret (server address, last export folder) in plain JSON, so the app
 *   still remembers its server on a machine without a keyring.
 * - session.bin holds the token, encrypted by the operating system's keyring through Electron's
 *   safeStorage (injected here as a {@link SecretCipher} so it is testable without Electron). Without a
 *   keyring the token is refused, never written in plain text, and the settings say why.
 *   The token is bound to the server it was issued by: after a server change it is not handed out.
 */

export interface SecretCipher {
  availability(): { available: true } | { available: false; reason: string };
  encrypt(plainText: string): Uint8Array;
  /** Throws when the data was not produced by this keyring (another user, a reset keyring). */
  decrypt(encrypted: Uint8Array): string;
}

const SETTINGS_FILE = 'settings.json';
const SESSION_FILE = 'session.bin';
const MAX_TOKEN_LENGTH = 64 * 1024;

const StoredSettingsSchema = z.object({
  version: z.literal(1),
  serverUrl: z.string().nullable().default(null),
  lastExportFolder: z.string().nullable().default(null),
});
type StoredSettings = z.infer<typeof StoredSettingsSchema>;

const StoredSessionSchema = z.object({ serverUrl: z.string(), token: z.string() });

function parseStoredSettings(raw: string): StoredSettings | null {
  try {
    const result = StoredSettingsSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export class ServerUrlError extends Error {}

/**
 * The origin of a sync server address: http(s) only, no credentials, no IPv6 literal (a CSP cannot name
 * one). Paths, queries and fragments are dropped, as the renderer does when a person types an address.
 */
export function normaliseServerUrl(input: string): string {
  const trimmed = input.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ServerUrlError('not a URL; write it like http://localhost:8787 or https://ringside.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ServerUrlError('must start with http:// or https://');
  if (url.username || url.password) throw new ServerUrlError('must not contain a user name or password');
  if (!url.hostname) throw new ServerUrlError('has no host');
  if (url.hostname.startsWith('[')) throw new ServerUrlError('IPv6 addresses are not supported; use a host name');
  return url.origin;
}

export interface SettingsStoreOptions {
  dir: string;
  cipher: SecretCipher;
  /** RINGSIDE_SERVER_URL, already normalised: used for this run unless the person picks another server. */
  environmentServerUrl?: string | null;
  /** Told when a file could not be read and was set aside, so the app can log it. */
  onWarning?: (message: string, detail?: unknown) => void;
}

export class SettingsStore {
  private stored: StoredSettings = { version: 1, serverUrl: null, lastExportFolder: null };
  /** Set when the person changes server during a run that started with an environment override. */
  private overrideCleared = false;
  private readonly queue = new SerialQueue();

  private constructor(private readonly opts: SettingsStoreOptions) {}

  static async open(opts: SettingsStoreOptions): Promise<SettingsStore> {
    const store = new SettingsStore(opts);
    await store.load();
    return store;
  }

  private get settingsPath(): string {
    return path.join(this.opts.dir, SETTINGS_FILE);
  }

  private get sessionPath(): string {
    return path.join(this.opts.dir, SESSION_FILE);
  }

  private async load(): Promise<void> {
    let raw: string;
    try {
      raw = await readFile(this.settingsPath, 'utf8');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    const parsed = parseStoredSettings(raw);
    if (!parsed) {
      // Keep the unreadable file for support instead of silently overwriting it, and start from defaults.
      const aside = `${this.settingsPath}.unreadable-${Date.now()}`;
      await rename(this.settingsPath, aside);
      this.opts.onWarning?.(`settings.json could not be read and was moved to ${aside}`);
      return;
    }
    const { serverUrl } = parsed;
    let validUrl: string | null = null;
    if (serverUrl) {
      try {
        validUrl = normaliseServerUrl(serverUrl);
      } catch {
        this.opts.onWarning?.(`ignored an invalid saved server address: ${serverUrl}`);
      }
    }
    this.stored = { ...parsed, serverUrl: validUrl };
  }

  private serverUrlWithSource(): { serverUrl: string | null; source: ServerUrlSource } {
    const env = this.overrideCleared ? null : (this.opts.environmentServerUrl ?? null);
    if (env) return { serverUrl: env, source: 'environment' };
    if (this.stored.serverUrl) return { serverUrl: this.stored.serverUrl, source: 'saved' };
    return { serverUrl: null, source: 'none' };
  }

  /** The server in use (environment override, else saved), or null. */
  get serverUrl(): string | null {
    return this.serverUrlWithSource().serverUrl;
  }

  getSettings(): DesktopSettings {
    const { serverUrl, source } = this.serverUrlWithSource();
    return {
      serverUrl,
      serverUrlSource: source,
      tokenStorage: this.opts.cipher.availability(),
      lastExportFolder: this.stored.lastExportFolder,
    };
  }

  /** Saves the server address; `originChanged` tells the caller to reload the page under a new CSP. */
  setServerUrl(input: string): Promise<{ settings: DesktopSettings; originChanged: boolean }> {
    return this.queue.run(async () => {
      const next = normaliseServerUrl(input);
      const before = this.serverUrl;
      this.stored = { ...this.stored, serverUrl: next };
      this.overrideCleared = true;
      await this.persist();
      return { settings: this.getSettings(), originChanged: before !== next };
    });
  }

  setLastExportFolder(folder: string): Promise<void> {
    return this.queue.run(async () => {
      this.stored = { ...this.stored, lastExportFolder: folder };
      await this.persist();
    });
  }

  private persist(): Promise<void> {
    return writeFileAtomic(this.settingsPath, `${JSON.stringify(this.stored, null, 2)}\n`);
  }

  /** The token stored for the current server, or null (none stored, another server, or undecryptable). */
  getToken(): Promise<string | null> {
    return this.queue.run(async () => {
      const serverUrl = this.serverUrl;
      if (!serverUrl || !this.opts.cipher.availability().available) return null;
      let encrypted: Buffer;
      try {
        encrypted = await readFile(this.sessionPath);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') return null;
        throw err;
      }
      let session: z.infer<typeof StoredSessionSchema>;
      try {
        session = StoredSessionSchema.parse(JSON.parse(this.opts.cipher.decrypt(encrypted)));
      } catch (err) {
        // A reset keyring or a copied profile: the person signs in again; the stale file is useless.
        this.opts.onWarning?.('the stored session could not be decrypted and was removed', err);
        await rm(this.sessionPath, { force: true });
        return null;
      }
      return session.serverUrl === serverUrl ? session.token : null;
    });
  }

  setToken(token: string): Promise<TokenStoreResult> {
    return this.queue.run(async () => {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new RangeError(`token must be 1–${MAX_TOKEN_LENGTH} characters`);
      }
      const serverUrl = this.serverUrl;
      if (!serverUrl) {
        return { stored: false, reason: 'NO_SERVER', message: 'Set the server address before signing in.' };
      }
      const availability = this.opts.cipher.availability();
      if (!availability.available) {
        return {
          stored: false,
          reason: 'ENCRYPTION_UNAVAILABLE',
          message: `Your sign-in cannot be remembered on this computer: ${availability.reason} You will be asked to sign in at the next start.`,
        };
      }
      const encrypted = this.opts.cipher.encrypt(JSON.stringify({ serverUrl, token }));
      await writeFileAtomic(this.sessionPath, encrypted);
      return { stored: true };
    });
  }

  clearToken(): Promise<void> {
    return this.queue.run(() => rm(this.sessionPath, { force: true }));
  }
}
