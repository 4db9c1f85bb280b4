import type { IpcMain } from 'electron';
import { z } from 'zod';
import {
  IPC_CHANNELS,
  type ClipExportResult,
  type DesktopErrorCode,
  type IpcChannel,
  type IpcEnvelope,
  type ServerCheck,
} from '../preload/api';
import {
  CACHE_CONTENT_TYPE_PATTERN,
  CALL_ID_PATTERN,
  CALL_ID_RULE,
  RecordingCacheError,
  type RecordingCache,
} from './recording-cache';
import type { SenderInfo } from './security';
import { ServerUrlError, type SettingsStore } from './settings';

/**
 * The main side of the preload API. Each channel has a handler that validates its arguments with zod
 * (the renderer is treated as untrusted input: it shows data from the network) and is only run for a
 * trusted sender. Handlers are plain functions over injected dependencies, so tests drive them directly.
 */

export interface IpcDeps {
  settings: SettingsStore;
  cache: RecordingCache;
  exportClip(request: { fileName: string; data: Uint8Array; contentType: string }): Promise<ClipExportResult>;
  /** Opens a URL in the system browser when the security policy allows it; false when refused. */
  openExternal(url: string): Promise<boolean>;
  checkServer(url: string): Promise<ServerCheck>;
  /** Called after a server address with a different origin was saved (the page must reload under a new CSP). */
  onServerOriginChanged(): void;
  log: { warn(message: string, detail?: unknown): void; error(message: string, detail?: unknown): void };
}

/** Thrown for input the handler refuses; becomes an INVALID_INPUT envelope. */
export class IpcInputError extends Error {}

const MiB = 1024 * 1024;
const bytes = (max: number) =>
  z
    .union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)])
    .transform((value) => (value instanceof Uint8Array ? value : new Uint8Array(value)))
    .refine((value) => value.byteLength <= max, `must be at most ${max / MiB} MiB`);

const url = z.string().min(1).max(2048);
const callId = z.string().regex(CALL_ID_PATTERN, `must be ${CALL_ID_RULE}`);
const cacheType = z.string().regex(CACHE_CONTENT_TYPE_PATTERN, 'must be audio/* or application/json');
const audioType = z.string().regex(/^audio\/[a-z0-9][a-z0-9.+-]{0,63}$/i, 'must be an audio/* type');

export const IPC_ARGUMENTS = {
  [IPC_CHANNELS.getSettings]: z.tuple([]),
  [IPC_CHANNELS.setServerUrl]: z.tuple([url]),
  [IPC_CHANNELS.checkServer]: z.tuple([url]),
  [IPC_CHANNELS.getToken]: z.tuple([]),
  [IPC_CHANNELS.setToken]: z.tuple([
    z
      .string()
      .min(1)
      .max(64 * 1024),
  ]),
  [IPC_CHANNELS.clearToken]: z.tuple([]),
  [IPC_CHANNELS.cachePut]: z.tuple([callId, z.object({ data: bytes(1024 * MiB), contentType: cacheType }).strict()]),
  [IPC_CHANNELS.cacheGet]: z.tuple([callId]),
  [IPC_CHANNELS.cacheRemove]: z.tuple([callId]),
  [IPC_CHANNELS.cacheList]: z.tuple([]),
  [IPC_CHANNELS.cacheUsage]: z.tuple([]),
  [IPC_CHANNELS.exportClip]: z.tuple([
    z.object({ fileName: z.string().min(1).max(255), data: bytes(200 * MiB), contentType: audioType }).strict(),
  ]),
  [IPC_CHANNELS.openExternal]: z.tuple([url]),
} satisfies Record<IpcChannel, z.ZodType>;

type Args<C extends IpcChannel> = z.output<(typeof IPC_ARGUMENTS)[C]>;
type Handlers = { [C in IpcChannel]: (args: Args<C>) => Promise<unknown> };

