import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type {
  CachedRecording,
  CachedRecordingInfo,
  RecordingCachePutResult,
  RecordingCacheUsage,
} from '../preload/api';
import { SerialQueue, writeFileAtomic } from './files';
import { errnoCode } from './errno';

/**
 * Recordings kept on disk so a reviewer can listen offline (and the peaks their waveform is drawn from).
 * One file per key, named from the call id
 * after validating it (letters, digits, `_` and `-` only, so no path can be formed from it) and checked
 * again to resolve inside the cache folder. An index file records type, size and last use; when the cache
 * grows past its limit the least recently used recordings are removed first.
 */

/**
 * Keys are call ids (UUIDs or Twilio CallSids in practice, up to 100 characters in the schema), with room
 * for a suffix naming a companion entry such as the recording's waveform peaks (`<callId>__peaks`).
 */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const CALL_ID_RULE = '1–128 letters, digits, "_" or "-"';
/** Audio, or JSON for the peaks the waveform is drawn from offline (stored next to the audio). */
export const CACHE_CONTENT_TYPE_PATTERN = /^(audio\/[a-z0-9][a-z0-9.+-]{0,63}|application\/json)$/i;
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

const INDEX_FILE = 'index.json';
const FILE_PREFIX = 'rec-';
const FILE_SUFFIX = '.bin';
/** `<callId>__peaks` belongs to `<callId>`: see evictBeyondLimit. */
const COMPANION_SEPARATOR = '__';

const EntrySchema = z.object({
  contentType: z.string().regex(CACHE_CONTENT_TYPE_PATTERN),
  bytes: z.number().int().nonnegative(),
  storedAt: z.number(),
  lastUsedAt: z.number(),
});
type Entry = z.infer<typeof EntrySchema>;
const IndexSchema = z.object({
  version: z.literal(1),
  entries: z.record(z.string().regex(CALL_ID_PATTERN), EntrySchema),
});

export class RecordingCacheError extends Error {}

export interface RecordingCacheOptions {
  dir: string;
  maxBytes?: number;
  now?: () => number;
  onWarning?: (message: string, detail?: unknown) => void;
}

export class RecordingCache {
  private entries = new Map<string, Entry>();
  private readonly queue = new SerialQueue();
  readonly maxBytes: number;
  private readonly now: () => number;

