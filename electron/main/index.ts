import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  type WebContents,
} from 'electron';
import { APP_VERSION_ARG } from '../preload/api';
import { exportClip } from './clip-export';
import { createIpcHandlers, registerIpcHandlers } from './ipc';
import { buildMenuTemplate } from './menu';
import { RecordingCache } from './recording-cache';
import { createRendererFileHandler } from './renderer-files';
import {
  buildContentSecurityPolicy,
  isAllowedExternalUrl,
  isTrustedSender,
  shouldAllowNavigation,
  shouldGrantPermission,
} from './security';
import { checkServer } from './server-check';
import { normaliseServerUrl, ServerUrlError, SettingsStore, type SecretCipher } from './settings';
import { readSavedWindowState, restoreWindowState, saveWindowState, MIN_WINDOW_SIZE } from './window-state';

/**
 * Desktop entry point: wires Electron to the plain modules next to it (security policy, settings, cache,
 * IPC), which hold the logic and are unit-tested without a window. This file only does what needs a
 * running Electron.
 */

const log = {
  info: (message: string, detail?: unknown) => console.log(`[ringside] ${message}`, detail ?? ''),
  warn: (message: string, detail?: unknown) => console.warn(`[ringside] ${message}`, detail ?? ''),
  error: (message: string, detail?: unknown) => console.error(`[ringside] ${message}`, detail ?? ''),
};

const rendererDir = path.join(import.meta.dirname, '../renderer');
const rendererIndex = path.join(rendererDir, 'index.html');
const rendererIndexUrl = pathToFileURL(rendererIndex).href;
const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');

// One profile folder named after the product in development and packaged builds alike; the lock below is
// per profile, so it must be set first. RINGSIDE_USER_DATA_DIR runs a second, separate profile.
app.setName('Ringside');
app.setPath(
  'userData',
  process.env.RINGSIDE_USER_DATA_DIR
    ? path.resolve(process.env.RINGSIDE_USER_DATA_DIR)
    : path.join(app.getPath('appData'), 'Ringside'),
);
app.enableSandbox();

let environmentServerUrl: string | null = null;
if (process.env.RINGSIDE_SERVER_URL) {
  try {
    environmentServerUrl = normaliseServerUrl(process.env.RINGSIDE_SERVER_URL);
  } catch (err) {
    const reason = err instanceof ServerUrlError ? err.message : String(err);
    console.error(`RINGSIDE_SERVER_URL ${reason} (got "${process.env.RINGSIDE_SERVER_URL}").`);
    app.exit(2);
  }
}

/** safeStorage as the settings store expects it. Linux's "basic_text" backend only obfuscates: not a keyring. */
const keyringCipher: SecretCipher = {
  availability() {
    if (!safeStorage.isEncryptionAvailable()) {
      return { available: false, reason: 'the operating system keyring is not available.' };
    }
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return { available: false, reason: 'no keyring (GNOME Keyring or KWallet) was found on this desktop.' };
    }
    return { available: true };
  },
  encrypt: (plainText) => safeStorage.encryptString(plainText),
  decrypt: (encrypted) => safeStorage.decryptString(Buffer.from(encrypted)),
};

const trustedWebContentsIds = new Set<number>();
let mainWindow: BrowserWindow | null = null;
let settings: SettingsStore;
let cache: RecordingCache;
let pendingWindowStateSave: Promise<void> = Promise.resolve();
let started = false;

const windowStateFile = () => path.join(app.getPath('userData'), 'window-state.json');

function currentPolicy() {
  const serverUrl = settings.serverUrl;
  return {
    header: buildContentSecurityPolicy({ serverUrl, forHeader: true }),
    meta: buildContentSecurityPolicy({ serverUrl, forHeader: false }),
  };
}

async function openExternalIfAllowed(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url, { serverUrl: settings.serverUrl })) return false;
  await shell.openExternal(url);
  return true;
}

