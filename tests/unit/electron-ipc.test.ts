import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportClip } from '../../electron/main/clip-export';
import {
  createIpcHandlers,
  dispatchIpc,
  IPC_ARGUMENTS,
  registerIpcHandlers,
  type IpcDeps,
} from '../../electron/main/ipc';
import { RecordingCache } from '../../electron/main/recording-cache';
import { isAllowedExternalUrl, isTrustedSender, type SenderInfo } from '../../electron/main/security';
import { SettingsStore, type SecretCipher } from '../../electron/main/settings';
import { IPC_CHANNELS, type IpcEnvelope, type RingsideDesktopApi } from '../../electron/preload/api';

/**
 * The IPC layer end to end without Electron: the real preload (with only the `electron` module replaced by
 * a bridge that structured-clones like IPC does) → the real handlers → real files on disk.
 */

class TestKeyring implements SecretCipher {
  private readonly key = randomBytes(32);
  availability() {
    return { available: true } as const;
  }
  encrypt(plainText: string): Uint8Array {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decrypt(encrypted: Uint8Array): string {
    const data = Buffer.from(encrypted);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  }
}

const rendererDir = path.resolve('/opt/Ringside/out/renderer');
const pageUrl = `${pathToFileURL(path.join(rendererDir, 'index.html')).href}#/review`;
const OUR_WINDOW = 3;

/** What the fake `electron` module routes invoke() to; set per test. */
const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: null as null | ((channel: string, args: unknown[]) => Promise<unknown>),
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => bridge.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      if (!bridge.invoke) throw new Error('no main process in this test');
      // IPC uses the structured clone algorithm in both directions.
      return bridge.invoke(channel, structuredClone(args)).then((reply) => structuredClone(reply));
    },
  },
}));

let root: string;
let deps: IpcDeps;
let reloads: number;
let opened: string[];
let warnings: string[];
let savedTo: string | null;
let sender: SenderInfo;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ringside-ipc-'));
  reloads = 0;
  opened = [];
  warnings = [];
  savedTo = null;
  sender = { webContentsId: OUR_WINDOW, frameUrl: pageUrl };
  const settings = await SettingsStore.open({ dir: root, cipher: new TestKeyring() });
  const cache = await RecordingCache.open({ dir: path.join(root, 'recording-cache'), maxBytes: 10_000 });
  deps = {
    settings,
    cache,
    checkServer: async (url) => ({ reachable: false, reason: `not probed in this test: ${url}` }),
    openExternal: async (url) => {
      if (!isAllowedExternalUrl(url, { serverUrl: settings.serverUrl })) return false;
      opened.push(url);
      return true;
    },
    exportClip: (request) =>
      exportClip(request, {
        defaultFolder: path.join(root, 'Downloads'),
        rememberFolder: (folder) => settings.setLastExportFolder(folder),
        showSaveDialog: async (options) =>
          savedTo === null ? { canceled: true } : { canceled: false, filePath: savedTo ?? options.defaultPath },
      }),
    onServerOriginChanged: () => {
      reloads += 1;
    },
    log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
  };
  const handlers = createIpcHandlers(deps);
  const ctx = {
    isTrusted: (s: SenderInfo) => isTrustedSender(s, { webContentsIds: new Set([OUR_WINDOW]), rendererDir }),
    log: deps.log,
  };
  bridge.invoke = (channel, args) => dispatchIpc(handlers, channel, args, sender, ctx);
});

afterEach(async () => {
  bridge.invoke = null;
  await rm(root, { recursive: true, force: true });
});

async function loadPreload(): Promise<RingsideDesktopApi> {
  vi.resetModules();
  bridge.exposed.clear();
  await import('../../electron/preload/index');
  return bridge.exposed.get('ringside') as RingsideDesktopApi;
}