  private constructor(private readonly opts: RecordingCacheOptions) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.now = opts.now ?? Date.now;
  }

  /** Opens the cache and reconciles the index with the files (a crash may have left either behind). */
  static async open(opts: RecordingCacheOptions): Promise<RecordingCache> {
    const cache = new RecordingCache(opts);
    await mkdir(opts.dir, { recursive: true });
    await cache.load();
    return cache;
  }

  /** The file for a call, or an error when the id could form anything but a plain name in the folder. */
  filePathFor(callId: string): string {
    if (typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId)) {
      throw new RecordingCacheError(`callId must be ${CALL_ID_RULE}`);
    }
    const root = path.resolve(this.opts.dir);
    const file = path.resolve(root, `${FILE_PREFIX}${callId}${FILE_SUFFIX}`);
    if (path.dirname(file) !== root) throw new RecordingCacheError('callId resolves outside the cache');
    return file;
  }

  private get indexPath(): string {
    return path.join(this.opts.dir, INDEX_FILE);
  }

  private async load(): Promise<void> {
    let loaded: Record<string, Entry> = {};
    try {
      const parsed = IndexSchema.safeParse(JSON.parse(await readFile(this.indexPath, 'utf8')));
      if (parsed.success) loaded = parsed.data.entries;
      else this.opts.onWarning?.('recording cache index was unreadable; starting empty', parsed.error);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') {
        this.opts.onWarning?.('recording cache index was unreadable; starting empty', err);
      }
    }
    const known = new Set<string>();
    for (const [callId, entry] of Object.entries(loaded)) {
      const file = this.filePathFor(callId);
      const size = await stat(file).then(
        (s) => s.size,
        () => -1,
      );
      if (size === entry.bytes) {
        this.entries.set(callId, entry);
        known.add(path.basename(file));
      }
    }
    // Our files without an index entry (an interrupted put, an index lost to a crash) only take space.
    // Only names this cache creates are touched, whatever else someone puts in the folder.
    for (const name of await readdir(this.opts.dir)) {
      const ours = name.startsWith(FILE_PREFIX) || name.startsWith(`${INDEX_FILE}.`);
      if (ours && !known.has(name)) await rm(path.join(this.opts.dir, name), { force: true });
    }
    await this.persist();
  }

  private persist(): Promise<void> {
    return writeFileAtomic(this.indexPath, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }));
  }

  private info(callId: string, entry: Entry): CachedRecordingInfo {
    return { callId, ...entry };
  }

  private totalBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    return total;
  }

  put(callId: string, data: Uint8Array, contentType: string): Promise<RecordingCachePutResult> {
    return this.queue.run(async () => {
      const file = this.filePathFor(callId);
      if (!CACHE_CONTENT_TYPE_PATTERN.test(contentType))
        throw new RecordingCacheError('contentType must be audio/* or application/json');
      if (data.byteLength > this.maxBytes) {
        return {
          stored: false,
          reason: 'TOO_LARGE',
          message: `The recording (${data.byteLength} bytes) is larger than the whole cache (${this.maxBytes} bytes).`,
        };
      }
      await writeFileAtomic(file, data);
      const now = this.now();
      const previous = this.entries.get(callId);
      const entry: Entry = {
        contentType,
        bytes: data.byteLength,
        storedAt: previous?.storedAt ?? now,
        lastUsedAt: now,
      };
      this.entries.set(callId, entry);
      const evicted = await this.evictBeyondLimit(callId);
      await this.persist();
      return { stored: true, info: this.info(callId, entry), evicted };
    });
  }

  /**
   * Removes least recently used recordings until the cache fits its limit, never the one just stored.
   * A recording and its companion entries (`<callId>__peaks`) share a group and leave together, so the cache
   * never keeps audio without the peaks to draw it, or the reverse.
   */
  private async evictBeyondLimit(keep: string): Promise<string[]> {
    let total = this.totalBytes();
    if (total <= this.maxBytes) return [];
    const groupOf = (key: string) => key.split(COMPANION_SEPARATOR)[0];
    const groups = new Map<string, { keys: string[]; bytes: number; lastUsedAt: number }>();
    for (const [key, entry] of this.entries) {
      const id = groupOf(key);
      const group = groups.get(id) ?? { keys: [], bytes: 0, lastUsedAt: 0 };
      group.keys.push(key);
      group.bytes += entry.bytes;
      group.lastUsedAt = Math.max(group.lastUsedAt, entry.lastUsedAt);
      groups.set(id, group);
    }
    groups.delete(groupOf(keep));
    const candidates = [...groups.entries()].sort(
      ([a, x], [b, y]) => x.lastUsedAt - y.lastUsedAt || a.localeCompare(b),
    );
    const evicted: string[] = [];
    for (const [, group] of candidates) {
      if (total <= this.maxBytes) break;
      for (const key of group.keys.sort()) {
        await rm(this.filePathFor(key), { force: true });
        this.entries.delete(key);
        evicted.push(key);
      }
      total -= group.bytes;
    }
    return evicted;
  }

  get(callId: string): Promise<CachedRecording | null> {
    return this.queue.run(async () => {
      const file = this.filePathFor(callId);
      const entry = this.entries.get(callId);
      if (!entry) return null;
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
        // Deleted behind our back (a cleaner, the person): forget it.
        this.entries.delete(callId);
        await this.persist();
        return null;
      }
      const used: Entry = { ...entry, lastUsedAt: this.now() };
      this.entries.set(callId, used);
      await this.persist();
      return { ...this.info(callId, used), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    });
  }

  remove(callId: string): Promise<boolean> {
    return this.queue.run(async () => {
      const file = this.filePathFor(callId);
      const existed = this.entries.delete(callId);
      await rm(file, { force: true });
      if (existed) await this.persist();
      return existed;
    });
  }

  list(): Promise<CachedRecordingInfo[]> {
    return this.queue.run(async () =>
      [...this.entries.entries()]
        .map(([callId, entry]) => this.info(callId, entry))
        .sort((a, b) => b.lastUsedAt - a.lastUsedAt || a.callId.localeCompare(b.callId)),
    );
  }

  usage(): Promise<RecordingCacheUsage> {
    return this.queue.run(async () => ({
      entries: this.entries.size,
      bytes: this.totalBytes(),
      maxBytes: this.maxBytes,
    }));
  }
}