/** Applied to every webContents the app creates, so no path opens a window or leaves the app. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalIfAllowed(url).then((opened) => {
      if (!opened) log.warn('refused to open a new window', { url });
    });
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (shouldAllowNavigation(url, rendererIndexUrl)) return;
    event.preventDefault();
    void openExternalIfAllowed(url).then((opened) => {
      if (!opened) log.warn('refused a navigation away from the app', { url });
    });
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !shouldAllowNavigation(event.url, rendererIndexUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!shouldAllowNavigation(url, rendererIndexUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function buildMenu(): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    appName: app.getName(),
    isPackaged: app.isPackaged,
    hasServer: settings.serverUrl !== null,
    actions: {
      openServerInBrowser: () => {
        // The person asked for it from the menu: the configured server may be plain http on the LAN.
        if (settings.serverUrl) void shell.openExternal(settings.serverUrl);
      },
      showRecordingCache: () => void shell.openPath(path.join(app.getPath('userData'), 'recording-cache')),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function rememberWindowState(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  const bounds = win.getNormalBounds();
  const maximized = win.isMaximized();
  pendingWindowStateSave = pendingWindowStateSave
    .then(() => saveWindowState(windowStateFile(), bounds, maximized))
    .catch((err: unknown) => log.warn('could not save the window position', err));
}

async function createMainWindow(): Promise<BrowserWindow> {
  const state = restoreWindowState(
    await readSavedWindowState(windowStateFile()),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Ringside',
    backgroundColor: '#10151c',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      devTools: !app.isPackaged,
      additionalArguments: [`${APP_VERSION_ARG}${app.getVersion()}`],
    },
  });
  trustedWebContentsIds.add(win.webContents.id);
  const webContentsId = win.webContents.id;
  win.on('closed', () => {
    trustedWebContentsIds.delete(webContentsId);
    if (mainWindow === win) mainWindow = null;
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let saveTimer: NodeJS.Timeout | undefined;
  const saveSoon = () => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => rememberWindowState(win), 500);
  };
  win.on('resize', saveSoon);
  win.on('move', saveSoon);
  win.on('maximize', saveSoon);
  win.on('unmaximize', saveSoon);
  win.on('close', () => {
    clearTimeout(saveTimer);
    rememberWindowState(win);
  });

  win.webContents.on('did-fail-load', (_event, code, description, url) => {
    log.error('the app page failed to load', { code, description, url });
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    log.error('the app page crashed', details);
  });
  await win.loadFile(rendererIndex);
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  settings = await SettingsStore.open({
    dir: userData,
    cipher: keyringCipher,
    environmentServerUrl,
    onWarning: (message, detail) => log.warn(message, detail),
  });
  cache = await RecordingCache.open({
    dir: path.join(userData, 'recording-cache'),
    onWarning: (message, detail) => log.warn(message, detail),
  });
  if (!settings.getSettings().tokenStorage.available) {
    log.warn('sign-ins will not be remembered: no keyring to encrypt the session token with');
  }

  if (!existsSync(rendererIndex)) {
    dialog.showErrorBox(
      'Ringside',
      `The app is incomplete: ${rendererIndex} is missing. Build it with "npm run build".`,
    );
    app.exit(1);
    return;
  }

  protocol.handle('file', createRendererFileHandler({ rendererDir, contentSecurityPolicy: currentPolicy }));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = shouldGrantPermission(permission, details.requestingUrl, rendererDir);
    if (!granted) log.warn('denied a permission request', { permission, url: details.requestingUrl });
    callback(granted);
  });
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    shouldGrantPermission(permission, details.requestingUrl ?? '', rendererDir),
  );
  ses.setDevicePermissionHandler(() => false);
  if (process.platform !== 'darwin') ses.setSpellCheckerLanguages(['en-GB']);

  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  const handlers = createIpcHandlers({
    settings,
    cache,
    checkServer: (url) => checkServer(url),
    openExternal: openExternalIfAllowed,
    exportClip: (request) =>
      exportClip(request, {
        defaultFolder: settings.getSettings().lastExportFolder ?? app.getPath('downloads'),
        rememberFolder: (folder) => settings.setLastExportFolder(folder),
        showSaveDialog: (options) =>
          mainWindow ? dialog.showSaveDialog(mainWindow, options) : dialog.showSaveDialog(options),
      }),
    onServerOriginChanged: () => {
      buildMenu();
      // After the IPC reply: the page reloads so its CSP names the new server.
      setImmediate(() => mainWindow?.webContents.reload());
    },
    log,
  });
  registerIpcHandlers(ipcMain, handlers, {
    isTrusted: (sender) => isTrustedSender(sender, { webContentsIds: trustedWebContentsIds, rendererDir }),
    log,
  });

  buildMenu();
  mainWindow = await createMainWindow();
  started = true;
  log.info(`started; server ${settings.serverUrl ?? '(not set yet)'}`);
}

if (!app.requestSingleInstanceLock()) {
  // Another Ringside window is already open on this profile; it is brought to the front instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform === 'darwin') return;
    void pendingWindowStateSave.finally(() => app.quit());
  });
  app.on('activate', () => {
    if (started && BrowserWindow.getAllWindows().length === 0) {
      void createMainWindow().then((win) => {
        mainWindow = win;
      });
    }
  });
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason));
  start().catch((err: unknown) => {
    log.error('could not start', err);
    dialog.showErrorBox('Ringside could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
