import type { RingsideDesktopApi } from '../../../../../electron/preload/api';
import { peaksFileProblem, type PeaksFile } from '../../../../../shared/peaks';
import { desktopBridge } from '../../../platform/bridge';

/** A peaks file that passed shared/peaks.ts's checks (what came from disk or the network may be anything). */
export function isPeaksFile(value: unknown): value is PeaksFile {
  return peaksFileProblem(value) === null;
}

/**
 * Where a reviewer's offline copies of recordings live: on disk through the Electron preload API, or in
 * Cache Storage in a browser (ARCHITECTURE.md, "The desktop app"). The workspace only sees this interface.
 */
export interface CachedRecordingInfo {
  callId: string;
  /** Audio plus peaks, in bytes. */
  bytes: number;
  cachedAt: number;
}

export interface CachedRecording {
  audio: Blob;
  peaks: PeaksFile;
}

export interface RecordingCache {
  readonly kind: 'disk' | 'browser';
  put(callId: string, audio: Blob, peaks: PeaksFile): Promise<void>;
  get(callId: string): Promise<CachedRecording | null>;
  remove(callId: string): Promise<void>;
  list(): Promise<CachedRecordingInfo[]>;
  /** Bytes used by cached recordings, and what the device allows (null when unknown). */
  usage(): Promise<{ bytes: number; quotaBytes: number | null }>;
}

const CACHE_NAME = 'ringside-recordings-v1';
// Cache Storage keys must be http(s) URLs; this host is reserved (RFC 2606) so nothing is ever fetched from it.
const KEY_BASE = 'https://recordings.ringside.invalid/';
const keyFor = (callId: string, part: 'audio' | 'peaks') => `${KEY_BASE}${encodeURIComponent(callId)}/${part}`;

/** Browser implementation over Cache Storage. */
export function createBrowserRecordingCache(storage: CacheStorage = caches): RecordingCache {
  const open = () => storage.open(CACHE_NAME);
  let persistAsked = false;
  return {
    kind: 'browser',
    async put(callId, audio, peaks) {
      if (!persistAsked && typeof navigator !== 'undefined' && navigator.storage?.persist) {
        persistAsked = true;
        // Ask once that offline recordings are not evicted under storage pressure; the answer is advisory.
        await navigator.storage.persist().catch(() => false);
      }
      const cache = await open();
      const cachedAt = String(Date.now());
      const peaksBody = JSON.stringify(peaks);
      // Peaks first and audio last: `get` treats a missing audio entry as "not cached", so a put interrupted
      // half-way never leaves a playable but incomplete entry.
      await cache.put(
        keyFor(callId, 'peaks'),
        new Response(peaksBody, {
          headers: { 'content-type': 'application/json', 'x-bytes': String(peaksBody.length), 'x-cached-at': cachedAt },
        }),
      );
      await cache.put(
        keyFor(callId, 'audio'),
        new Response(audio, {
          headers: {
            'content-type': audio.type || 'audio/mpeg',
            'x-bytes': String(audio.size),
            'x-cached-at': cachedAt,
          },
        }),
      );
    },
    async get(callId) {
      const cache = await open();
      const [audioRes, peaksRes] = await Promise.all([
        cache.match(keyFor(callId, 'audio')),
        cache.match(keyFor(callId, 'peaks')),
      ]);
      if (!audioRes || !peaksRes) return null;
      const peaks: unknown = await peaksRes.json();
      if (!isPeaksFile(peaks)) return null;
      return { audio: await audioRes.blob(), peaks };
    },
    async remove(callId) {
      const cache = await open();
      await Promise.all([cache.delete(keyFor(callId, 'audio')), cache.delete(keyFor(callId, 'peaks'))]);
    },
    async list() {
      const cache = await open();
      const byCall = new Map<string, CachedRecordingInfo & { parts: number }>();
      for (const request of await cache.keys()) {
        const rest = request.url.slice(KEY_BASE.length);
        const slash = rest.lastIndexOf('/');
        const callId = decodeURIComponent(rest.slice(0, slash));
        const res = await cache.match(request);
        const bytes = Number(res?.headers.get('x-bytes') ?? 0);
        const cachedAt = Number(res?.headers.get('x-cached-at') ?? 0);
        const entry = byCall.get(callId) ?? { callId, bytes: 0, cachedAt, parts: 0 };
        entry.bytes += bytes;
        entry.parts += 1;
        byCall.set(callId, entry);
      }
      return [...byCall.values()].filter((e) => e.parts === 2).map(({ parts: _parts, ...info }) => info);
    },
    async usage() {
      const entries = await this.list();
      const bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
      const estimate =
        typeof navigator !== 'undefined' && navigator.storage?.estimate ? await navigator.storage.estimate() : null;
      return { bytes, quotaBytes: estimate?.quota ?? null };
    },
  };
}

/**
 * The cache for this runtime: the desktop app's disk cache when the preload exposes it, Cache Storage otherwise.
 */
export function createRecordingCache(): RecordingCache {
  const desktop = desktopBridge()?.recordingCache;
  return desktop ? createDesktopRecordingCache(desktop) : createBrowserRecordingCache();
}

/** The part of the preload API this module uses (electron/preload/api.ts, imported as a type only). */
export type DesktopRecordingCache = RingsideDesktopApi['recordingCache'];

// The disk cache holds one entry per key (letters, digits, "_" and "-"); peaks sit next to their audio
// under a derived key.
const PEAKS_SUFFIX = '__peaks';

/** Desktop implementation over `window.ringside.recordingCache` (files on disk, size-limited by the main process). */
export function createDesktopRecordingCache(disk: DesktopRecordingCache): RecordingCache {
  return {
    kind: 'disk',
    async put(callId, audio, peaks) {
      const peaksResult = await disk.put(callId + PEAKS_SUFFIX, {
        data: new TextEncoder().encode(JSON.stringify(peaks)),
        contentType: 'application/json',
      });
      if (!peaksResult.stored) throw new Error(peaksResult.message);
      const audioResult = await disk.put(callId, {
        data: await audio.arrayBuffer(),
        contentType: audio.type || 'audio/mpeg',
      });
      if (!audioResult.stored) throw new Error(audioResult.message);
    },
    async get(callId) {
      const [audio, peaksEntry] = await Promise.all([disk.get(callId), disk.get(callId + PEAKS_SUFFIX)]);
      if (!audio || !peaksEntry) return null;
      const peaks: unknown = JSON.parse(new TextDecoder().decode(peaksEntry.data));
      if (!isPeaksFile(peaks)) return null;
      // Copy into a fresh ArrayBuffer-backed view: the IPC result may be backed by a SharedArrayBuffer type.
      return { audio: new Blob([new Uint8Array(audio.data)], { type: audio.contentType }), peaks };
    },
    async remove(callId) {
      await Promise.all([disk.remove(callId), disk.remove(callId + PEAKS_SUFFIX)]);
    },
    async list() {
      const entries = await disk.list();
      const peaksBytes = new Map(
        entries
          .filter((e) => e.callId.endsWith(PEAKS_SUFFIX))
          .map((e) => [e.callId.slice(0, -PEAKS_SUFFIX.length), e.bytes]),
      );
      return entries
        .filter((e) => !e.callId.endsWith(PEAKS_SUFFIX) && peaksBytes.has(e.callId))
        .map((e) => ({ callId: e.callId, bytes: e.bytes + (peaksBytes.get(e.callId) ?? 0), cachedAt: e.storedAt }));
    },
    async usage() {
      const u = await disk.usage();
      return { bytes: u.bytes, quotaBytes: u.maxBytes };
    },
  };
}
