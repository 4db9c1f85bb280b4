import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  assertValidKey,
  assertValidPrefix,
  contentTypeFor,
  StorageNotFoundError,
  type ByteRange,
  type MediaStorage,
  type StoredObjectInfo,
} from './types';

export interface S3StorageOptions {
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Optional key prefix inside the bucket (several deployments sharing one bucket). */
  keyPrefix?: string;
}

/** Passes through bytes start..end (inclusive) of a stream, then ends (the rest of the source is discarded). */
function sliceBytes(range: ByteRange): Transform {
  let offset = 0;
  let ended = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!ended) {
        const from = Math.max(0, range.start - offset);
        const to = Math.min(chunk.length, range.end + 1 - offset);
        if (to > from) this.push(chunk.subarray(from, to));
        if (offset + chunk.length > range.end) {
          ended = true;
          this.push(null);
        }
      }
      offset += chunk.length;
      done();
    },
  });
}

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException)
    return err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound';
  return false;
}

/**
 * Media in S3-compatible object storage (AWS S3, MinIO, R2 …; tests use s3rver). A PUT of one object is atomic
 * in S3, so readers never see a partial object.
 */
export class S3MediaStorage implements MediaStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;

  constructor(opts: S3StorageOptions) {
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      // Checksums only where S3 requires them: the default (aws-chunked uploads with trailing checksums) is not
      // understood by every S3-compatible server and would store the chunk framing inside the object.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.bucket = opts.bucket;
    this.keyPrefix = opts.keyPrefix ? opts.keyPrefix.replace(/\/+$/, '') + '/' : '';
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.keyPrefix + key;
  }

  async putFile(key: string, filePath: string): Promise<{ bytes: number }> {
    const { size } = await fsp.stat(filePath);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: fs.createReadStream(filePath),
        ContentLength: size,
        ContentType: contentTypeFor(key),
      }),
    );
    return { bytes: size };
  }

  async putBuffer(key: string, body: Buffer): Promise<{ bytes: number }> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentLength: body.length,
        ContentType: contentTypeFor(key),
      }),
    );
    return { bytes: body.length };
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { size: head.ContentLength ?? 0, contentType: contentTypeFor(key) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node stream');
      // Some S3-compatible servers ignore Range or widen it (s3rver answers bytes=0-0 with the whole object):
      // cut the requested bytes out of what came back, so callers always get exactly what they asked for.
      if (range) {
        const returned = /^bytes (\d+)-(\d+)\//.exec(res.ContentRange ?? '');
        const from = returned ? Number(returned[1]) : 0;
        const to = returned ? Number(returned[2]) : Infinity;
        if (from > range.start)
          throw new Error(`S3 returned ${res.ContentRange} for bytes=${range.start}-${range.end}`);
        if (from !== range.start || to !== range.end)
          return res.Body.pipe(sliceBytes({ start: range.start - from, end: range.end - from }));
      }
      return res.Body;
    } catch (err) {
      if (isNotFound(err)) throw new StorageNotFoundError(key);
      throw err;
    }
  }

  async readBuffer(key: string): Promise<Buffer> {
    const stream = await this.read(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    const keys = await this.list(prefix);
    // DeleteObjects takes at most 1000 keys per request.
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const res = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((k) => ({ Key: this.objectKey(k) })), Quiet: true },
        }),
      );
      if (res.Errors?.length)
        throw new Error(
          `S3 refused to delete ${res.Errors.length} objects under ${prefix}: ${res.Errors[0].Message ?? res.Errors[0].Code}`,
        );
    }
    return keys.length;
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.keyPrefix + prefix, ContinuationToken: token }),
      );
      for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.keyPrefix.length));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
