import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { customerBehaviour } from '../../shared/metrics';
import type { CallDoc, LeadDoc, MessageDoc, ReviewDoc, ScorecardDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { runCli } from '../../sync-server/src/cli/index';
import { runServe, type ServingServer } from '../../sync-server/src/cli/serve';
import type { Database } from '../../sync-server/src/db';
import { TEST_ADMIN, testConfig } from '../helpers/server';
import { openTestPglite } from '../helpers/pglite-template';
import { waitFor } from './sandbox-helpers';

/**
 * `npm start` without Twilio credentials, end to end: the real server and the sandbox started by runServe,
 * the server's real Twilio webhooks and REST calls, the sandbox CLI, and the demo on an empty database.
 */

const DAY = 24 * 3600_000;
let dataDir: string;
let db: Database;
let serving: ServingServer;
let key: string;

/** The parts of the marketplace API's answers these tests read. */
interface ApiBody {
  assessor: { id: string };
  lead: { id: string };
  assignments: Array<{ poolNumber: string; extension?: string }>;
}

async function api(pathname: string, json: unknown, at?: number) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  if (at !== undefined) headers['x-sandbox-virtual-time'] = new Date(at).toISOString();
  const res = await fetch(serving.url + pathname, { method: 'POST', headers, body: JSON.stringify(json) });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

async function doc<T>(collection: string, id: string): Promise<T | null> {
  const { rows } = await db.query<{ doc: T }>('SELECT doc FROM sync_documents WHERE collection = $1 AND id = $2', [
    collection,
    id,
  ]);
  return rows[0]?.doc ?? null;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-serve-'));
  db = await openTestPglite();
  serving = await runServe(testConfig({ DATA_DIR: dataDir, DEMO: '0', JOBS: '1' }), { db, handleSignals: false });
  key = (await createApiKey(db, 'marketplace-test')).key;
});
afterAll(async () => {
  await serving?.close();
  await db?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('sandbox mode (npm start without Twilio credentials)', () => {
  it('the sandbox lends the server its account before the server takes webhooks', () => {
    const { config } = serving.ctx;
    expect(config.sandbox).toBe(true);
    expect(serving.sandbox).not.toBeNull();
    expect(config.twilio).toEqual({
      accountSid: serving.sandbox!.accountSid,
      authToken: serving.sandbox!.authToken,
      apiBaseUrl: serving.sandbox!.url,
    });
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox', 'account.json'), 'utf8'));
    expect(saved).toMatchObject({ accountSid: serving.sandbox!.accountSid, url: serving.sandbox!.url });
  });

  it('a backdated customer call goes through the real webhooks and is logged on the virtual clock, recorded and downloaded', async () => {
    const assessor = await api('/api/assessors', {
      externalId: 'serve-a1',
      name: 'Dan Price',
      phone: '07700 900011',
      districts: ['W1'],
      services: ['boiler'],
    });
    expect(assessor.status).toBe(201);
    const leadAt = Date.now() - 10 * DAY;
    const lead = await api(
      '/api/leads',
      {
        externalId: 'serve-l1',
        customer: { name: 'Jane Doe', phone: '07700 900456' },
        postcode: 'W1D 3QF',
        service: 'boiler',
        assessorIds: [assessor.body.assessor.id],
      },
      leadAt,
    );
    expect(lead.status).toBe(201);
    const leadDoc = await doc<LeadDoc>('leads', lead.body.lead.id);
    // The lead API ran on the request's virtual time.
    expect(leadDoc?.createdAt).toBeGreaterThanOrEqual(leadAt);
    expect(leadDoc?.createdAt).toBeLessThan(leadAt + 60_000);
    expect(leadDoc?.sandbox).toBe(true);

    const pool = lead.body.assignments[0].poolNumber as string;
    const callAt = leadAt + 3600_000;
    const result = await serving.sandbox!.placeCall({
      from: '+447700900456',
      to: pool,
      at: callAt,
      timing: 'virtual',
      callee: { ringSec: 6 },
      talkSec: 48,
      conversation: 'customer-booked',
      service: 'boiler',
    });
    expect(result.requests.filter((r) => r.error || r.status >= 400)).toEqual([]);
    expect(result.heard.caller[0].text).toMatch(/This call is being recorded for training and quality purposes/);
    expect(result.dials[0]).toMatchObject({ to: '+447700900011', callerId: pool, bridged: true, talkSec: 48 });

    const call = await waitFor(
      async () => {
        const d = await doc<CallDoc>('calls', result.callSid);
        return d && d.status === 'completed' && d.recording.state === 'stored' ? d : undefined;
      },
      30_000,
      'the call to be logged and its recording stored',
    );
    // Twilio's figure for the dialled leg runs from its answer, so it includes the whisper before the bridge.
    const dialled = result.requests.find((r) => r.kind === 'dial-action')!.params;
    expect(Number(dialled.DialCallDuration)).toBeGreaterThan(48);
    expect(call).toMatchObject({
      direction: 'customer_to_assessor',
      talkSeconds: Number(dialled.DialCallDuration),
      ringSeconds: 6,
      connected: true,
      sandbox: true,
      leadId: lead.body.lead.id,
    });
    expect(call.recording).toMatchObject({ state: 'stored', durationSec: 48, channels: ['customer', 'assessor'] });
    expect(call.startedAt).toBeGreaterThanOrEqual(callAt);
    expect(call.startedAt).toBeLessThan(callAt + 60_000);
  });

  it('`sandbox call` and `sandbox sms` place a call and a text through the running sandbox', async () => {
    const assessor = await api('/api/assessors', {
      externalId: 'serve-a2',
      name: 'Grace Okafor',
      phone: '07700 900012',
      districts: ['N1'],
      services: ['plumbing'],
    });
    const lead = await api('/api/leads', {
      externalId: 'serve-l2',
      customer: { name: 'Sam Roe', phone: '07700 900457' },
      postcode: 'N1 9GU',
      service: 'plumbing',
      assessorIds: [assessor.body.assessor.id],
    });
    const pool = lead.body.assignments[0].poolNumber as string;
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    const prev = process.env.DATA_DIR;
    process.env.DATA_DIR = dataDir;
    try {
      expect(
        await runCli([
          'sandbox',
          'call',
          '--from',
          '07700 900457',
          '--to',
          pool,
          '--ring',
          '4',
          '--talk',
          '25',
          '--json',
        ]),
      ).toBe(0);
      expect(
        await runCli(['sandbox', 'sms', '--from', '07700 900457', '--to', pool, '--body', 'Is Thursday OK?']),
      ).toBe(0);
    } finally {
      spy.mockRestore();
      if (prev === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = prev;
    }
    const result = JSON.parse(printed[0]) as {
      callSid: string;
      dials: Array<{ talkSec: number }>;
      recordings: Array<{ duration: number }>;
    };
    expect(result.dials[0].talkSec).toBe(25);
    expect(result.recordings[0].duration).toBe(25);
    const call = await waitFor(
      () => doc<CallDoc>('calls', result.callSid).then((d) => (d?.status === 'completed' ? d : undefined)),
      10_000,
      'the CLI call',
    );
    // Placed on the virtual clock so that it ends about now, not in the future.
    expect(call.endedAt).toBeLessThanOrEqual(Date.now());
    expect(call.talkSeconds).toBeGreaterThanOrEqual(25);
    expect(printed[1]).toMatch(/^SM[0-9a-f]{32}/);
    const relayed = await waitFor(
      () => serving.sandbox!.phones.inbox('+447700900012').find((m) => m.body.includes('Is Thursday OK?')),
      10_000,
      'the relayed text',
    );
    expect(relayed.from).toBe(pool);
    const { rows } = await db.query<{ doc: MessageDoc }>(
      `SELECT doc FROM sync_documents WHERE collection = 'messages'`,
    );
    expect(rows.some((r) => r.doc.sandbox)).toBe(true);
  });
});

describe('the demo', () => {
  // A month of (small) demo through the real server: generous bound for a loaded CI machine.
  it(
    'fills an empty database through the API and the sandbox: backdated leads in four districts at the brief rates, calls, texts, bookings',
    { timeout: 300_000 },
    async () => {
      const demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-demo-'));
      const demoDb = await openTestPglite();
      const s = await runServe(testConfig({ DATA_DIR: demoDir, DEMO: '1', JOBS: '1' }), {
        db: demoDb,
        handleSignals: false,
        demo: { leadsPerDay: 1, seed: 7 },
      });
      try {
        const summary = await s.demo;
        expect(summary).not.toBeNull();
        // Jobs waited for the fill: nothing was downloaded while it ran (they start only now).
        const early = await demoDb.query(
          `SELECT 1 FROM sync_documents WHERE collection = 'calls' AND doc->'recording'->>'state' = 'stored'`,
        );
        expect(early.rows).toHaveLength(0);
        expect(summary!).toMatchObject({ leads: 30, assessors: 12, failures: 0, unrouted: 0 });
        expect(summary!.calls).toBeGreaterThan(40);
        expect(summary!.texts).toBeGreaterThan(5);
        expect(summary!.bookings).toBeGreaterThan(5);
        for (const d of Object.values(summary!.byDistrict)) {
          // Exact per district up to rounding (7–8 leads each in this small demo).
          expect(Math.abs(d.connected - d.leads * d.targetCallRate)).toBeLessThanOrEqual(1);
          expect(Math.abs(d.booked - d.leads * d.targetConversion)).toBeLessThanOrEqual(1);
        }
        const { rows } = await demoDb.query<{ created_at: number; district: string; sandbox: boolean }>(
          'SELECT created_at, district, sandbox FROM leads',
        );
        expect(rows).toHaveLength(30);
        expect(new Set(rows.map((r) => r.district))).toEqual(new Set(['W1', 'EC1', 'N1', 'E17']));
        expect(rows.every((r) => r.sandbox)).toBe(true);
        const ages = rows.map((r) => (Date.now() - Number(r.created_at)) / DAY);
        expect(Math.max(...ages)).toBeGreaterThan(25);
        expect(Math.min(...ages)).toBeLessThan(2);
        const calls = await demoDb.query<{ doc: CallDoc }>(`SELECT doc FROM sync_documents WHERE collection = 'calls'`);

        // Customers behave like the brief's, and the server's grades follow from what they did: some shop
        // around (hot), some engage (warm), some leads nobody touched (cold), some numbers never answer (suspect).
        const grades = summary!.grades;
        expect(grades.hot + grades.warm + grades.cold + grades.suspect).toBe(30);
        for (const g of ['hot', 'warm', 'cold', 'suspect'] as const) expect(grades[g]).toBeGreaterThan(0);
        expect(grades.hot / 30).toBeGreaterThanOrEqual(0.15);
        expect(grades.warm / 30).toBeGreaterThanOrEqual(0.3);
        expect(grades.suspect / 30).toBeLessThanOrEqual(0.1);
        const leadDocs = (
          await demoDb.query<{ doc: LeadDoc }>(`SELECT doc FROM sync_documents WHERE collection = 'leads'`)
        ).rows.map((r) => r.doc);
        const messageDocs = (
          await demoDb.query<{ doc: MessageDoc }>(`SELECT doc FROM sync_documents WHERE collection = 'messages'`)
        ).rows.map((r) => r.doc);
        const behaviours = leadDocs.map((l) => ({
          lead: l,
          b: customerBehaviour(
            l,
            calls.rows.map((r) => r.doc),
            messageDocs,
          ),
        }));
        expect(behaviours.some(({ b }) => b.proactive)).toBe(true);
        expect(behaviours.some(({ b }) => !b.proactive && b.shopping === 0)).toBe(true);
        expect(behaviours.some(({ b }) => b.shopping >= 2)).toBe(true);
        expect(behaviours.some(({ b }) => b.unansweredRingSeconds.length > 0)).toBe(true);
        // Some shoppers chose their own order rather than the order they were shown the assessors in.
        const shown = (l: LeadDoc) => l.assignments.map((a) => a.assessorId);
        expect(
          behaviours.some(
            ({ lead, b }) =>
              b.calledAssessors.length >= 2 &&
              b.calledAssessors.join() !==
                shown(lead)
                  .filter((id) => b.calledAssessors.includes(id))
                  .join(),
          ),
        ).toBe(true);

        // A starter scorecard, and demo reviewers with submitted reviews (two of them on some of the same calls).
        const card = (
          await demoDb.query<{ doc: ScorecardDoc }>(
            `SELECT doc FROM sync_documents WHERE collection = 'scorecards' AND id = $1`,
            [summary!.scorecardId],
          )
        ).rows[0]?.doc;
        expect(card).toMatchObject({ active: true });
        expect(card!.sections.flatMap((x) => x.questions).length).toBeGreaterThanOrEqual(6);
        const reviews = (
          await demoDb.query<{ doc: ReviewDoc }>(`SELECT doc FROM sync_documents WHERE collection = 'reviews'`)
        ).rows.map((r) => r.doc);
        expect(reviews.length).toBe(summary!.reviews);
        const { rows: reviewerRows } = await demoDb.query<{ id: string }>(
          `SELECT id FROM users WHERE email = 'reviewer@ringside.local' AND role = 'reviewer'`,
        );
        const mine = reviews.filter((r) => r.reviewerId === reviewerRows[0]?.id);
        expect(mine.length).toBeGreaterThanOrEqual(5);
        expect(mine.every((r) => r.status === 'submitted' && r.scorecardId === card!.id && r.score !== null)).toBe(
          true,
        );
        const byCall = new Map<string, number>();
        for (const r of reviews) byCall.set(r.callId, (byCall.get(r.callId) ?? 0) + 1);
        expect([...byCall.values()].some((n) => n >= 2)).toBe(true);

        // The queue's "still being prepared" figure: nothing left for the demo to place once it has filled.
        const login = await fetch(`${s.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }),
        });
        const { token } = (await login.json()) as { token: string };
        const preparing = (await (
          await fetch(`${s.url}/api/queue/preparing`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { calls: number; placing: number; downloading: number; analysing: number };
        expect(preparing.placing).toBe(0);
        expect(preparing.calls).toBe(preparing.downloading);
        expect(calls.rows.length).toBe(summary!.calls);
        expect(calls.rows.every((r) => r.doc.sandbox && r.doc.startedAt < Date.now())).toBe(true);
        expect(calls.rows.some((r) => r.doc.status === 'no-answer' || r.doc.status === 'busy')).toBe(true);
        expect(new Set(calls.rows.map((r) => r.doc.direction))).toEqual(
          new Set(['customer_to_assessor', 'assessor_to_customer']),
        );
        // Background jobs waited for the fill and run now: recordings of synthesised speech are downloaded and stored.
        await waitFor(
          async () => {
            const { rows: stored } = await demoDb.query(
              `SELECT 1 FROM sync_documents WHERE collection = 'calls' AND doc->'recording'->>'state' = 'stored' LIMIT 1`,
            );
            return stored.length > 0;
          },
          90_000,
          'a demo recording to be downloaded',
        );
      } finally {
        await s.close();
      }
      // A second start on the same (now full) database leaves it alone.
      const again = await runServe(testConfig({ DATA_DIR: demoDir, DEMO: '1', JOBS: '0' }), {
        db: demoDb,
        handleSignals: false,
      });
      try {
        expect(await again.demo).toBeNull();
      } finally {
        await again.close();
        await demoDb.close();
        fs.rmSync(demoDir, { recursive: true, force: true });
      }
    },
  );
});
