/**
 * Voice webhook under load (issue 3 §9). Run: npx tsx tests/bench/voice-webhook.bench.ts [--db=pglite|postgres]
 *   [--seconds=8] [--rate=200] [--concurrency=32] [--leads=1000]
 *
 * The real server (file-backed PGlite by default, the embedded production default; or PostgreSQL at
 * 127.0.0.1:5432) answers signed POST /twilio/voice requests for calls into pool numbers: signature check,
 * session lookup, durable write of the call and its document, TwiML out. A second process on loopback
 * generates the load. The baseline is a bare Express route in the same process answering the same TwiML
 * from memory, measured in the same run:
 *   1. throughput, closed loop (N requests in flight) — ratio Ringside / bare;
 *   2. latency at a fixed offered rate (open loop, default 200 calls/s), measured from each request's
 *      scheduled send time so a stall is not hidden (no coordinated omission) — p50 / p99 and the rate served.
 * Targets: ≥ 0.5× the baseline's throughput at the offered rate, and p99 < 50 ms at 200 calls/s.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import twilio from 'twilio';
import { Pool } from 'undici';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));

// ───────────────────────────── the load generator (second process) ─────────────────────────────

interface LoadSpec {
  baseUrl: string;
  publicUrl: string;
  authToken: string;
  contacts: Array<{ from: string; to: string }>;
  mode: 'closed' | 'open';
  seconds: number;
  concurrency: number;
  rate: number;
}

interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const pool = new Pool(spec.baseUrl, {
    connections: Math.max(spec.concurrency, 64),
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  const latencies: number[] = [];
  let seq = 0;
  let ok = 0;
  let errors = 0;
  const one = async (scheduled: number) => {
    // From the scheduled time when the request goes out late (a stall is not hidden), from the real send
    // time when the timer fired a little early.
    const start = Math.max(scheduled, performance.now());
    const c = spec.contacts[seq % spec.contacts.length];
    const params = {
      AccountSid: 'ACbench',
      CallSid: `CA${crypto.randomBytes(16).toString('hex')}`,
      From: c.from,
      To: c.to,
      CallStatus: 'ringing',
      Direction: 'inbound',
    };
    seq++;
    const body = new URLSearchParams(params).toString();
    const signature = twilio.getExpectedTwilioSignature(spec.authToken, spec.publicUrl, params);
    try {
      const res = await pool.request({
        path: '/twilio/voice',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode === 200 && text.includes('<Dial')) ok++;
      else errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - start);
  };
  const started = performance.now();
  const end = started + spec.seconds * 1000;
  if (spec.mode === 'closed') {
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (performance.now() < end) await one(performance.now());
      }),
    );
  } else {
    const interval = 1000 / spec.rate;
    const inflight: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const at = started + i * interval;
      if (at >= end) break;
      const wait = at - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inflight.push(one(at));
    }
    await Promise.all(inflight);
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    sent: latencies.length,
    ok,
    errors,
    seconds,
    throughput: ok / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
  };
}

if (args.has('load')) {
  const spec = JSON.parse(fs.readFileSync(args.get('load')!, 'utf8')) as LoadSpec;
  const result = await generateLoad(spec);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

// ───────────────────────────── the servers (this process) ─────────────────────────────

const { loadConfig } = await import('../../sync-server/src/config');
const { openPglite, openPostgres } = await import('../../sync-server/src/db');
const { startServer } = await import('../../sync-server/src/server');
const { createLogger } = await import('../../sync-server/src/log');
const { addPoolNumbers } = await import('../../sync-server/src/pool/store');
const { createAssessor } = await import('../../sync-server/src/assessors/service');
const { createLead } = await import('../../sync-server/src/leads/service');

const SECONDS = Number(args.get('seconds') ?? 8);
const RATE = Number(args.get('rate') ?? 200);
const CONCURRENCY = Number(args.get('concurrency') ?? 32);
const DB_KIND = args.get('db') ?? 'pglite';
const LEADS = Number(args.get('leads') ?? 1000);

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-voice-bench-'));
const authToken = crypto.randomBytes(16).toString('hex');
const config = loadConfig({
  NODE_ENV: 'production',
  PORT: '0',
  LOG_LEVEL: 'silent',
  DATA_DIR: workDir,
  ADMIN_EMAIL: 'bench@ringside.test',
  ADMIN_PASSWORD: 'bench-password-123',
  TWILIO_ACCOUNT_SID: `AC${crypto.randomBytes(16).toString('hex')}`,
  TWILIO_AUTH_TOKEN: authToken,
  JOBS: '0',
});

let db;
if (DB_KIND === 'postgres') {
  const admin = await openPostgres('postgres://root@127.0.0.1:5432/test');
  const name = `ringside_bench_${crypto.randomBytes(4).toString('hex')}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  db = await openPostgres(`postgres://root@127.0.0.1:5432/${name}`);
} else {
  db = await openPglite(path.join(workDir, 'db'));
}
const server = await startServer(config, { db, log: createLogger('silent'), jobs: false });
config.publicBaseUrl = server.url;

// A realistic pool: 40 numbers, 30 assessors, 1,000 leads with 4 assessors each (4,000 sessions).
const numbers = Array.from({ length: 40 }, (_, i) => `+4477009009${String(i).padStart(2, '0')}`);
await addPoolNumbers(server.ctx, numbers);
const actor = { label: 'bench' };
const assessorIds: string[] = [];
for (let i = 0; i < 30; i++) {
  const r = await createAssessor(server.ctx, actor, {
    externalId: `bench-asr-${i}`,
    name: `Assessor ${i}`,
    phone: `+4420794601${String(i).padStart(2, '0')}`,
  });
  assessorIds.push(r.assessor.id);
}
const contacts: Array<{ from: string; to: string }> = [];
const setupStarted = performance.now();
for (let i = 0; i < LEADS; i++) {
  const customer = `+44790000${String(i).padStart(4, '0')}`;
  const chosen = [0, 1, 2, 3].map((k) => assessorIds[(i * 7 + k * 11) % assessorIds.length]);
  const r = await createLead(server.ctx, actor, {
    externalId: `bench-lead-${i}`,
    customer: { name: `Customer ${i}`, phone: customer },
    postcode: 'W1D 3QF',
    service: 'boiler',
    assessorIds: chosen,
  });
  for (const a of r.assignments) contacts.push({ from: customer, to: a.poolNumber });
}
console.log(
  `setup: ${LEADS} leads / ${contacts.length} sessions on ${DB_KIND} in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
);
// Shuffle so consecutive calls hit different sessions.
for (let i = contacts.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [contacts[i], contacts[j]] = [contacts[j], contacts[i]];
}

// The baseline: the same TwiML, from memory, on a bare Express route with the same body parser.
const sample = contacts[0];
const sampleParams = { CallSid: `CA${'5'.repeat(32)}`, From: sample.from, To: sample.to };
const sampleRes = await fetch(`${server.url}/twilio/voice`, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, `${server.url}/twilio/voice`, sampleParams),
  },
  body: new URLSearchParams(sampleParams),
});
const cachedTwiml = await sampleRes.text();
if (!cachedTwiml.includes('<Dial')) throw new Error(`unexpected TwiML: ${cachedTwiml}`);
const bare = express();
bare.post('/twilio/voice', express.urlencoded({ extended: false }), (_req, res) => {
  res.type('text/xml').send(cachedTwiml);
});
const bareServer = http.createServer(bare);
bareServer.keepAliveTimeout = 5000;
await new Promise<void>((r) => bareServer.listen(0, '127.0.0.1', () => r()));
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

async function load(target: 'ringside' | 'bare', mode: 'closed' | 'open', seconds: number): Promise<LoadResult> {
  const baseUrl = target === 'ringside' ? server.url : bareUrl;
  const spec: LoadSpec = {
    baseUrl,
    publicUrl: `${baseUrl}/twilio/voice`,
    authToken,
    contacts,
    mode,
    seconds,
    concurrency: CONCURRENCY,
    rate: RATE,
  };
  const file = path.join(workDir, `load-${target}-${mode}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, `--load=${file}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

const fmt = (r: LoadResult) =>
  `${r.throughput.toFixed(0).padStart(6)} calls/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p90 ${r.p90.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  max ${r.max.toFixed(0).padStart(5)} ms  errors ${r.errors}`;

await load('ringside', 'closed', 1.5); // warm-up (JIT, connections, caches)
await load('bare', 'closed', 1.5);
const bareMax = await load('bare', 'closed', SECONDS);
const ringsideMax = await load('ringside', 'closed', SECONDS);
const bareRate = await load('bare', 'open', SECONDS);
const ringsideRate = await load('ringside', 'open', SECONDS);
const written = await server.ctx.db.query<{ calls: number; docs: number }>(
  `SELECT (SELECT count(*)::int FROM calls) AS calls, (SELECT count(*)::int FROM sync_documents WHERE collection = 'calls') AS docs`,
);

console.log(`\nvoice webhook, ${DB_KIND}, ${os.cpus().length} cores, load from a second process on loopback`);
console.log(`closed loop, ${CONCURRENCY} in flight, ${SECONDS} s:`);
console.log(`  bare Express   ${fmt(bareMax)}`);
console.log(`  Ringside       ${fmt(ringsideMax)}`);
console.log(
  `  ratio          ${(ringsideMax.throughput / bareMax.throughput).toFixed(3)}× of the bare route's maximum throughput`,
);
console.log(`open loop, offered ${RATE} calls/s, ${SECONDS} s (latency from scheduled send time):`);
console.log(`  bare Express   ${fmt(bareRate)}`);
console.log(`  Ringside       ${fmt(ringsideRate)}`);
const servedRatio = ringsideRate.throughput / bareRate.throughput;
console.log(`  ratio          ${servedRatio.toFixed(3)}× of the bare route's throughput at ${RATE} calls/s`);
console.log(`durable rows: ${written.rows[0].calls} calls, ${written.rows[0].docs} call documents`);
console.log(
  `targets: ratio ≥ 0.5× at ${RATE} calls/s: ${servedRatio >= 0.5 ? 'met' : 'NOT met'}; p99 < 50 ms at ${RATE} calls/s: ${ringsideRate.p99 < 50 ? 'met' : 'NOT met'} ` +
    `(p99 ${ringsideRate.p99.toFixed(1)} ms); maximum-throughput ratio ${(ringsideMax.throughput / bareMax.throughput).toFixed(3)}×`,
);

await new Promise<void>((r) => bareServer.close(() => r()));
await server.close();
await db.close();
fs.rmSync(workDir, { recursive: true, force: true });
