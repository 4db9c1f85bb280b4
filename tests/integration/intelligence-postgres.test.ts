import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessorDoc, CallDoc, LeadDoc, TierChangeDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { applyReplicatedDecisions } from '../../sync-server/src/tiers/service';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { assignment, makeCall, makeLead } from '../helpers/docs';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitUntil } from '../helpers/wait';

/**
 * The pricing, tier and allocation SQL on PostgreSQL (the other suites run on PGlite): a quote from seeded
 * history, a proposal, and a decision pushed through replication applied exactly once while two servers on the
 * same database both listen (R9: every instance hears the change).
 */
const pgTest = await probePostgres('pricing and tiers on PostgreSQL');
const T = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;
const MIN = 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
type Json = Record<string, any>;

describe.skipIf(!pgTest.available)('pricing and tiers on PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let db: Database;
  let server: TestServer;
  let second: TestServer;
  let admin: string;
  let key: string;
  let patId: string;

  beforeAll(async () => {
    database = await pgTest.create();
    db = await openPostgres(database.url, { max: 10 });
    server = await startTestServer({ db });
    second = await startTestServer({ db });
    for (const s of [server, second]) s.ctx.now = () => T;
    admin = await server.login();
    key = (await createApiKey(db, 'pg-intelligence')).key;
    const res = await server.api('/api/assessors', {
      method: 'POST',
      token: key,
      json: { externalId: 'pg-pat', name: 'Pat', phone: '07700 900801', districts: ['W1'], services: ['boiler'] },
    });
    patId = ((await res.json()) as Json).assessor.id;
    const leads: LeadDoc[] = [];
    const calls: CallDoc[] = [];
    // W1 boiler: 100 leads, 90 connected, 60 booked (the brief's W1); Pat has 12 of them, reached in 5 minutes.
    for (let i = 0; i < 100; i++) {
      const id = `pg-${i}`;
      const at = T - 5 * DAY + i * MIN;
      leads.push(
        makeLead({
          id,
          externalId: id,
          district: 'W1',
          service: 'boiler',
          createdAt: at,
          assignments: [assignment(i < 12 ? patId : 'someone-else', at, { bookedAt: i < 60 ? at + DAY : null })],
        }),
      );
      calls.push(
        makeCall({
          id: `CA-pg-${i}`,
          leadId: id,
          assessorId: i < 12 ? patId : 'someone-else',
          startedAt: at + 5 * MIN,
          connected: i < 90,
          talkSeconds: i < 90 ? 60 : 0,
        }),
      );
    }
    await db.transaction(async (tx) => {
      await putDocuments(tx, 'leads', leads, T);
      await putDocuments(tx, 'calls', calls, T);
    });
  });
  afterAll(async () => {
    await second?.close();
    await server?.close();
    await db?.close();
    await database?.drop();
  });

  it('PR4: W1 is priced at £25 from its own history', async () => {
    const res = await server.api('/api/pricing/quote?postcode=W1D%203QF&service=boiler', { token: key });
    expect(await res.json()).toMatchObject({ district: 'W1', pricePence: 2500, source: 'rule', basis: { leads: 100 } });
  });

  it('TR7: a decision pushed through replication is applied once, though two servers listen', async () => {
    const proposed = (await (
      await server.api('/api/tiers/propose', { method: 'POST', token: admin, json: {} })
    ).json()) as Json;
    expect(proposed.proposed.map((p: Json) => [p.assessorId, p.to])).toEqual([[patId, 'gold']]);
    const id = proposed.proposed[0].id as string;
    const doc = (await getDocument(db, 'tierChanges', id)) as TierChangeDoc;
    const adminId = (await db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
    const push = await second.api('/sync/tierChanges/0/push', {
      method: 'POST',
      token: admin,
      json: {
        rows: [
          {
            newDocumentState: { ...doc, status: 'approved', decidedBy: adminId, decidedAt: T },
            assumedMasterState: doc,
          },
        ],
      },
    });
    expect(await push.json()).toEqual({ conflicts: [] });
    await waitUntil(
      'the approval to be applied',
      async () => ((await getDocument(db, 'assessors', patId)) as AssessorDoc).tier,
      (tier) => tier === 'gold',
    );
    // Both instances heard it; however they raced, one applied it and a further pass finds nothing.
    await Promise.all([applyReplicatedDecisions(server.ctx), applyReplicatedDecisions(second.ctx)]);
    const { rows } = await db.query(
      `SELECT 1 FROM audit_log WHERE action = 'tier.approve' AND detail->>'proposalId' = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    const ranked = (await (
      await server.api('/api/allocation/rank', {
        method: 'POST',
        token: key,
        json: { postcode: 'W1D 3QF', service: 'boiler' },
      })
    ).json()) as Json;
    expect(ranked.ranked.map((r: Json) => [r.assessorId, r.tier, r.pricePence])).toEqual([[patId, 'gold', 2500]]);
  });
});
