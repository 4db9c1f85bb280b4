/**
 * What keeping the per-day aggregates costs a status callback (issue 12 §5: ≤ 1.2× without). Run:
 *   npx tsx tests/bench/aggregates.bench.ts [--leads=250] [--calls=300] [--db=pglite|memory|postgres]
 *
 * The aggregates are kept by a job within seconds (sync-server/src/metrics/keep.ts): the callback's transaction
 * only marks the call's lead, and the upkeep loop recomputes marked leads in batches. Measured in the same run,
 * alternating which goes first, for two new calls of the demo-sized database in each round:
 *   W. the final status callback's transaction with the upkeep's share (call-state fold, document write, lead
 *      quality, the mark);
 *   O. the same callback for the other call with the upkeep switched off (metricsUpkeep.enabled = false).
 * Then the upkeep's own work: draining the leads marked during the run, per lead (what the loop spends a
 * second later, off the callback's path).
 * The ratio W ÷ O is reported from the medians and paired per round (the machine's load changes between
 * rounds far more than within one). A demo-sized database (250 leads, 4 assessors each, earlier calls of a
 * third of the sessions with their aggregates) as in `npm start`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CallEvent } from '../../shared/call-state';
import { loadConfig } from '../../sync-server/src/config';
import { openPglite, openPostgres, type Database } from '../../sync-server/src/db';
import { createAssessor } from '../../sync-server/src/assessors/service';
import { createLead } from '../../sync-server/src/leads/service';
import { createLogger } from '../../sync-server/src/log';
import { drainMetrics, metricsUpkeep, rebuildMetrics } from '../../sync-server/src/metrics/keep';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { startServer } from '../../sync-server/src/server';
import { recordCallEvents } from '../../sync-server/src/twilio/calls';
import { inboundWriter } from '../../sync-server/src/twilio/inbound-batch';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const LEADS = Number(args.get('leads') ?? 250);
const CALLS = Number(args.get('calls') ?? 300);
const DB_KIND = args.get('db') ?? 'pglite';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-agg-bench-'));
const config = loadConfig({
  NODE_ENV: 'production',
  PORT: '0',
  LOG_LEVEL: 'silent',
  DATA_DIR: workDir,
  ADMIN_EMAIL: 'bench@ringside.test',
  ADMIN_PASSWORD: 'bench-password-123',
  TWILIO_ACCOUNT_SID: `AC${crypto.randomBytes(16).toString('hex')}`,
  TWILIO_AUTH_TOKEN: crypto.randomBytes(16).toString('hex'),
  JOBS: '0',
});
let db: Database;
let dropDb: (() => Promise<void>) | null = null;
if (DB_KIND === 'postgres') {
  const admin = await openPostgres('postgres://root@127.0.0.1:5432/test');
  const name = `ringside_agg_bench_${crypto.randomBytes(4).toString('hex')}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  db = await openPostgres(`postgres://root@127.0.0.1:5432/${name}`);
  dropDb = async () => {
    await admin.exec(`DROP DATABASE ${name}`);
    await admin.close();
  };
} else {
  db = await openPglite(DB_KIND === 'memory' ? 'memory://' : path.join(workDir, 'db'));
}
const server = await startServer(config, { db, log: createLogger('silent'), jobs: false });
const ctx = server.ctx;

const setupStarted = performance.now();
await addPoolNumbers(
  ctx,
  Array.from({ length: 40 }, (_, i) => `+4477009008${String(i).padStart(2, '0')}`),
);
const actor = { label: 'bench' };
const assessors: Array<{ id: string; phone: string }> = [];
for (let i = 0; i < 12; i++) {
  const phone = `+4420794602${String(i).padStart(2, '0')}`;
  const r = await createAssessor(ctx, actor, { externalId: `agg-asr-${i}`, name: `Assessor ${i}`, phone });
  assessors.push({ id: r.assessor.id, phone });
}
const contacts: Array<{ from: string; to: string }> = [];
for (let i = 0; i < LEADS; i++) {
  const customer = `+44790001${String(i).padStart(4, '0')}`;
  const chosen = [0, 1, 2, 3].map((k) => assessors[(i * 5 + k * 3) % assessors.length]);
  const r = await createLead(ctx, actor, {
    externalId: `agg-lead-${i}`,
    customer: { name: `Customer ${i}`, phone: customer },
    postcode: 'W1D 3QF',
    service: 'boiler',
    assessorIds: chosen.map((a) => a.id),
  });
  r.assignments.forEach((a, k) => {
    contacts.push({ from: customer, to: a.poolNumber });
    contacts.push({ from: chosen[k].phone, to: a.poolNumber });
  });
}
const finalStatus = (sid: string, status: 'no-answer' | 'busy' | 'completed') => {
  const event: CallEvent = { type: 'parent', at: Date.now(), status, durationSec: status === 'completed' ? 45 : 0 };
  return db.transaction((tx) =>
    recordCallEvents(tx, sid, [event], { now: Date.now(), connectThresholdSec: config.CONNECT_THRESHOLD_SEC }),
  );
};
const newCall = async (c: { from: string; to: string }) => {
  const callSid = `CA${crypto.randomBytes(16).toString('hex')}`;
  await inboundWriter(ctx).submit({ callSid, from: c.from, to: c.to, now: Date.now() });
  return callSid;
};
// Earlier calls of a third of the sessions, ended, so leads carry a history and days carry rows.
for (const [i, c] of contacts.entries()) if (i % 3 === 0) await finalStatus(await newCall(c), 'no-answer');
await rebuildMetrics(db, Date.now);
const days = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM metric_days`);
console.log(
  `setup: ${LEADS} leads, ${contacts.length / 2} sessions, ${Math.ceil(contacts.length / 3)} earlier calls, ${days.rows[0].n} day rows on ${DB_KIND} in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p90 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.9)];
};
const pick = (i: number) => contacts[(i * 7919) % contacts.length];
const STATUSES = ['no-answer', 'busy', 'completed'] as const;

async function rounds(n: number): Promise<{ w: number[]; o: number[] }> {
  const w: number[] = [];
  const o: number[] = [];
  for (let r = 0; r < n; r++) {
    const [sidW, sidO] = [await newCall(pick(2 * r + 11)), await newCall(pick(2 * r + 12))];
    const status = STATUSES[r % STATUSES.length];
    const withUpkeep = async () => {
      metricsUpkeep.enabled = true;
      w.push(await time(() => finalStatus(sidW, status)));
    };
    const withoutUpkeep = async () => {
      metricsUpkeep.enabled = false;
      try {
        o.push(await time(() => finalStatus(sidO, status)));
      } finally {
        metricsUpkeep.enabled = true;
      }
    };
    // Alternating which goes first, so that whatever one leaves behind (cache, GC) falls on both equally.
    if (r % 2) {
      await withoutUpkeep();
      await withUpkeep();
    } else {
      await withUpkeep();
      await withoutUpkeep();
    }
  }
  return { w, o };
}

await rounds(30); // warm-up
await drainMetrics(db, Date.now);
const { w, o } = await rounds(CALLS);
const paired = median(w.map((x, i) => x / o[i]));
const line = (name: string, xs: number[]) =>
  console.log(`  ${name.padEnd(52)} median ${median(xs).toFixed(2)} ms  p90 ${p90(xs).toFixed(2)} ms`);
console.log(`\naggregates on the final status callback, ${DB_KIND}, ${os.cpus().length} cores, ${CALLS} rounds`);
line('W status callback with aggregate upkeep', w);
line('O status callback without (the baseline)', o);
const ratio = median(w) / median(o);
console.log(
  `  ratio W ÷ O: ${ratio.toFixed(2)}× of the medians, ${paired.toFixed(2)}× paired per round (target ≤ 1.2×)`,
);
const marked = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM metric_dirty`)).rows[0].n;
const drainMs = await time(() => drainMetrics(db, Date.now));
console.log(
  `  upkeep: ${marked} marked leads recomputed in ${drainMs.toFixed(0)} ms, ${(drainMs / Math.max(1, marked)).toFixed(2)} ms per lead (off the callback's path)`,
);

await server.close();
await db.close();
await dropDb?.();
fs.rmSync(workDir, { recursive: true, force: true });
