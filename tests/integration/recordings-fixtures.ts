import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import type { PeaksFile } from '../../shared/peaks';
import type { CallDoc } from '../../shared/schemas';
import type { Config } from '../../sync-server/src/config';
import type { Database } from '../../sync-server/src/db';
import { encodeWav } from '../../sync-server/src/audio/wav';
import { getDocument, putDocument } from '../../sync-server/src/replication/store';
import { startServer } from '../../sync-server/src/server';
import { openTestPglite } from '../helpers/pglite-template';
import { serverClient, testConfig, type TestServer } from '../helpers/server';
import { callDoc } from '../helpers/sync-docs';
import { waitUntil } from '../helpers/wait';

/**
 * Shared by the recordings, media, retention and erasure tests: synthetic dual-channel recordings, a local
 * stand-in for Twilio's recording media API (basic auth, WAV at RecordingUrl + .wav, DELETE …/Recordings/RE….json)
 * that records every request it receives, and a server whose log lines the test can read.
 */
export const sid = (prefix: 'AC' | 'CA' | 'RE') => prefix + crypto.randomBytes(16).toString('hex');

/** A dual-channel 16-bit WAV: each channel a tone whose loudness follows its envelope (0..1 of full scale). */
export function synthWav(
  seconds: number,
  sampleRate: number,
  envelopes: [(t: number) => number, (t: number) => number],
): { wav: Buffer; channels: Int16Array[] } {
  const frames = Math.round(seconds * sampleRate);
  const channels = envelopes.map((env, c) => {
    const out = new Int16Array(frames);
    const freq = c === 0 ? 220 : 330;
    for (let i = 0; i < frames; i++)
      out[i] = Math.round(32767 * env(i / sampleRate) * Math.sin((2 * Math.PI * freq * i) / sampleRate));
    return out;
  });
  return { wav: encodeWav(channels, sampleRate), channels };
}

export interface FakeTwilioRequest {
  method: string;
  path: string;
  authorized: boolean;
}

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  requests: FakeTwilioRequest[];
  /** Media by recording SID. `truncateTo` sends fewer bytes than Content-Length promises (a dropped download). */
  media: Map<string, { wav: Buffer; truncateTo?: number }>;
  deleted: Set<string>;
  recordingUrl(recordingSid: string): string;
  close(): Promise<void>;
}

