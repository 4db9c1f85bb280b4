import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LocalMediaStorage,
  S3MediaStorage,
  StorageNotFoundError,
  type MediaStorage,
} from '../../sync-server/src/recordings/storage';

/**
 * One contract for media storage, run against both implementations: the local directory and S3-compatible
 * object storage (a real S3 API served by s3rver, started here on a random port).
 */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (opts: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
}) => S3rverInstance;
// s3rver ships no type declarations; this is the part of its API the test uses.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-storage-'));
let s3rver: S3rverInstance;
let s3Endpoint: string;

beforeAll(async () => {
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: path.join(tmp, 's3') });
  const { port } = await s3rver.run();
  s3Endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint: s3Endpoint,
    region: 'eu-west-2',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: 'recordings' }));
  client.destroy();
});
afterAll(async () => {
  await s3rver?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const implementations: Array<[string, () => MediaStorage]> = [
  ['local directory', () => new LocalMediaStorage(path.join(tmp, `local-${crypto.randomBytes(4).toString('hex')}`))],
  [
    'S3 (s3rver)',
    () =>
      new S3MediaStorage({
        endpoint: s3Endpoint,
        bucket: 'recordings',
        region: 'eu-west-2',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
        keyPrefix: `run-${crypto.randomBytes(4).toString('hex')}`,
      }),
  ],
];

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe.each(implementations)('media storage contract: %s', (_name, make) => {
  let storage: MediaStorage;
  beforeAll(() => {
    storage = make();
  });

  it('stores a file and a buffer and reads them back whole', async () => {
    const file = path.join(tmp, 'upload.wav');
    const bytes = crypto.randomBytes(200_000);
    fs.writeFileSync(file, bytes);
    expect(await storage.putFile('recordings/c1/r1/original.wav', file)).toEqual({ bytes: 200_000 });
    expect((await storage.readBuffer('recordings/c1/r1/original.wav')).equals(bytes)).toBe(true);
    expect(await storage.putBuffer('recordings/c1/r1/peaks.json.gz', Buffer.from('{"a":1}'))).toEqual({ bytes: 7 });
    expect(await text(await storage.read('recordings/c1/r1/peaks.json.gz'))).toBe('{"a":1}');
  });

  it("reports size and the content type of the key's extension, or null when absent", async () => {
    await storage.putBuffer('recordings/c2/r2/playback.mp3', Buffer.alloc(1234, 1));
    expect(await storage.stat('recordings/c2/r2/playback.mp3')).toEqual({ size: 1234, contentType: 'audio/mpeg' });
    expect(await storage.stat('recordings/c2/r2/original.wav')).toBeNull();
  });

  it('reads an inclusive byte range', async () => {
    await storage.putBuffer('recordings/c3/r3/playback.mp3', Buffer.from('0123456789abcdef'));
    expect(await text(await storage.read('recordings/c3/r3/playback.mp3', { start: 3, end: 7 }))).toBe('34567');
    expect(await text(await storage.read('recordings/c3/r3/playback.mp3', { start: 15, end: 15 }))).toBe('f');
    expect(await text(await storage.read('recordings/c3/r3/playback.mp3', { start: 0, end: 0 }))).toBe('0');
  });

  it('replaces an object on a second put', async () => {
    await storage.putBuffer('recordings/c4/r4/peaks.json.gz', Buffer.from('first version'));
    await storage.putBuffer('recordings/c4/r4/peaks.json.gz', Buffer.from('second'));
    expect((await storage.readBuffer('recordings/c4/r4/peaks.json.gz')).toString()).toBe('second');
    expect((await storage.stat('recordings/c4/r4/peaks.json.gz'))!.size).toBe(6);
  });

  it('rejects reading a missing object with StorageNotFoundError', async () => {
    await expect(storage.read('recordings/none/r/original.wav')).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(storage.readBuffer('recordings/none/r/original.wav')).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('deletes idempotently', async () => {
    await storage.putBuffer('recordings/c5/r5/playback.mp3', Buffer.from('x'));
    await storage.delete('recordings/c5/r5/playback.mp3');
    await storage.delete('recordings/c5/r5/playback.mp3');
    expect(await storage.stat('recordings/c5/r5/playback.mp3')).toBeNull();
  });

  it('lists and deletes everything under a prefix, and nothing outside it', async () => {
    for (const f of ['original.wav', 'playback.mp3', 'peaks.json.gz'])
      await storage.putBuffer(`recordings/c6/r6/${f}`, Buffer.from(f));
    await storage.putBuffer('recordings/c6/r66/original.wav', Buffer.from('neighbour'));
    expect(await storage.list('recordings/c6/r6/')).toEqual([
      'recordings/c6/r6/original.wav',
      'recordings/c6/r6/peaks.json.gz',
      'recordings/c6/r6/playback.mp3',
    ]);
    expect(await storage.deletePrefix('recordings/c6/r6/')).toBe(3);
    expect(await storage.list('recordings/c6/r6/')).toEqual([]);
    expect(await storage.list('recordings/c6/')).toEqual(['recordings/c6/r66/original.wav']);
    expect(await storage.deletePrefix('recordings/c6/r6/')).toBe(0);
  });

  it('refuses keys that could escape their place', async () => {
    for (const bad of [
      '../etc/passwd',
      'recordings/../../x',
      '/abs/path',
      'recordings//double',
      'recordings/a/./b',
      'with space/x',
      '',
    ]) {
      await expect(storage.putBuffer(bad, Buffer.from('x')), bad).rejects.toThrow(/invalid storage key/);
      await expect(storage.stat(bad), bad).rejects.toThrow(/invalid storage key/);
    }
    await expect(storage.deletePrefix('recordings')).rejects.toThrow(/must end with \//);
  });

  it('streams a large object in a range without reading the rest', async () => {
    const big = crypto.randomBytes(3 * 1024 * 1024);
    await storage.putBuffer('recordings/c7/r7/original.wav', big);
    const start = 2 * 1024 * 1024 + 17;
    const part = await storage.read('recordings/c7/r7/original.wav', { start, end: start + 65_535 });
    const chunks: Buffer[] = [];
    for await (const c of part) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(big.subarray(start, start + 65_536))).toBe(true);
  });
});

describe('local media storage on disk', () => {
  it('never leaves a partly written object under its real name, and prunes empty directories on delete', async () => {
    const root = path.join(tmp, 'local-layout');
    const storage = new LocalMediaStorage(root);
    await storage.putBuffer('recordings/callA/REx/original.wav', Buffer.from('data'));
    expect(fs.readdirSync(path.join(root, 'recordings/callA/REx'))).toEqual(['original.wav']);
    await storage.deletePrefix('recordings/callA/REx/');
    expect(fs.existsSync(path.join(root, 'recordings/callA'))).toBe(false);
    expect(fs.existsSync(root)).toBe(true);
  });
});
