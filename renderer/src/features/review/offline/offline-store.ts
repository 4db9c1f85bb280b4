import { create } from 'zustand';
import { fetchPeaks } from '../player/recording-source';
import type { ReviewApi } from '../types';
import type { RecordingCache } from './recording-cache';

/**
 * "Make available offline": downloads each call's audio and peaks into the recording cache, one call at a
 * time with byte progress, skipping calls already cached. A failed call is reported and the rest continue.
 */
export interface OfflineJob {
  total: number;
  done: number;
  /** Bytes of the call being downloaded, and its size when the server says. */
  currentBytes: number;
  currentTotal: number | null;
  currentCallId: string | null;
  failed: Array<{ callId: string; message: string }>;
  cancelled: boolean;
}

interface OfflineState {
  cachedIds: ReadonlySet<string>;
  usage: { bytes: number; quotaBytes: number | null } | null;
  job: OfflineJob | null;
  /** The last finished job, for its summary (failures). */
  lastJob: OfflineJob | null;
  abort: AbortController | null;
}

export const useOfflineStore = create<OfflineState>(() => ({
  cachedIds: new Set(),
  usage: null,
  job: null,
  lastJob: null,
  abort: null,
}));

export async function refreshOfflineState(cache: RecordingCache): Promise<void> {
  const [list, usage] = await Promise.all([cache.list(), cache.usage()]);
  useOfflineStore.setState({ cachedIds: new Set(list.map((e) => e.callId)), usage });
}

async function downloadAudio(
  url: string,
  signal: AbortSignal,
  onBytes: (bytes: number, total: number | null) => void,
): Promise<Blob> {
  const res = await fetch(url, { signal, credentials: 'omit' });
  if (!res.ok || !res.body) throw new Error(`the recording answered ${res.status}`);
  const total = Number(res.headers.get('content-length')) || null;
  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    onBytes(bytes, total);
  }
  if (total !== null && bytes !== total) throw new Error(`the download stopped after ${bytes} of ${total} bytes`);
  return new Blob(chunks, { type: res.headers.get('content-type') ?? 'audio/mpeg' });
}

export async function makeAvailableOffline(
  callIds: readonly string[],
  deps: { api: ReviewApi; cache: RecordingCache },
): Promise<OfflineJob> {
  useOfflineStore.getState().abort?.abort();
  const abort = new AbortController();
  const already = useOfflineStore.getState().cachedIds;
  const todo = [...new Set(callIds)].filter((id) => !already.has(id));
  const job: OfflineJob = {
    total: todo.length,
    done: 0,
    currentBytes: 0,
    currentTotal: null,
    currentCallId: null,
    failed: [],
    cancelled: false,
  };
  const publish = () => useOfflineStore.setState({ job: { ...job, failed: [...job.failed] } });
  useOfflineStore.setState({ abort });
  publish();
  for (const callId of todo) {
    if (abort.signal.aborted) break;
    job.currentCallId = callId;
    job.currentBytes = 0;
    job.currentTotal = null;
    publish();
    try {
      const urls = await deps.api.mediaUrl(callId, 'offline');
      const peaks = await fetchPeaks(urls.peaksUrl, abort.signal);
      let lastPublish = 0;
      const audio = await downloadAudio(urls.audioUrl, abort.signal, (bytes, total) => {
        job.currentBytes = bytes;
        job.currentTotal = total;
        const now = performance.now();
        if (now - lastPublish > 100) {
          lastPublish = now;
          publish();
        }
      });
      await deps.cache.put(callId, audio, peaks);
      useOfflineStore.setState((s) => ({ cachedIds: new Set([...s.cachedIds, callId]) }));
    } catch (err) {
      if (abort.signal.aborted) break;
      job.failed.push({ callId, message: err instanceof Error ? err.message : String(err) });
    }
    job.done += 1;
    publish();
  }
  job.cancelled = abort.signal.aborted;
  job.currentCallId = null;
  useOfflineStore.setState({ job: null, lastJob: { ...job }, abort: null });
  await refreshOfflineState(deps.cache).catch(() => undefined);
  return job;
}

export function cancelOfflineJob(): void {
  useOfflineStore.getState().abort?.abort();
}

export async function removeOfflineCopies(callIds: readonly string[], cache: RecordingCache): Promise<void> {
  for (const id of callIds) await cache.remove(id);
  await refreshOfflineState(cache);
}

/**
 * Offline copies whose recording the server no longer holds (erased on request, or past retention): the
 * device must not keep what the server removed, so these are deleted as soon as the call's new state syncs.
 * Calls not on this device are left alone (they may simply be outside the working set).
 */
export function staleOfflineCopies(
  cachedIds: ReadonlySet<string>,
  calls: ReadonlyArray<{ id: string; recording: { state: string } }>,
): string[] {
  return calls.filter((c) => cachedIds.has(c.id) && c.recording.state !== 'stored').map((c) => c.id);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