/** A host that answers like Twilio's REST API for recording media, or (foreign) records that it was asked. */
export async function startFakeTwilio(opts: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = opts.accountSid ?? sid('AC');
  const authToken = opts.authToken ?? crypto.randomBytes(16).toString('hex');
  const expected = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
  const requests: FakeTwilioRequest[] = [];
  const media = new Map<string, { wav: Buffer; truncateTo?: number }>();
  const deleted = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const authorized = req.headers.authorization === expected;
    requests.push({ method: req.method ?? '', path: url.pathname, authorized });
    if (!authorized) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":20003,"message":"Authenticate"}');
      return;
    }
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Recordings\/(RE[0-9a-f]{32})\.(wav|json)$/.exec(url.pathname);
    if (!m || m[1] !== accountSid) {
      res.writeHead(404).end();
      return;
    }
    const [, , recSid, ext] = m;
    const item = media.get(recSid);
    if (req.method === 'DELETE' && ext === 'json') {
      if (!item || deleted.has(recSid)) return void res.writeHead(404).end();
      deleted.add(recSid);
      return void res.writeHead(204).end();
    }
    if (req.method === 'GET' && ext === 'wav' && item && !deleted.has(recSid)) {
      res.writeHead(200, { 'content-type': 'audio/x-wav', 'content-length': String(item.wav.length) });
      if (item.truncateTo !== undefined) {
        res.write(item.wav.subarray(0, item.truncateTo));
        res.destroy(); // the connection drops mid-download
        return;
      }
      res.end(item.wav);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accountSid,
    authToken,
    requests,
    media,
    deleted,
    recordingUrl: (recordingSid) => `${url}/2010-04-01/Accounts/${accountSid}/Recordings/${recordingSid}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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

/** A local S3-compatible server (s3rver) with one bucket; returns the env that points the server at it. */
export async function startS3(bucket = 'recordings'): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  // s3rver ships no type declarations; this is the part of its API used here.
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ringside-s3-'));
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const { port } = await s3.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'eu-west-2',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: '1',
    },
    async close() {
      await s3.close();
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface MediaTestServer extends TestServer {
  logs: LogLine[];
}

/** startTestServer (tests/helpers/server.ts) with the log captured, pointed at a fake Twilio. */
export async function startMediaServer(opts: {
  twilio: FakeTwilio;
  env?: Record<string, string>;
  db?: Database;
  config?: Config;
}): Promise<MediaTestServer> {
  const db = opts.db ?? (await openTestPglite());
  const config =
    opts.config ??
    testConfig({
      TWILIO_ACCOUNT_SID: opts.twilio.accountSid,
      TWILIO_AUTH_TOKEN: opts.twilio.authToken,
      TWILIO_API_BASE_URL: opts.twilio.url,
      RECORDINGS_DIR: `./.tmp/test-recordings/${crypto.randomBytes(6).toString('hex')}`,
      ...opts.env,
    });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const server = await startServer(config, { db, log: pino({ level: 'debug' }, sink), jobs: false });
  config.publicBaseUrl = server.url;
  return {
    ...server,
    db,
    logs,
    ...serverClient(server.url),
    async close() {
      await server.close();
      if (!opts.db) await db.close();
      if (!config.S3_BUCKET) await fsp.rm(config.recordingsDir, { recursive: true, force: true });
    },
  };
}

/** Writes the call document telephony writes when a recorded call ends (recording pending). */
export async function seedPendingCall(db: Database, callId: string, over: Partial<CallDoc> = {}): Promise<CallDoc> {
  const doc = callDoc(callId, {
    recording: { state: 'pending', durationSec: null, channels: [], storedAt: null },
    ...over,
  });
  return db.transaction((tx) => putDocument(tx, 'calls', doc, Date.now()));
}

/** Enqueues the job exactly as the telephony webhook does on Twilio's recording-status callback. */
export async function enqueueDownload(
  server: TestServer,
  p: {
    callSid: string;
    recordingSid: string;
    recordingUrl: string;
    durationSec: number;
    channels?: number;
    callId?: string;
  },
): Promise<number | null> {
  return server.ctx.jobs.enqueue(server.db, 'recording.download', {
    callSid: p.callSid,
    recordingSid: p.recordingSid,
    recordingUrl: p.recordingUrl,
    durationSec: p.durationSec,
    channels: p.channels ?? 2,
    sandbox: false,
    ...(p.callId ? { callId: p.callId } : {}),
  });
}

/**
 * Seeds a call and runs the real pipeline for it (download from the fake Twilio, verify, peaks, MP3, store).
 * The call document's id is its CallSid.
 */
export async function ingestCall(
  server: TestServer,
  twilio: FakeTwilio,
  opts: { seconds?: number; over?: Partial<CallDoc>; envelopes?: [(t: number) => number, (t: number) => number] } = {},
): Promise<{ callId: string; recordingSid: string; wav: Buffer; channels: Int16Array[] }> {
  const callId = sid('CA');
  const recordingSid = sid('RE');
  const seconds = opts.seconds ?? 3;
  const { wav, channels } = synthWav(
    seconds,
    8000,
    opts.envelopes ?? [(t) => (t < seconds / 2 ? 0.8 : 0.05), (t) => (t < seconds / 2 ? 0.05 : 0.5)],
  );
  twilio.media.set(recordingSid, { wav });
  await seedPendingCall(server.db, callId, opts.over);
  await enqueueDownload(server, {
    callSid: callId,
    recordingSid,
    recordingUrl: twilio.recordingUrl(recordingSid),
    durationSec: seconds,
  });
  await server.ctx.jobs.drain(['recording.download', 'recording.twilio-delete']);
  const call = await getDocument(server.db, 'calls', callId);
  if (call?.recording.state !== 'stored')
    throw new Error(`ingest failed for ${callId}: ${JSON.stringify(call?.recording)}`);
  return { callId, recordingSid, wav, channels };
}

export function gunzipJson<T = PeaksFile>(buf: Buffer): T {
  return JSON.parse(zlib.gunzipSync(buf).toString()) as T;
}

/** Waits (vi.waitFor, through waitUntil) until a condition holds, failing with the last value after `ms`. */
export function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  return waitUntil(what, probe, ok, { timeout: ms });
}
