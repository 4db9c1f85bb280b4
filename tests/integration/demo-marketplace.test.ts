import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc, LeadDoc } from '../../shared/schemas';
import { inRankOrder, leaveForAdmins } from '../../sync-server/src/demo/marketplace';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { assignment, makeCall, makeLead } from '../helpers/docs';
import { startTestServer, type TestServer } from '../helpers/server';
import { assessorDoc } from '../helpers/sync-docs';

/** What the sandbox demo leaves for an admin once its month is filled (demo/marketplace.ts), on a real server. */
let server: TestServer;
const DAY = 86_400_000;
const MIN = 60_000;
const T = Date.UTC(2026, 5, 1, 12);

beforeAll(async () => {
  server = await startTestServer();
  server.ctx.now = () => T;
  const leads: LeadDoc[] = [];
  const calls: CallDoc[] = [];
  // Fast Fay reaches 12 of 12 W1 customers in 3 minutes and books 4: the tier rules propose Platinum. Slow Sam
  // reaches 5 of 12 E17 customers: Bronze.
  for (const [who, district, reached, booked] of [
    ['fay', 'W1', 12, 4],
    ['sam', 'E17', 5, 0],
  ] as const) {
    for (let i = 0; i < 12; i++) {
      const id = `${who}-${i}`;
      const at = T - 3 * DAY + i * 30 * MIN;
      leads.push(
        makeLead({
          id,
          externalId: id,
          district,
          postcode: district === 'W1' ? 'W1D 3QF' : 'E17 4PP',
          service: 'boiler',
          createdAt: at,
          assignments: [assignment(who, at, { bookedAt: i < booked ? at + DAY : null })],
        }),
      );
      if (i < reached)
        calls.push(
          makeCall({
            id: `CA-${id}`,
            leadId: id,
            assessorId: who,
            district,
            service: 'boiler',
            startedAt: at + 3 * MIN,
            connected: true,
            talkSeconds: 90,
          }),
        );
    }
  }
  await server.db.transaction(async (tx) => {
    await putDocuments(
      tx,
      'assessors',
      [
        assessorDoc('fay', { name: 'Fay', tier: null, districts: ['W1'], coursesCompleted: ['first-contact'] }),
        assessorDoc('sam', { name: 'Sam', tier: null, districts: ['E17'] }),
      ],
      T,
    );
    await putDocuments(tx, 'leads', leads, T);
    await putDocuments(tx, 'calls', calls, T);
  });
});
afterAll(async () => {
  await server?.close();
});

describe('the demo leaves prices, proposals and overrides for an admin', () => {
  it('prices every district from its own calls, leaves tier proposals waiting (nothing applied), and sets one applying and one scheduled override, audited as the demo', async () => {
    const left = await leaveForAdmins(server.ctx);
    expect(left).toMatchObject({ proposals: 2, overrides: 2 });
    expect(left.areas).toBeGreaterThan(0);
    const w1 = await getDocument(server.db, 'areas', 'W1:boiler');
    const e17 = await getDocument(server.db, 'areas', 'E17:boiler');
    expect(w1?.leads).toBe(12);
    expect(e17?.leads).toBe(12);
    const pending = await server.db.query<{ assessor_id: string; to_tier: string }>(
      `SELECT assessor_id, to_tier FROM tier_proposals WHERE state = 'pending' ORDER BY assessor_id`,
    );
    expect(pending.rows).toEqual([
      { assessor_id: 'fay', to_tier: 'platinum' },
      { assessor_id: 'sam', to_tier: 'bronze' },
    ]);
    expect((await getDocument(server.db, 'assessors', 'fay'))?.tier).toBeNull();
    const overrides = await server.db.query<{ valid_from: string; valid_to: string; created_by: string }>(
      `SELECT valid_from, valid_to, created_by FROM price_overrides ORDER BY valid_from`,
    );
    expect(overrides.rows.map((o) => [Number(o.valid_from) <= T, Number(o.valid_to) > T, o.created_by])).toEqual([
      [true, true, 'sandbox-demo'],
      [false, true, 'sandbox-demo'],
    ]);
    const audited = await server.db.query<{ actor_label: string }>(
      `SELECT actor_label FROM audit_log WHERE action = 'pricing.override.create'`,
    );
    expect(audited.rows).toEqual([{ actor_label: 'sandbox demo' }, { actor_label: 'sandbox demo' }]);
  });

  it('a lead’s shortlist is shown in the allocation order, any assessor the rank left out last', () => {
    expect(inRankOrder(['a', 'b', 'c'], [{ assessorId: 'c' }, { assessorId: 'a' }])).toEqual(['c', 'a', 'b']);
    expect(inRankOrder(['a'], [{ assessorId: 'z' }, { assessorId: 'a' }])).toEqual(['a']);
  });
});
