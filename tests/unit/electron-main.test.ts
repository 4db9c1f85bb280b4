import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'electron-vite';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, type IpcEnvelope } from '../../electron/preload/api';

/**
 * The built main process (electron-vite's real output, built here into a private folder) started against
 * a stand-in for the `electron` module, because the Electron binary cannot run on this machine. It checks
 * the wiring the unit tests of the plain modules cannot see: the window's webPreferences, the file
 * protocol, the IPC registration, the navigation and permission hooks, the single-instance lock, and the
 * window state written on quit.
 */

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const state = {
    appData: '',
    gotLock: true,
    backend: 'gnome_libsecret' as string,
    encryptionAvailable: true,
    appListeners: new Map<string, Listener[]>(),
    paths: new Map<string, string>(),
    quitCalls: 0,
    exitCodes: [] as number[],
    errorBoxes: [] as string[],
    windows: [] as FakeWindow[],
    ipc: new Map<string, Listener>(),
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    opened: [] as string[],
    menuTemplate: null as unknown,
    sandboxEnabled: false,
  };
  class FakeWebContents {
    static nextId = 1;
    id = FakeWebContents.nextId++;
    listeners = new Map<string, Listener[]>();
    windowOpenHandler: Listener | null = null;
    reloads = 0;
    on(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args);
    }
    setWindowOpenHandler(fn: Listener) {
      this.windowOpenHandler = fn;
    }
    reload() {
      this.reloads += 1;
    }
  }
  class FakeWindow {
    options: Record<string, unknown>;
    webContents = new FakeWebContents();
    listeners = new Map<string, Listener[]>();
    loaded: string | null = null;
    maximized = false;
    destroyed = false;
    constructor(options: Record<string, unknown>) {
      this.options = options;
      state.windows.push(this);
      for (const fn of state.appListeners.get('web-contents-created') ?? []) fn({}, this.webContents);
    }
    static getAllWindows() {
      return state.windows.filter((w) => !w.destroyed);
    }
    on(event: string, fn: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
      return this;
    }
    once(event: string, fn: Listener) {
      return this.on(event, fn);
    }
    emit(event: string, ...args: unknown[]) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args);
    }
    async loadFile(file: string) {
      this.loaded = file;
    }
    maximize() {
      this.maximized = true;
    }
    isMaximized() {
      return this.maximized;
    }
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return this.destroyed;
    }
    getNormalBounds() {
      return { x: 40, y: 30, width: (this.options.width as number) + 20, height: this.options.height as number };
    }
    show() {}
    focus() {}
    restore() {}
  }
  const electron = {
    app: {
      isPackaged: false,
      setName: () => undefined,
      getName: () => 'Ringside',
      getVersion: () => '0.1.0',
      setPath: (name: string, value: string) => state.paths.set(name, value),
      getPath: (name: string) =>
        state.paths.get(name) ?? (name === 'appData' ? state.appData : path.join(state.appData, name)),
      enableSandbox: () => {
        state.sandboxEnabled = true;
      },
      requestSingleInstanceLock: () => state.gotLock,
      on: (event: string, fn: Listener) => {
        state.appListeners.set(event, [...(state.appListeners.get(event) ?? []), fn]);
      },
      whenReady: () => Promise.resolve(),
      isReady: () => true,
      quit: () => {
        state.quitCalls += 1;
      },
      exit: (code: number) => {
        state.exitCodes.push(code);
      },
    },
    BrowserWindow: FakeWindow,
    dialog: {
      showErrorBox: (title: string, content: string) => state.errorBoxes.push(`${title}: ${content}`),
      showSaveDialog: async () => ({ canceled: true }),
    },
    ipcMain: { handle: (channel: string, fn: Listener) => state.ipc.set(channel, fn) },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => {
        state.menuTemplate = menu;
      },
    },
    protocol: {
      handle: (scheme: string, fn: (request: Request) => Promise<Response>) => state.protocolHandlers.set(scheme, fn),
    },
    safeStorage: {
      isEncryptionAvailable: () => state.encryptionAvailable,
      getSelectedStorageBackend: () => state.backend,
      // Reversible and visibly not plain text; the real keyring is Electron's business.
      encryptString: (text: string) => Buffer.from(text, 'utf8').map((b) => b ^ 0x5a),
      decryptString: (data: Buffer) => Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8'),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Listener) => {
          state.permissionRequest = fn;
        },
        setPermissionCheckHandler: (fn: Listener) => {
          state.permissionCheck = fn;
        },
        setDevicePermissionHandler: () => undefined,
        setSpellCheckerLanguages: () => undefined,
      },
    },
    shell: {
      openExternal: async (url: string) => void state.opened.push(url),
      openPath: async () => '',
    },
  };
  return { state, electron, FakeWindow };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const outDir = path.resolve('.tmp', `electron-main-test-${process.pid}`);
