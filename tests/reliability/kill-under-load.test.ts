import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CallDoc } from '../../shared/schemas';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { serverClient, TEST_ADMIN } from '../helpers/server';
import { fmt, PROBE_TIMEOUT, report, scaled } from './size';
import { formBody, signedForm } from './twilio-sign';

/**
 * kill -9 under load (issue 9): the real server runs as its own process (`serve`, as an operator starts it),
 * takes signed Twilio callbacks at about 100 a second, and is SIGKILLed in the middle. Restarted on the same
 * data, it must hold every callback it answered 2xx: Twilio does not resend what we acknowledged, so an
 * acknowledged callback that did not survive is a call lost for good. On the embedded database (PGlite files
 * under DATA_DIR) and on PostgreSQL.
 *
 * Each call gets its voice webhook, then (once that was answered) its parent's completed status; after the
 * restart every answered voice webhook must have its call document and every answered status must show in it
 * as `completed`.
 */
/** The kill comes once this many callbacks were answered 2xx, with the load still running. */
const KILL_AT_ACKED = scaled(150);
/** A bound on the load (calls, two callbacks each), should the server answer too few before it. */
const MAX_CALLS = scaled(1500);
const INTERVAL_MS = 20; // a call every 20 ms, two callbacks each: ~100 callbacks a second
const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'c'.repeat(32);

const pgTest = await probePostgres('kill -9 under load on PostgreSQL');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-kill-'));
const children: ChildProcess[] = [];
const databases: TestPostgresDatabase[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c) : null)));
  for (const d of databases) await d.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Resolves when the process has exited (at once if it already has). */
const once = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => c.once('exit', () => r()));

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface Running {
  child: ChildProcess;
  output: () => string;
}

async function serve(env: NodeJS.ProcessEnv, port: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/cli/index.ts', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${text}`);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(res.status).toBe(200);
    },
    { timeout: 90_000, interval: 200 },
  );
  return { child, output: () => text };
}

async function probe(engine: string, databaseUrl: string): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: fs.mkdtempSync(path.join(work, 'data-')),
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    PUBLIC_BASE_URL: base,
    DEMO: 'false',
    JOBS: 'false',
    SANDBOX: 'false',
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    // Nothing here may reach Twilio itself: its API is an address where nothing listens.
    TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
  };
  const first = await serve(env, port);

  // Call i: its voice webhook, then — once that was answered, as Twilio only reports the end of a call it
  // routed — its parent's completed status. A new call every INTERVAL_MS: about 100 callbacks a second.
  type Callback = { callSid: string; kind: 'voice' | 'status'; path: string; params: Record<string, string | number> };
  const callbacksOf = (i: number): [Callback, Callback] => {
    const callSid = `CA${(i + 0xabc000).toString(16).padStart(32, '0')}`;
    const call = { CallSid: callSid, From: `+4477009${String(i % 100000).padStart(5, '0')}`, To: '+447700900999' };
    return [
      { callSid, kind: 'voice', path: '/twilio/voice', params: call },
      {
        callSid,
        kind: 'status',
        path: '/twilio/voice/status',
        params: { ...call, CallStatus: 'completed', CallDuration: 30 },
      },
    ];
  };

  const acked: Callback[] = [];
  const refused: number[] = [];
  let unanswered = 0;
  let sentCount = 0;
  const inFlight: Promise<void>[] = [];
  const post = async (cb: Callback): Promise<boolean> => {
    sentCount++;
    const signed = signedForm(AUTH_TOKEN, base + cb.path, formBody(cb.params));
    try {
      const res = await fetch(base + cb.path, { method: 'POST', ...signed });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) {
        acked.push(cb);
        return true;
      }
      refused.push(res.status);
    } catch {
      unanswered++;
    }
    return false;
  };
  const start = Date.now();
  let killedAt = -1;
  for (let i = 0; i < MAX_CALLS; i++) {
    const wait = start + i * INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Killed by a count of answers, not a time: what matters is that answered callbacks were in the air.
    if (killedAt < 0 && (acked.length >= KILL_AT_ACKED || i === MAX_CALLS - 20)) {
      first.child.kill('SIGKILL');
      killedAt = i;
    }
    // After the kill nothing answers; stop once a few more calls have been refused.
    if (killedAt >= 0 && i > killedAt + 10) break;
    const [voice, status] = callbacksOf(i);
    inFlight.push(post(voice).then(async (ok) => void (ok && (await post(status)))));
  }
  await Promise.all(inFlight);
  await once(first.child).catch(() => undefined);
  const sent = sentCount;

  // Restart on the same data (the killed server's lock is taken over) and read every call back.
  const second = await serve(env, port);
  const client = serverClient(base);
  const token = await client.login();
  const calls = new Map<string, CallDoc>();
  for (let seq = 0; ;) {
    const res = await client.api(`/sync/calls/0/pull?seq=${seq}&limit=500`, { token });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { documents: CallDoc[]; checkpoint: { seq: number } };
    for (const d of page.documents) calls.set(d.id, d);
    if (page.documents.length === 0) break;
    seq = page.checkpoint.seq;
  }
  second.child.kill('SIGTERM');
  await once(second.child);

  const lost = acked.filter((cb: Callback) =>
    cb.kind === 'voice' ? !calls.has(cb.callSid) : calls.get(cb.callSid)?.status !== 'completed',
  );
  report(
    `kill -9 on ${engine}: ${fmt(sent)} callbacks sent, ${fmt(acked.length)} answered 2xx before the kill, ` +
      `${fmt(unanswered)} cut off by the kill, ${refused.length} refused; after restart ${fmt(acked.length - lost.length)} of ${fmt(acked.length)} held`,
  );
  expect(refused).toEqual([]);
  expect(acked.length).toBeGreaterThan(0);
  expect(lost.map((cb) => `${cb.kind} ${cb.callSid}`)).toEqual([]);
}

describe('kill -9 under load', () => {
  it(
    'keeps every callback answered 2xx when the server on PGlite files is SIGKILLed mid-load and restarted',
    async () => {
      await probe('PGlite', '');
    },
    PROBE_TIMEOUT,
  );

  it.skipIf(!pgTest.available)(
    'keeps every callback answered 2xx when the server on PostgreSQL is SIGKILLed mid-load and restarted',
    async () => {
      const database = await pgTest.create();
      databases.push(database);
      await probe('PostgreSQL', database.url);
    },
    PROBE_TIMEOUT,
  );
});
