import type { Readable } from 'node:stream';

/**
 * Where recording media and its derivatives (playback MP3, peaks) live: a local directory by default,
 * S3-compatible object storage when configured (ARCHITECTURE.md, "Storage"). Both implementations pass the
 * same contract suite (tests/integration/storage.test.ts).
 *
 * Keys are relative paths like `recordings/<callId>/<recordingSid>/original.wav`.
 */
export interface StoredObjectInfo {
  size: number;
  contentType: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface MediaStorage {
  readonly kind: 'local' | 's3';
  /**
   * Stores a file from local disk under `key`, replacing any object there. Readers never see a partly
   * written object. The content type follows the key's extension (`contentTypeFor`).
   */
  putFile(key: string, filePath: string): Promise<{ bytes: number }>;
  putBuffer(key: string, body: Buffer): Promise<{ bytes: number }>;
  /** Size and type of an object, or null when there is none. */
  stat(key: string): Promise<StoredObjectInfo | null>;
  /** The object's bytes (all, or one inclusive range); rejects with StorageNotFoundError when absent. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  readBuffer(key: string): Promise<Buffer>;
  /** Removes an object; removing one that does not exist is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (which must end in `/`); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

export class StorageNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored object ${key}`);
  }
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Keys are checked before either implementation sees them, so no key can climb out of its directory. */
export function assertValidKey(key: string): void {
  if (
    key.length > 512 ||
    !KEY.test(key) ||
    key.split('/').some((part) => part === '.' || part === '..' || part.startsWith('..'))
  ) {
    throw new Error(`invalid storage key ${JSON.stringify(key)}`);
  }
}

export function assertValidPrefix(prefix: string): void {
  if (!prefix.endsWith('/')) throw new Error(`storage prefix must end with / (got ${JSON.stringify(prefix)})`);
  assertValidKey(prefix.slice(0, -1));
}

const TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  json: 'application/json',
  gz: 'application/gzip',
};

export function contentTypeFor(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}