export function createIpcHandlers(deps: IpcDeps): Handlers {
  return {
    [IPC_CHANNELS.getSettings]: async () => deps.settings.getSettings(),
    [IPC_CHANNELS.setServerUrl]: async ([serverUrl]) => {
      const { settings, originChanged } = await deps.settings.setServerUrl(serverUrl);
      if (originChanged) deps.onServerOriginChanged();
      return settings;
    },
    [IPC_CHANNELS.checkServer]: ([serverUrl]) => deps.checkServer(serverUrl),
    [IPC_CHANNELS.getToken]: () => deps.settings.getToken(),
    [IPC_CHANNELS.setToken]: async ([token]) => {
      const result = await deps.settings.setToken(token);
      if (!result.stored) deps.log.warn(`session token not stored: ${result.message}`);
      return result;
    },
    [IPC_CHANNELS.clearToken]: () => deps.settings.clearToken(),
    [IPC_CHANNELS.cachePut]: ([id, recording]) => deps.cache.put(id, recording.data, recording.contentType),
    [IPC_CHANNELS.cacheGet]: ([id]) => deps.cache.get(id),
    [IPC_CHANNELS.cacheRemove]: ([id]) => deps.cache.remove(id),
    [IPC_CHANNELS.cacheList]: () => deps.cache.list(),
    [IPC_CHANNELS.cacheUsage]: () => deps.cache.usage(),
    [IPC_CHANNELS.exportClip]: ([request]) => deps.exportClip(request),
    [IPC_CHANNELS.openExternal]: async ([link]) => {
      if (await deps.openExternal(link)) return { opened: true };
      deps.log.warn('refused to open a link that is not on the allow-list', { url: link });
      return { opened: false, reason: 'NOT_ALLOWED' };
    },
  };
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

function failure(code: DesktopErrorCode, message: string): IpcEnvelope<never> {
  return { ok: false, code, message };
}

/** Whether a channel name from the renderer is one the main process answers (its own key of IPC_ARGUMENTS). */
function isIpcChannel(channel: string): channel is IpcChannel {
  return Object.hasOwn(IPC_ARGUMENTS, channel);
}

/**
 * Runs one IPC call: sender check, argument validation, handler, and the envelope back to the preload.
 * Unexpected errors are logged with their detail and reported as INTERNAL.
 */
export async function dispatchIpc(
  handlers: Handlers,
  channel: string,
  rawArgs: unknown[],
  sender: SenderInfo,
  ctx: { isTrusted(sender: SenderInfo): boolean; log: IpcDeps['log'] },
): Promise<IpcEnvelope<unknown>> {
  if (!isIpcChannel(channel)) return failure('INVALID_INPUT', `unknown channel ${channel}`);
  if (!ctx.isTrusted(sender)) {
    ctx.log.warn('refused an IPC call from an untrusted frame', { channel, frameUrl: sender.frameUrl });
    return failure('UNTRUSTED_SENDER', 'this frame may not use the desktop API');
  }
  const parsed = IPC_ARGUMENTS[channel].safeParse(rawArgs);
  if (!parsed.success) return failure('INVALID_INPUT', describeZodError(parsed.error));
  try {
    // TypeScript cannot pair handlers[C] with IPC_ARGUMENTS[C] for a union C; the args were parsed by this channel's schema.
    const handler = handlers[channel] as (args: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    if (err instanceof ServerUrlError) return failure('INVALID_INPUT', `serverUrl ${err.message}`);
    if (err instanceof RecordingCacheError || err instanceof IpcInputError)
      return failure('INVALID_INPUT', err.message);
    ctx.log.error(`IPC ${channel} failed`, err);
    return failure('INTERNAL', err instanceof Error ? err.message : String(err));
  }
}

/** Wires the handlers to Electron's ipcMain; the only part of IPC that needs a running Electron. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: Handlers,
  ctx: { isTrusted(sender: SenderInfo): boolean; log: IpcDeps['log'] },
): void {
  for (const channel of Object.values(IPC_CHANNELS)) {
    ipcMain.handle(channel, (event, ...args: unknown[]) =>
      dispatchIpc(
        handlers,
        channel,
        args,
        { webContentsId: event.sender.id, frameUrl: event.senderFrame?.url ?? null },
        ctx,
      ),
    );
  }
}
