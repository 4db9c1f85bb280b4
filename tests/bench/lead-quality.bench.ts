/**
 * What keeping lead quality current costs the voice webhooks. Run: npx tsx tests/bench/lead-quality.bench.ts
 *   [--leads=250] [--calls=400] [--db=pglite|memory|postgres]
 *
 * Lead quality is recomputed in the transaction of the callback that gives a call its final outcome
 * (sync-server/src/leads/quality.ts), not on POST /twilio/voice where the caller waits for TwiML. Measured in
 * the same run, alternating, for each new call:
 *   A. POST /twilio/voice's durable write for the new routed call (inbound-batch; no quality work there);
 *   S. the final status callback's transaction (call-state fold and document write, quality step included);
 *   C. a transaction writing that call's document (the write and commit a callback pays anyway);
 *   B. the same transaction plus the quality step, made to write the lead (as when the evidence changed).
 * The quality step costs B − C (paired per round), a share (B − C) / S of the final callback. Then the same
 * for 32 calls arriving together (one group-commit batch on the voice webhook; callbacks stay one by one).
 * A demo-sized database (250 leads, 4 assessors each, a few calls per lead) as in `npm start`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../sync-server/src/config';
import { openPglite, openPostgres, type Database } from '../../sync-server/src/db';
import { createAssessor } from '../../sync-server/src/assessors/service';
import { createLead } from '../../sync-server/src/leads/service';
import { refreshLeadQuality } from '../../sync-server/src/leads/quality';
import { createLogger } from '../../sync-server/src/log';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { startServer } from '../../sync-server/src/server';
import { putDocuments } from '../../sync-server/src/replication/store';
import { recordCallEvents } from '../../sync-server/src/twilio/calls';
import { inboundWriter } from '../../sync-server/src/twilio/inbound-batch';
import type { CallEvent } from '../../shared/call-state';
import type { CallDoc } from '../../shared/schemas';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const LEADS = Number(args.get('leads') ?? 250);
const CALLS = Number(args.get('calls') ?? 400);
const DB_KIND = args.get('db') ?? 'pglite';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-lq-bench-'));
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
  const name = `ringside_lq_bench_${crypto.randomBytes(4).toString('hex')}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  db = await openPostgres(`postgres://root@127.0.0.1:5432/${name}`);
  dropDb = async () => {
    await admin.exec(`DROP DATABASE ${name}`);
    await admin.close();
  };
} else {
  // --db=memory: PGlite without its files, to tell the statements' own cost from the file writes.
  db = await openPglite(DB_KIND === 'memory' ? 'memory://' : path.join(workDir, 'db'));
}
const server = await startServer(config, { db, log: createLogger('silent'), jobs: false });
const ctx = server.ctx;

const setupStarted = performance.now();
await addPoolNumbers(
  ctx,
  Array.from({ length: 40 }, (_, i) => `+4477009009${String(i).padStart(2, '0')}`),
);
const actor = { label: 'bench' };
const assessors: Array<{ id: string; phone: string }> = [];
for (let i = 0; i < 12; i++) {
  const phone = `+4420794601${String(i).padStart(2, '0')}`;
  const r = await createAssessor(ctx, actor, { externalId: `lq-asr-${i}`, name: `Assessor ${i}`, phone });
  assessors.push({ id: r.assessor.id, phone });
}
interface Contact {
  leadId: string;
  from: string;
  to: string;
}
const contacts: Contact[] = [];
for (let i = 0; i < LEADS; i++) {
  const customer = `+44790000${String(i).padStart(4, '0')}`;
  const chosen = [0, 1, 2, 3].map((k) => assessors[(i * 5 + k * 3) % assessors.length]);
  const r = await createLead(ctx, actor, {
    externalId: `lq-lead-${i}`,
    customer: { name: `Customer ${i}`, phone: customer },
    postcode: 'W1D 3QF',
    service: 'boiler',
    assessorIds: chosen.map((a) => a.id),
  });
  r.assignments.forEach((a, k) => {
    contacts.push({ leadId: r.lead.id, from: customer, to: a.poolNumber });
    // The assessor side of the same session (an assessor calling the customer back).
    contacts.push({ leadId: r.lead.id, from: chosen[k].phone, to: a.poolNumber });
  });
}
// A few calls per lead already logged, as in the demo.
const history = contacts.filter((_, i) => i % 3 === 0);
for (const c of history)
  await inboundWriter(ctx).submit({
    callSid: `CA${crypto.randomBytes(16).toString('hex')}`,
    from: c.from,
    to: c.to,
    now: Date.now(),
  });
console.log(
  `setup: ${LEADS} leads, ${contacts.length / 2} sessions, ${history.length} earlier calls on ${DB_KIND} in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
);

const pick = (i: number) => contacts[(i * 7919) % contacts.length];
const nullQuality = (leadIds: string[]) =>
  db.query(
    `UPDATE sync_documents SET doc = jsonb_set(doc, '{quality}', 'null'::jsonb) WHERE collection = 'leads' AND id = ANY($1::text[])`,
    [leadIds],
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

/** A call document of each lead, rewritten as-is: the document write every voice webhook makes anyway. */
async function callDocsOf(leadIds: string[]): Promise<CallDoc[]> {
  const { rows } = await db.query<{ doc: CallDoc }>(
    `SELECT DISTINCT ON (s.lead_id) d.doc FROM pool_sessions s JOIN calls c ON c.session_id = s.id
       JOIN sync_documents d ON d.collection = 'calls' AND d.id = c.call_sid WHERE s.lead_id = ANY($1::text[])`,
    [leadIds],
  );
  return rows.map((r) => r.doc);
}

