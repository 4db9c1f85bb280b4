import { contextBridge, ipcRenderer } from 'electron';
import {
  APP_VERSION_ARG,
  IPC_CHANNELS,
  type DesktopOs,
  type IpcChannel,
  type IpcEnvelope,
  type RingsideDesktopApi,
} from './api';

/**
 * The preload runs sandboxed (no Node, only a few Electron modules), so it stays tiny: it forwards each
 * named function to its own IPC channel and unwraps the main process's envelope. It never exposes
 * ipcRenderer or a generic "send" to the page.
 */

async function invoke<T>(channel: IpcChannel, ...args: unknown[]): Promise<T> {
  const envelope = (await ipcRenderer.invoke(channel, ...args)) as IpcEnvelope<T>;
  if (envelope.ok) return envelope.value;
  throw new Error(`${envelope.code}: ${envelope.message}`);
}

/**
 * IPC copies a typed array's whole underlying buffer; a view into a larger buffer (a decoded slice) would
 * send far more than the clip, so send exactly the bytes the view covers.
 */
function exactBytes(data: ArrayBuffer | Uint8Array): ArrayBuffer | Uint8Array {
  if (data instanceof Uint8Array && (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength)) {
    return data.slice();
  }
  return data;
}

const appVersionArg = process.argv.find((arg) => arg.startsWith(APP_VERSION_ARG));

const api = {
  platform: {
    os: process.platform as DesktopOs,
    arch: process.arch,
    appVersion: appVersionArg ? appVersionArg.slice(APP_VERSION_ARG.length) : 'unknown',
    electronVersion: process.versions.electron ?? 'unknown',
    chromeVersion: process.versions.chrome ?? 'unknown',
  },
  getSettings: () => invoke(IPC_CHANNELS.getSettings),
  setServerUrl: (url) => invoke(IPC_CHANNELS.setServerUrl, url),
  checkServer: (url) => invoke(IPC_CHANNELS.checkServer, url),
  getToken: () => invoke(IPC_CHANNELS.getToken),
  setToken: (token) => invoke(IPC_CHANNELS.setToken, token),
  clearToken: () => invoke(IPC_CHANNELS.clearToken),
  recordingCache: {
    put: (callId, recording) =>
      invoke(IPC_CHANNELS.cachePut, callId, { data: exactBytes(recording.data), contentType: recording.contentType }),
    get: (callId) => invoke(IPC_CHANNELS.cacheGet, callId),
    remove: (callId) => invoke(IPC_CHANNELS.cacheRemove, callId),
    list: () => invoke(IPC_CHANNELS.cacheList),
    usage: () => invoke(IPC_CHANNELS.cacheUsage),
  },
  exportClip: (request) =>
    invoke(IPC_CHANNELS.exportClip, {
      fileName: request.fileName,
      data: exactBytes(request.data),
      contentType: request.contentType,
    }),
  openExternal: (url) => invoke(IPC_CHANNELS.openExternal, url),
} satisfies RingsideDesktopApi;

contextBridge.exposeInMainWorld('ringside', api);
