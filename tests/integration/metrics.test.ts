import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFigures, type AggregateRow } from '../../shared/aggregates/aggregate';
import { bucketOf, bucketValue } from '../../shared/aggregates/sketch';
import { runInServer } from '../../sync-server/src/cli';
import { ANNOUNCEMENT_SEC, drainMetrics, rebuildMetrics, startMetricsUpkeep } from '../../sync-server/src/metrics/keep';
import { OPT_OUT_PROMPT, RECORDING_NOTICE } from '../../sync-server/src/twilio/voice';
import {
  addAssessor,
  addLead,
  addNumbers,
  api,
  callDoc,
  startTelephony,
  type LeadOut,
  type Telephony,
} from './voice-setup';

/**
 * Per-day aggregates kept by the server (shared/aggregates/SPEC.md) through the Twilio sandbox and the real
 * webhooks on PGlite: each event marks its lead in its own transaction, the upkeep recomputes marked leads
 * (drained here by the test; the server's loop does it every second), and what was kept event by event equals
 * `metrics rebuild` for random histories, with callbacks duplicated and shuffled.
 */
const POOL = ['+447700900861', '+447700900862', '+447700900863', '+447700900864'];
const PHONES = ['+447700900221', '+447700900222', '+447700900223'];

let t: Telephony;
const assessors: string[] = [];

beforeAll(async () => {
  t = await startTelephony();
  await addNumbers(t, POOL);
  for (const [i, phone] of PHONES.entries()) assessors.push(await addAssessor(t, `mt-${i}`, `Assessor ${i}`, phone));
});
afterAll(async () => {
  await t?.close();
});

/** The rows once the upkeep has run (the test server runs no background work: the test drains, as the loop would). */
async function stored(): Promise<AggregateRow[]> {
  await drainMetrics(t.server.db, Date.now);
  return storedAsIs();
}
async function storedAsIs(): Promise<AggregateRow[]> {
  const { rows } = await t.server.db.query<AggregateRow>(
    `SELECT day, district, service, assessor_id AS "assessorId", figures FROM metric_days
      WHERE figures <> '{}'::jsonb ORDER BY day, district, service, assessor_id`,
  );
  return rows;
}
async function figuresOf(assessorId: string) {
  const rows = (await stored()).filter((r) => r.assessorId === assessorId);
  return rows.reduce<Record<string, number>>((acc, r) => {
    for (const [k, v] of Object.entries(r.figures)) acc[k] = (acc[k] ?? 0) + v;
    return acc;
  }, {});
}
const poolOf = (lead: LeadOut, assessorId: string) =>
  lead.assignments.find((x) => x.assessorId === assessorId)!.poolNumber;
let customerSeq = 0;
const nextCustomer = () => `+4477009004${String(customerSeq++).padStart(2, '0')}`;