interface Round {
  a: number[];
  s: number[];
  b: number[];
  c: number[];
}

async function round(batch: number, rounds: number): Promise<Round> {
  const out: Round = { a: [], s: [], b: [], c: [] };
  for (let r = 0; r < rounds; r++) {
    const chosen = Array.from({ length: batch }, (_, k) => pick(r * batch + k + 17));
    const sids = chosen.map(() => `CA${crypto.randomBytes(16).toString('hex')}`);
    // A: new routed calls arriving together become one group-commit batch.
    out.a.push(
      (await time(() =>
        Promise.all(
          chosen.map((x, i) =>
            inboundWriter(ctx).submit({ callSid: sids[i], from: x.from, to: x.to, now: Date.now() }),
          ),
        ),
      )) / batch,
    );
    // S: each call's final status callback (the parent call's own StatusCallback), one transaction each.
    for (const sid of sids) {
      const event: CallEvent = { type: 'parent', at: Date.now(), status: 'no-answer', durationSec: 0 };
      out.s.push(
        await time(() =>
          db.transaction((tx) =>
            recordCallEvents(tx, sid, [event], { now: Date.now(), connectThresholdSec: config.CONNECT_THRESHOLD_SEC }),
          ),
        ),
      );
    }
    const leadIds = chosen.map((x) => x.leadId);
    const docs = await callDocsOf(leadIds);
    const withoutQuality = async () =>
      (await time(() => db.transaction((tx) => putDocuments(tx, 'calls', docs, Date.now())))) / batch;
    const withQuality = async () => {
      await nullQuality(leadIds);
      return (
        (await time(() =>
          db.transaction(async (tx) => {
            await putDocuments(tx, 'calls', docs, Date.now());
            await refreshLeadQuality(tx, leadIds, Date.now());
          }),
        )) / batch
      );
    };
    // Alternating which goes first, so that whatever one leaves behind (cache, GC) falls on both equally.
    if (r % 2) {
      out.c.push(await withoutQuality());
      out.b.push(await withQuality());
    } else {
      out.b.push(await withQuality());
      out.c.push(await withoutQuality());
    }
  }
  return out;
}

await round(1, 30); // warm-up
/** `share`: only where the quality step and the callback it sits in were measured alike (one call at a time). */
const report = (label: string, r: Round, share: boolean) => {
  // Paired per round: the machine's load changes between rounds, far less within one.
  const step = median(r.b.map((b, i) => b - r.c[i]));
  const line = (name: string, xs: number[]) =>
    console.log(`  ${name.padEnd(58)} median ${median(xs).toFixed(2)} ms  p90 ${p90(xs).toFixed(2)} ms per call`);
  console.log(label);
  line('A voice webhook durable write (no quality work)', r.a);
  line('S final status callback (quality step included)', r.s);
  line('C call document write in a transaction', r.c);
  line('B the same plus the quality step', r.b);
  console.log(`  ${'quality step, B − C paired per round'.padEnd(58)} median ${step.toFixed(2)} ms per call`);
  if (share)
    console.log(
      `  quality share of the final status callback: ${((step / median(r.s)) * 100).toFixed(0)} %; of the voice webhook: none`,
    );
};
console.log(`\nlead quality on the voice webhooks, ${DB_KIND}, ${os.cpus().length} cores`);
report('one call at a time (a batch of 1):', await round(1, CALLS), true);
report(
  '32 calls arriving together (one group-commit batch):',
  await round(32, Math.max(5, Math.round(CALLS / 32))),
  false,
);

const lead = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls`);
console.log(`durable rows: ${lead.rows[0].n} calls`);
await server.close();
await db.close();
await dropDb?.();
fs.rmSync(workDir, { recursive: true, force: true });
