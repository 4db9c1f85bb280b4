/**
 * What keeping lead quality current costs on the voice webhook path. Run: npx tsx tests/bench/lead-quality.bench.ts
 *   [--leads=250] [--calls=400] [--db=pglite|memory|postgres]
 *
 * Lead quality is recomputed inside the transaction that logs a call (sync-server/src/leads/quality.ts). On the
 * hottest path, POST /twilio/voice for a new call, that is one more counter lock, three reads and (when the
 * evidence changed) one lead document write per group-commit batch. Measured in the same run, alternating:
 *   A. the webhook's whole durable write for one new routed call (inbound-batch, quality step included);
 *   C. a transaction writing that lead's call document (the write and commit the webhook pays anyway);
 *   B. the same transaction plus the quality step, made to write the lead (as after a new call).
 * The quality step costs B − C, a share (B − C) / A of the durable write. Then the same for 32 calls arriving
 * together (one group-commit batch).
 * A demo-sized database (250 leads, 4 assessors each, a few calls per lead) as in `npm start`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../sync-server/src/config';
import { openPglite, openPostgres, type Database } from '../../sync-server/src/db';
import { createAssessor, createLead } from '../../sync-server/src/leads/service';
import { refreshLeadQuality } from '../../sync-server/src/leads/quality';
import { createLogger } from '../../sync-server/src/log';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { startServer } from '../../sync-server/src/server';
import { putDocuments } from '../../sync-server/src/replication/store';
import { inboundWriter } from '../../sync-server/src/twilio/inbound-batch';
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

async function round(batch: number, rounds: number): Promise<{ a: number[]; b: number[]; c: number[] }> {
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const chosen = Array.from({ length: batch }, (_, k) => pick(r * batch + k + 17));
    // A: new routed calls arriving together become one group-commit batch.
    a.push(
      (await time(() =>
        Promise.all(
          chosen.map((x) =>
            inboundWriter(ctx).submit({
              callSid: `CA${crypto.randomBytes(16).toString('hex')}`,
              from: x.from,
              to: x.to,
              now: Date.now(),
            }),
          ),
        ),
      )) / batch,
    );
    const leadIds = chosen.map((x) => x.leadId);
    const docs = await callDocsOf(leadIds);
    // C: a write transaction with the call document write alone (its write and commit the webhook pays anyway).
    const withoutQuality = async () =>
      (await time(() => db.transaction((tx) => putDocuments(tx, 'calls', docs, Date.now())))) / batch;
    // B: the same plus the quality step, made to write the lead (as after a new call whose evidence changed).
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
      c.push(await withoutQuality());
      b.push(await withQuality());
    } else {
      b.push(await withQuality());
      c.push(await withoutQuality());
    }
  }
  return { a, b, c };
}

await round(1, 30); // warm-up
const report = (label: string, r: { a: number[]; b: number[]; c: number[] }) => {
  const a = median(r.a);
  // Paired per round: the machine's load changes between rounds, far less within one.
  const step = r.b.map((b, i) => b - r.c[i]);
  console.log(`${label}`);
  console.log(
    `  A webhook durable write (quality included)  median ${a.toFixed(2)} ms  p90 ${p90(r.a).toFixed(2)} ms per call`,
  );
  console.log(
    `  C call document write in a transaction      median ${median(r.c).toFixed(2)} ms  p90 ${p90(r.c).toFixed(2)} ms per call`,
  );
  console.log(
    `  B the same plus the quality step            median ${median(r.b).toFixed(2)} ms  p90 ${p90(r.b).toFixed(2)} ms per call`,
  );
  console.log(`  quality step, B − C paired per round        median ${median(step).toFixed(2)} ms per call`);
  console.log(`  quality share of the webhook's durable write: ${((median(step) / a) * 100).toFixed(0)} %`);
};
console.log(`\nlead quality on the voice webhook path, ${DB_KIND}, ${os.cpus().length} cores`);
report('one call at a time (a batch of 1):', await round(1, CALLS));
report('32 calls arriving together (one group-commit batch):', await round(32, Math.max(5, Math.round(CALLS / 32))));

const lead = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls`);
console.log(`durable rows: ${lead.rows[0].n} calls`);
await server.close();
await db.close();
await dropDb?.();
fs.rmSync(workDir, { recursive: true, force: true });