let mainEntry: string;

/** Waits (expect.poll) until the fake Electron shows `condition`; 10 s is a bound, not a timing claim. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  await expect.poll(condition, { timeout: 10_000, interval: 5, message: `waiting for ${what}` }).toBe(true);
}

let logged: string[] = [];

/** Imports the built main process and waits until it has started, or given up (lock held, bad config). */
async function startMain(): Promise<void> {
  vi.resetModules();
  await import(/* @vite-ignore */ pathToFileURL(mainEntry).href);
  await waitFor(
    () =>
      logged.some((line) => line.includes('started;')) || fake.state.quitCalls > 0 || fake.state.exitCodes.length > 0,
    'the main process to start',
  );
}

function resetFake(appData: string): void {
  const s = fake.state;
  s.appData = appData;
  s.gotLock = true;
  s.backend = 'gnome_libsecret';
  s.encryptionAvailable = true;
  s.appListeners.clear();
  s.paths.clear();
  s.quitCalls = 0;
  s.exitCodes = [];
  s.errorBoxes = [];
  s.windows = [];
  s.ipc.clear();
  s.protocolHandlers.clear();
  s.permissionRequest = null;
  s.permissionCheck = null;
  s.opened = [];
}

const ourEvent = (win: InstanceType<typeof fake.FakeWindow>, frameUrl: string) => ({
  sender: { id: win.webContents.id },
  senderFrame: { url: frameUrl },
});

beforeAll(async () => {
  await mkdir(outDir, { recursive: true });
  // The real build, into a private folder so a concurrent `npm start` keeps its out/.
  await build({ logLevel: 'error', build: { outDir } });
  mainEntry = path.join(outDir, 'main', 'index.js');
}, 120_000);