describe('aggregates kept as events arrive', () => {
  it('AG7 the notice the server takes off unrecorded talk time is as long as the whisper it says', () => {
    // The sandbox's text-to-speech timing (0.4 s + words ÷ 2.6 per prompt) and the whisper's 1 s gather timeout.
    const say = (text: string) => 0.4 + text.split(/\s+/).filter(Boolean).length / 2.6;
    expect(Math.abs(ANNOUNCEMENT_SEC - (say(RECORDING_NOTICE) + say(OPT_OUT_PROMPT) + 1))).toBeLessThan(1);
  });

  it('AG5/AG6 an assignment, a call and a duplicated, shuffled callback set count once', async () => {
    const [a] = assessors;
    const before = await figuresOf(a);
    const customer = nextCustomer();
    const lead = await addLead(t, 'mt-lead-1', { name: 'Jane Doe', phone: customer }, [a]);
    expect((await figuresOf(a)).assignments).toBe((before.assignments ?? 0) + 1);
    await t.sandbox.placeCall({
      from: PHONES[0],
      to: poolOf(lead, a),
      talkSec: 40,
      callbacks: { duplicate: 1, reorder: true, seed: 7 },
    });
    // The callback's own transaction marked the lead for the upkeep.
    const marked = await t.server.db.query('SELECT 1 FROM metric_dirty WHERE lead_id = $1', [lead.id]);
    expect(marked.rows.length).toBe(1);
    const after = await figuresOf(a);
    expect(after.calls - (before.calls ?? 0)).toBe(1);
    expect(after.contacted - (before.contacted ?? 0)).toBe(1);
    expect(after.connected - (before.connected ?? 0)).toBe(1);
    // A booking reported by the marketplace.
    const booked = await api(t, `/api/leads/${lead.id}/booking`, { assessorId: a, bookedAt: Date.now() });
    expect(booked.status).toBe(200);
    expect((await figuresOf(a)).booked - (before.booked ?? 0)).toBe(1);
    // The lead's own row: a connected, booked lead.
    const leadRow = (await stored()).filter((r) => r.assessorId === '');
    expect(leadRow.reduce((n, r) => n + (r.figures.leadsBooked ?? 0), 0)).toBeGreaterThanOrEqual(1);
  });

  it('AG8 a customer hanging up while it rings is patience; the dashboards read it from GET /api/metrics/daily', async () => {
    const [, b] = assessors;
    const lead = await addLead(t, 'mt-lead-2', { name: 'Amy Lee', phone: nextCustomer() }, [b]);
    const customer = (
      await t.server.db.query<{ customer_phone: string }>('SELECT customer_phone FROM leads WHERE id = $1', [lead.id])
    ).rows[0].customer_phone;
    // The caller hears the recording notice first, then it rings until they give up 12 s into the call.
    const gaveUp = await t.sandbox.placeCall({
      from: customer,
      to: poolOf(lead, b),
      callee: { answer: false },
      callerPatienceSec: 12,
    });
    const call = await callDoc(t, gaveUp.callSid);
    expect(call).toMatchObject({ status: 'canceled', direction: 'customer_to_assessor' });
    expect(call!.ringSeconds).toBeGreaterThan(0);
    await drainMetrics(t.server.db, Date.now);
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const res = await t.server.api(`/api/metrics/daily?from=${from}&to=${to}&district=W1&service=boiler`, {
      token: t.admin,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: AggregateRow[]; total: ReturnType<typeof readFigures> };
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.total.patienceMedianSec).not.toBeNull();
    expect(body.total.patienceMedianSec).toBe(bucketValue(bucketOf(call!.ringSeconds)));
    expect(body.rows.every((r) => r.day >= from && r.day <= to)).toBe(true);

    // One assessor's rows only.
    const mine = await t.server.api(`/api/metrics/daily?from=${from}&to=${to}&assessorId=${b}`, { token: t.admin });
    const mineBody = (await mine.json()) as { rows: AggregateRow[] };
    expect(mineBody.rows.length).toBeGreaterThan(0);
    expect(mineBody.rows.every((r) => r.assessorId === b)).toBe(true);

    // Input is checked: a stable error code naming the field, never a 500.
    const bad = await t.server.api(`/api/metrics/daily?from=${to}&to=${from}`, { token: t.admin });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const missing = await t.server.api(`/api/metrics/daily?from=yesterday&to=${to}`, { token: t.admin });
    expect(missing.status).toBe(400);
    // Admins only.
    const anonymous = await t.server.api(`/api/metrics/daily?from=${from}&to=${to}`, {});
    expect(anonymous.status).toBe(401);
  });

  it('AG6/AG14 for random histories with duplicated and shuffled callbacks, what was kept equals metrics rebuild', async () => {
    type Action =
      | { kind: 'call'; by: 'customer' | 'assessor'; who: number; outcome: 'talk' | 'no-answer' | 'busy' | 'gave-up' }
      | { kind: 'sms'; by: 'customer' | 'assessor'; who: number }
      | { kind: 'book'; who: number };
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.record({
        kind: fc.constant('call' as const),
        by: fc.constantFrom('customer' as const, 'assessor' as const),
        who: fc.nat(2),
        outcome: fc.constantFrom('talk' as const, 'no-answer' as const, 'busy' as const, 'gave-up' as const),
      }),
      fc.record({
        kind: fc.constant('sms' as const),
        by: fc.constantFrom('customer' as const, 'assessor' as const),
        who: fc.nat(2),
      }),
      fc.record({ kind: fc.constant('book' as const), who: fc.nat(2) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(action, fc.integer({ min: 0, max: 1000 })), { minLength: 2, maxLength: 6 }),
        async (shown, actions) => {
          const customer = nextCustomer();
          const chosen = assessors.slice(0, shown);
          const lead = await addLead(t, `mt-prop-${run++}`, { name: 'Kit Moss', phone: customer }, chosen);
          // Two at a time, so the callbacks of different calls interleave as well.
          for (let i = 0; i < actions.length; i += 2) {
            await Promise.all(
              actions.slice(i, i + 2).map(async ([act, seed]) => {
                const who = chosen[act.who % chosen.length];
                const assessorPhone = PHONES[assessors.indexOf(who)];
                const pool = poolOf(lead, who);
                const callbacks = { duplicate: 0.5, reorder: true, seed };
                if (act.kind === 'book') {
                  await api(t, `/api/leads/${lead.id}/booking`, { assessorId: who, bookedAt: Date.now() });
                } else if (act.kind === 'sms') {
                  await t.sandbox.sendSms({
                    from: act.by === 'customer' ? customer : assessorPhone,
                    to: pool,
                    body: 'Hello',
                    callbacks,
                  });
                } else {
                  await t.sandbox.placeCall({
                    from: act.by === 'customer' ? customer : assessorPhone,
                    to: pool,
                    talkSec: 25,
                    callee:
                      act.outcome === 'busy'
                        ? { busy: true }
                        : act.outcome === 'talk'
                          ? { ringSec: 3 }
                          : { answer: false },
                    callerPatienceSec: act.outcome === 'gave-up' ? 8 : undefined,
                    callbacks,
                  });
                }
              }),
            );
          }
          const kept = await stored();
          await rebuildMetrics(t.server.db, Date.now);
          expect(await stored()).toEqual(kept);
        },
      ),
      { numRuns: 6, seed: 20261203 },
    );
  });

  it('the upkeep loop counts a marked lead within seconds, without anyone draining', async () => {
    const [a] = assessors;
    const shutdown = new AbortController();
    startMetricsUpkeep({ db: t.server.db, now: Date.now, log: t.server.ctx.log, shutdown });
    try {
      const before = (await figuresOf(a)).assignments ?? 0;
      await addLead(t, 'mt-lead-loop', { name: 'Pia Lund', phone: nextCustomer() }, [a]);
      await expect
        .poll(
          async () => {
            const rows = (await storedAsIs()).filter((r) => r.assessorId === a);
            return rows.reduce((n, r) => n + (r.figures.assignments ?? 0), 0);
          },
          { timeout: 10_000 },
        )
        .toBe(before + 1);
      expect((await t.server.db.query('SELECT 1 FROM metric_dirty')).rows.length).toBe(0);
    } finally {
      shutdown.abort();
    }
  });

  it('`metrics rebuild` runs from the CLI on the server’s database and restores rows that drifted', async () => {
    const kept = await stored();
    expect(kept.length).toBeGreaterThan(0);
    await t.server.db.query(`UPDATE metric_days SET figures = '{"assignments": 999}'::jsonb`);
    // What `npm run cli -- metrics rebuild --json` does beside a running server: the command runs inside it.
    const reply = await runInServer(
      { argv: ['metrics', 'rebuild', '--json'], cwd: process.cwd() },
      { config: t.server.ctx.config, db: t.server.db },
    );
    expect(reply.code).toBe(0);
    expect(reply.stdout).toMatch(/"leads": ?\d+/);
    expect(await stored()).toEqual(kept);
  });
});