describe('preload API through IPC', () => {
  it('exposes exactly one object, window.ringside, with the typed functions', async () => {
    const api = await loadPreload();
    expect([...bridge.exposed.keys()]).toEqual(['ringside']);
    expect(Object.keys(api).sort()).toEqual(
      [
        'checkServer',
        'clearToken',
        'exportClip',
        'getSettings',
        'getToken',
        'openExternal',
        'platform',
        'recordingCache',
        'setServerUrl',
        'setToken',
      ].sort(),
    );
    expect(api.platform.os).toBe(process.platform);
  });

  it('saves the server, asks for a reload only when its origin changes, and stores the token for it', async () => {
    const api = await loadPreload();
    expect(await api.getSettings()).toMatchObject({ serverUrl: null, serverUrlSource: 'none' });
    expect(await api.setServerUrl('http://localhost:8787/')).toMatchObject({ serverUrl: 'http://localhost:8787' });
    expect(reloads).toBe(1);
    await api.setServerUrl('http://localhost:8787');
    expect(reloads).toBe(1);
    expect(await api.setToken('token-abc')).toEqual({ stored: true });
    expect(await api.getToken()).toBe('token-abc');
    await api.clearToken();
    expect(await api.getToken()).toBeNull();
  });

  it('rejects an invalid server address with INVALID_INPUT and keeps the old one', async () => {
    const api = await loadPreload();
    await api.setServerUrl('http://localhost:8787');
    await expect(api.setServerUrl('javascript:alert(1)')).rejects.toThrow(
      /^INVALID_INPUT: serverUrl must start with http/,
    );
    await expect(api.setServerUrl(42 as unknown as string)).rejects.toThrow(/^INVALID_INPUT: 0: /);
    expect((await api.getSettings()).serverUrl).toBe('http://localhost:8787');
  });

  it('caches a recording from an ArrayBuffer and plays it back as the same bytes', async () => {
    const api = await loadPreload();
    const bytes = new Uint8Array(2048).map((_, i) => i % 251);
    const put = await api.recordingCache.put('CA11112222333344445555666677778888', {
      data: bytes.buffer,
      contentType: 'audio/mpeg',
    });
    expect(put).toMatchObject({ stored: true, info: { bytes: 2048 } });
    const got = await api.recordingCache.get('CA11112222333344445555666677778888');
    expect(got?.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(got!.data).equals(Buffer.from(bytes))).toBe(true);
    expect(await api.recordingCache.usage()).toEqual({ entries: 1, bytes: 2048, maxBytes: 10_000 });
    expect(await api.recordingCache.remove('CA11112222333344445555666677778888')).toBe(true);
    expect(await api.recordingCache.list()).toEqual([]);
  });

  it('sends only the bytes a view covers, not its whole buffer', async () => {
    const api = await loadPreload();
    const big = new Uint8Array(8000).fill(1);
    const view = big.subarray(100, 400);
    await api.recordingCache.put('call-view', { data: view, contentType: 'audio/wav' });
    expect((await api.recordingCache.usage()).bytes).toBe(300);
  });

  it('refuses a path-like call id before it reaches the disk', async () => {
    const api = await loadPreload();
    await expect(
      api.recordingCache.put('../../settings', { data: new Uint8Array(4), contentType: 'audio/mpeg' }),
    ).rejects.toThrow(/^INVALID_INPUT: 0: must be 1–128 letters/);
    await expect(api.recordingCache.get('..')).rejects.toThrow(/^INVALID_INPUT/);
  });

  it('caches peaks as JSON but refuses other types and extra fields', async () => {
    const api = await loadPreload();
    const peaks = new TextEncoder().encode('{"channels":[]}');
    expect(
      await api.recordingCache.put('call-1__peaks', { data: peaks, contentType: 'application/json' }),
    ).toMatchObject({
      stored: true,
    });
    await expect(api.recordingCache.put('call-1', { data: peaks, contentType: 'text/html' })).rejects.toThrow(
      /^INVALID_INPUT: 1\.contentType: must be audio\/\* or application\/json/,
    );
    await expect(api.exportClip({ fileName: 'x', data: new Uint8Array(4), contentType: 'text/html' })).rejects.toThrow(
      /^INVALID_INPUT: 0\.contentType: must be an audio/,
    );
    await expect(
      bridge.invoke!(IPC_CHANNELS.cachePut, [
        'call-1',
        { data: new Uint8Array(4), contentType: 'audio/mpeg', path: '/etc' },
      ]),
    ).resolves.toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('exports a clip where the person chose, with a safe name, and remembers the folder', async () => {
    const api = await loadPreload();
    savedTo = path.join(root, 'Clips', 'chosen.mp3');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(root, 'Clips')));
    const result = await api.exportClip({
      fileName: 'Call 12: great close',
      data: new Uint8Array([1, 2, 3]),
      contentType: 'audio/mpeg',
    });
    expect(result).toEqual({ saved: true, path: savedTo });
    expect([...(await readFile(savedTo))]).toEqual([1, 2, 3]);
    expect((await api.getSettings()).lastExportFolder).toBe(path.join(root, 'Clips'));
  });

  it('reports a cancelled export as data, not an error', async () => {
    const api = await loadPreload();
    savedTo = null;
    expect(await api.exportClip({ fileName: 'clip', data: new Uint8Array([1]), contentType: 'audio/mpeg' })).toEqual({
      saved: false,
      reason: 'CANCELLED',
    });
  });

  it('opens allow-listed links and refuses the rest', async () => {
    const api = await loadPreload();
    expect(await api.openExternal('https://console.twilio.com/')).toEqual({ opened: true });
    expect(await api.openExternal('https://evil.example/')).toEqual({ opened: false, reason: 'NOT_ALLOWED' });
    expect(await api.openExternal('file:///etc/passwd')).toEqual({ opened: false, reason: 'NOT_ALLOWED' });
    expect(opened).toEqual(['https://console.twilio.com/']);
  });

  it('refuses every call from a frame that is not our page', async () => {
    const api = await loadPreload();
    sender = { webContentsId: OUR_WINDOW, frameUrl: 'https://evil.example/' };
    await expect(api.getToken()).rejects.toThrow(/^UNTRUSTED_SENDER/);
    sender = { webContentsId: 99, frameUrl: pageUrl };
    await expect(api.setServerUrl('https://evil.example')).rejects.toThrow(/^UNTRUSTED_SENDER/);
    sender = { webContentsId: OUR_WINDOW, frameUrl: null };
    await expect(api.recordingCache.list()).rejects.toThrow(/^UNTRUSTED_SENDER/);
    expect(warnings.filter((w) => w.includes('untrusted'))).toHaveLength(3);
  });

  it('reports an unexpected failure as INTERNAL and logs it', async () => {
    const api = await loadPreload();
    await rm(root, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.writeFile(root, 'a file where the profile folder was'));
    await expect(api.setServerUrl('http://localhost:8787')).rejects.toThrow(/^INTERNAL: /);
    expect(warnings).toContain(`IPC ${IPC_CHANNELS.setServerUrl} failed`);
    await rm(root, { force: true });
  });
});

describe('handler registration', () => {
  it('registers one handler per channel, each with an argument schema', () => {
    const registered: string[] = [];
    registerIpcHandlers({ handle: (channel: string) => void registered.push(channel) }, createIpcHandlers(deps), {
      isTrusted: () => true,
      log: deps.log,
    });
    expect(registered.sort()).toEqual(Object.values(IPC_CHANNELS).sort());
    expect(Object.keys(IPC_ARGUMENTS).sort()).toEqual(Object.values(IPC_CHANNELS).sort());
  });

  it('refuses an unknown channel', async () => {
    const reply = (await dispatchIpc(createIpcHandlers(deps), 'ringside:shell:exec', [], sender, {
      isTrusted: () => true,
      log: deps.log,
    })) as IpcEnvelope<unknown>;
    expect(reply).toEqual({ ok: false, code: 'INVALID_INPUT', message: 'unknown channel ringside:shell:exec' });
  });
});