afterAll(async () => {
  // The main process under test may still be writing its recording cache when the tests end: retry the
  // removal (ENOTEMPTY) instead of failing the suite over its temporary folder.
  await rm(outDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

let appData: string;
beforeEach(async () => {
  appData = await mkdtemp(path.join(outDir, 'appdata-'));
  resetFake(appData);
  process.env.RINGSIDE_SERVER_URL = 'http://localhost:8787/';
  delete process.env.RINGSIDE_USER_DATA_DIR;
  // The main process logs what it refuses; the assertions check behaviour, so keep the output quiet.
  logged = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('desktop main process (built output, stand-in Electron)', () => {
  it('opens one sandboxed, isolated window on the built renderer with the built preload', async () => {
    await startMain();
    await waitFor(() => fake.state.windows[0]?.loaded !== null && fake.state.windows.length > 0, 'the window to load');
    const win = fake.state.windows[0];
    expect(fake.state.sandboxEnabled).toBe(true);
    expect(fake.state.paths.get('userData')).toBe(path.join(appData, 'Ringside'));
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe(path.join(outDir, 'preload', 'index.cjs'));
    await expect(readFile(prefs.preload as string, 'utf8')).resolves.toContain('exposeInMainWorld');
    expect(win.loaded).toBe(path.join(outDir, 'renderer', 'index.html'));
  });

  it('serves the built index.html through the file protocol with the server in its CSP', async () => {
    await startMain();
    await waitFor(() => fake.state.protocolHandlers.has('file'), 'the file protocol');
    const handler = fake.state.protocolHandlers.get('file')!;
    const index = await handler(new Request(pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href));
    const html = await index.text();
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="[^"]*connect-src 'self' blob: http:\/\/localhost:8787/,
    );
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await handler(new Request(pathToFileURL(path.join(outDir, 'renderer', script!)).href));
    expect(asset.status).toBe(200);
    expect((await handler(new Request(pathToFileURL(mainEntry).href))).status).toBe(404);
  });

  it('answers IPC from its window and refuses other senders', async () => {
    await startMain();
    await waitFor(() => fake.state.windows.length > 0 && fake.state.ipc.size > 0, 'IPC');
    expect([...fake.state.ipc.keys()].sort()).toEqual(Object.values(IPC_CHANNELS).sort());
    const win = fake.state.windows[0];
    const page = `${pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href}#/`;
    const getSettings = fake.state.ipc.get(IPC_CHANNELS.getSettings)!;
    expect(await getSettings(ourEvent(win, page))).toEqual({
      ok: true,
      value: {
        serverUrl: 'http://localhost:8787',
        serverUrlSource: 'environment',
        tokenStorage: { available: true },
        lastExportFolder: null,
      },
    } satisfies IpcEnvelope<unknown>);
    const fromElsewhere = (await getSettings({
      sender: { id: 999 },
      senderFrame: { url: page },
    })) as IpcEnvelope<unknown>;
    expect(fromElsewhere).toMatchObject({ ok: false, code: 'UNTRUSTED_SENDER' });

    const setServer = fake.state.ipc.get(IPC_CHANNELS.setServerUrl)!;
    expect(await setServer(ourEvent(win, page), 'https://ringside.example.org')).toMatchObject({ ok: true });
    await waitFor(() => win.webContents.reloads === 1, 'the reload under the new CSP');
  });

  it('refuses to keep the token where Linux offers no keyring', async () => {
    fake.state.backend = 'basic_text';
    await startMain();
    await waitFor(() => fake.state.windows.length > 0 && fake.state.ipc.size > 0, 'IPC');
    const win = fake.state.windows[0];
    const page = pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href;
    const reply = (await fake.state.ipc.get(IPC_CHANNELS.setToken)!(
      ourEvent(win, page),
      'token-1',
    )) as IpcEnvelope<unknown>;
    if (process.platform === 'linux') {
      expect(reply).toMatchObject({ ok: true, value: { stored: false, reason: 'ENCRYPTION_UNAVAILABLE' } });
    } else {
      expect(reply).toMatchObject({ ok: true, value: { stored: true } });
    }
  });

  it('blocks navigation and new windows, opening only allow-listed links outside', async () => {
    await startMain();
    await waitFor(() => fake.state.windows.length > 0, 'the window');
    const contents = fake.state.windows[0].webContents;
    expect(contents.windowOpenHandler!({ url: 'https://console.twilio.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    let prevented = 0;
    const event = { preventDefault: () => void (prevented += 1) };
    contents.emit('will-navigate', event, 'https://evil.example/phish');
    contents.emit('will-navigate', event, pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href);
    let attachPrevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (attachPrevented = true) });
    await waitFor(() => fake.state.opened.length === 1, 'the allowed link');
    expect(fake.state.opened).toEqual(['https://console.twilio.com/']);
    expect(prevented).toBe(1);
    expect(attachPrevented).toBe(true);
  });

  it('denies permission requests such as the microphone', async () => {
    await startMain();
    await waitFor(() => fake.state.permissionRequest !== null, 'the permission handler');
    const answers: boolean[] = [];
    const page = pathToFileURL(path.join(outDir, 'renderer', 'index.html')).href;
    fake.state.permissionRequest!({}, 'media', (granted: boolean) => answers.push(granted), { requestingUrl: page });
    fake.state.permissionRequest!({}, 'geolocation', (granted: boolean) => answers.push(granted), {
      requestingUrl: page,
    });
    expect(answers).toEqual([false, false]);
    expect(fake.state.permissionCheck!({}, 'notifications', 'file:///', { requestingUrl: page })).toBe(false);
  });

  it('remembers the window size and position when the last window closes', async () => {
    await startMain();
    await waitFor(() => fake.state.windows.length > 0 && fake.state.windows[0].loaded !== null, 'the window');
    const win = fake.state.windows[0];
    win.emit('close');
    for (const fn of fake.state.appListeners.get('window-all-closed') ?? []) fn();
    await waitFor(() => fake.state.quitCalls > 0 || process.platform === 'darwin', 'quit');
    const saved = JSON.parse(await readFile(path.join(appData, 'Ringside', 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 40, y: 30, width: 1300, height: 820, maximized: false });
  });

  it('leaves the window to the running instance when the profile is locked', async () => {
    fake.state.gotLock = false;
    await startMain();
    expect(fake.state.quitCalls).toBe(1);
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.ipc.size).toBe(0);
  });

  it('stops with a clear message for an invalid RINGSIDE_SERVER_URL', async () => {
    process.env.RINGSIDE_SERVER_URL = 'localhost:8787';
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await startMain();
      expect(fake.state.exitCodes[0]).toBe(2);
      expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^RINGSIDE_SERVER_URL .*\(got "localhost:8787"\)/));
    } finally {
      errors.mockRestore();
    }
  });
});
