import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertValidKey,
  assertValidPrefix,
  contentTypeFor,
  StorageNotFoundError,
  type ByteRange,
  type MediaStorage,
  type StoredObjectInfo,
} from './types';
import { errorCode } from '../../../../shared/objects';

/**
 * Media in a local directory (RECORDINGS_DIR, default DATA_DIR/recordings). Writes go to a temporary file in
 * the same directory and are renamed into place, so a reader never sees half a file and a crash leaves no
 * partial object under its real name.
 */
export class LocalMediaStorage implements MediaStorage {
  readonly kind = 'local' as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private async writeAtomically(key: string, write: (tmp: string) => Promise<void>): Promise<{ bytes: number }> {
    const target = this.pathOf(key);
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${crypto.randomBytes(6).toString('hex')}`;
    try {
      await write(tmp);
      await fsp.rename(tmp, target);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return { bytes: (await fsp.stat(target)).size };
  }

  putFile(key: string, filePath: string): Promise<{ bytes: number }> {
    return this.writeAtomically(key, (tmp) => fsp.copyFile(filePath, tmp));
  }

  putBuffer(key: string, body: Buffer): Promise<{ bytes: number }> {
    return this.writeAtomically(key, (tmp) => fsp.writeFile(tmp, body));
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    try {
      const st = await fsp.stat(this.pathOf(key));
      return st.isFile() ? { size: st.size, contentType: contentTypeFor(key) } : null;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.pathOf(key);
    // Open first so a missing object rejects here rather than as a stream error after headers are sent.
    const handle = await fsp.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new StorageNotFoundError(key) : err;
    });
    return fs.createReadStream('', { fd: handle, start: range?.start, end: range?.end, autoClose: true });
  }

  async readBuffer(key: string): Promise<Buffer> {
    return fsp.readFile(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new StorageNotFoundError(key) : err;
    });
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
    await this.pruneEmptyParents(path.dirname(this.pathOf(key)));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    const keys = await this.list(prefix);
    await Promise.all(keys.map((k) => fsp.rm(this.pathOf(k), { force: true })));
    await this.pruneEmptyParents(path.join(this.root, ...prefix.slice(0, -1).split('/')));
    return keys.length;
  }

  async list(prefix: string): Promise<string[]> {
    // The directory part of the prefix is walked; the rest filters names.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    if (dirPart) assertValidKey(dirPart);
    const base = path.join(this.root, ...dirPart.split('/').filter(Boolean));
    const out: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(dir, e.name), key);
        else if (e.isFile() && !e.name.includes('.tmp-') && key.startsWith(prefix)) out.push(key);
      }
    };
    await walk(base, dirPart);
    return out.sort();
  }

  /** Removes now-empty directories up to (not including) the root, so deleted calls leave no trace in the tree. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    let current = dir;
    const root = path.resolve(this.root);
    while (path.resolve(current).startsWith(root + path.sep)) {
      try {
        await fsp.rmdir(current);
      } catch {
        return; // not empty, or already gone
      }
      current = path.dirname(current);
    }
  }
}
