import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessorDoc, CallDoc, LeadDoc, TierChangeDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { createUser } from '../../sync-server/src/auth/users';
import { getDocument, getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { assignment, makeCall, makeLead } from '../helpers/docs';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitUntil } from '../helpers/wait';

/**
 * Tier proposals, decisions and their effect on price and allocation order (shared/tiers/SPEC.md,
 * shared/allocation/SPEC.md), over a real server: history seeded as documents, decisions by the route and by
 * a replication push.
 */
let server: TestServer;
let admin: string;
let adminId: string;
let reviewer: string;
let author: string;
let key: string;
const ids: Record<string, string> = {};
const MIN = 60_000;
const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 1, 12);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
type Json = Record<string, any>;
async function call(method: 'GET' | 'POST', path: string, json?: unknown, token: string | null = admin) {
  const res = await server.api(path, { method, token: token ?? undefined, json });
  return { status: res.status, body: (await res.json()) as Json };
}
const assessorDoc = async (name: string) => (await getDocument(server.db, 'assessors', ids[name])) as AssessorDoc;
const rankOrder = async () =>
  (await call('POST', '/api/allocation/rank', { postcode: 'W1D 3QF', service: 'boiler' }, key)).body.ranked.map(
    (r: Json) => r.name,
  );

/**
 * `n` assignments for an assessor in the last 30 days: the first `contacted` get an assessor call `responseMin`
 * minutes after the assignment, connected; the first `booked` are booked.
 */
async function seedAssignments(name: string, n: number, contacted: number, booked: number, responseMin: number) {
  const leads: LeadDoc[] = [];
  const calls: CallDoc[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${name}-lead-${i}`;
    const at = T - 5 * DAY + i * MIN;
    leads.push(
      makeLead({
        id,
        externalId: id,
        district: 'W1',
        service: 'boiler',
        createdAt: at,
        assignments: [assignment(ids[name], at, { bookedAt: i < booked ? at + DAY : null })],
      }),
    );
    if (i < contacted) {
      calls.push(
        makeCall({
          id: `CA-${name}-${i}`,
          leadId: id,
          assessorId: ids[name],
          district: 'W1',
          service: 'boiler',
          startedAt: at + responseMin * MIN,
          connected: true,
          talkSeconds: 60 + i,
        }),
      );
    }
  }
  await server.db.transaction(async (tx) => {
    await putDocuments(tx, 'leads', leads, T);
    await putDocuments(tx, 'calls', calls, T);
  });
}

/** Completed training courses are recorded by training (later work); here they are set on the document. */
async function setCourses(name: string, courses: string[]) {
  const doc = await assessorDoc(name);
  await server.db.transaction((tx) => putDocuments(tx, 'assessors', [{ ...doc, coursesCompleted: courses }], T));
}

beforeAll(async () => {
  server = await startTestServer();
  server.ctx.now = () => T;
  admin = await server.login();
  adminId = (await server.db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
  for (const role of ['reviewer', 'author'] as const) {
    await createUser(server.db, { email: `${role}@tiers.test`, password: 'correct horse battery', role });
  }
  reviewer = await server.login('reviewer@tiers.test', 'correct horse battery');
  author = await server.login('author@tiers.test', 'correct horse battery');
  key = (await createApiKey(server.db, 'tiers-test')).key;
  for (const [name, phone] of [
    ['Pat', '07700 900601'],
    ['Bea', '07700 900602'],
    ['Few', '07700 900603'],
  ]) {
    const r = await call(
      'POST',
      '/api/assessors',
      { externalId: `asr-${name}`, name, phone, districts: ['W1'], services: ['boiler'] },
      key,
    );
    expect(r.status).toBe(201);
    ids[name] = r.body.assessor.id;
  }
  // Pat: fast (5 min), contacts and connects 12 of 12, books 4, one course: Platinum material.
  await seedAssignments('Pat', 12, 12, 4, 5);
  await setCourses('Pat', ['first-contact-excellence']);
  // Bea: reaches 5 of 12 (42 %): Bronze; two courses, so she ranks first while nobody has a tier.
  await seedAssignments('Bea', 12, 5, 1, 20);
  await setCourses('Bea', ['objection-handling', 'first-contact-excellence']);
  // Few: only 5 assignments: no proposal however poor (TR2).
  await seedAssignments('Few', 5, 0, 0, 0);
});
afterAll(async () => {
  await server?.close();
});

describe('tier proposals, decisions and their effect', () => {
  let patProposal: Json;
  let beaProposal: Json;

  it('TR3/TR5: a run proposes Platinum and Bronze with the metrics, thresholds and up to three example calls; too few assignments get none', async () => {
    const r = await call('POST', '/api/tiers/propose');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ windowDays: 30, tooFewAssignments: 1, superseded: [], alreadyPending: 0 });
    expect(r.body.proposed.map((p: Json) => [ids.Pat === p.assessorId ? 'Pat' : 'Bea', p.from, p.to]).sort()).toEqual([
      ['Bea', null, 'bronze'],
      ['Pat', null, 'platinum'],
    ]);
    const list = await call('GET', '/api/tiers/proposals?state=pending');
    expect(list.body.proposals).toHaveLength(2);
    patProposal = list.body.proposals.find((p: Json) => p.assessorId === ids.Pat);
    beaProposal = list.body.proposals.find((p: Json) => p.assessorId === ids.Bea);
    expect(patProposal).toMatchObject({
      assessorName: 'Pat',
      fromTier: null,
      toTier: 'platinum',
      state: 'pending',
      metrics: { assignments: 12, contactRate: 1, successRate: 1, responseMedianSec: 300, coursesCompleted: 1 },
    });
    expect(patProposal.metrics.conversionRate).toBeCloseTo(4 / 12, 10);
    expect(patProposal.checks).toContainEqual({
      tier: 'platinum',
      metric: 'responseMedianSec',
      op: '<=',
      threshold: 600,
      stay: false,
      value: 300,
      met: true,
    });
    // Booked assignments' calls first, longest first.
    expect(patProposal.exampleCallIds).toEqual(['CA-Pat-3', 'CA-Pat-2', 'CA-Pat-1']);
    expect(patProposal.summary).toMatch(/no tier → platinum/);
    expect(beaProposal.metrics.contactRate).toBeCloseTo(5 / 12, 10);
    expect(beaProposal.checks).toContainEqual(
      expect.objectContaining({ tier: 'bronze', metric: 'contactRate', threshold: 0.6, met: true }),
    );
    // The proposals replicate to admins as tierChanges documents, and nothing was applied.
    const pulled = await server.api('/sync/tierChanges/0/pull?seq=0&limit=100', { token: admin });
    const docs = ((await pulled.json()) as Json).documents as TierChangeDoc[];
    expect(docs.map((d) => [d.id, d.status]).sort()).toEqual(
      [
        [patProposal.id, 'proposed'],
        [beaProposal.id, 'proposed'],
      ].sort(),
    );
    expect(docs.find((d) => d.id === patProposal.id)!.metrics['platinum.responseMedianSec <=']).toBe(600);
    expect((await assessorDoc('Pat')).tier).toBeNull();
    expect((await assessorDoc('Bea')).tier).toBeNull();
  });

  it('TR6: running again with the same figures leaves the pending proposals as they are', async () => {
    const r = await call('POST', '/api/tiers/propose');
    expect(r.body).toMatchObject({ proposed: [], superseded: [], alreadyPending: 2 });
  });

  it('AL3: with no tiers yet, the assessor with more courses ranks first', async () => {
    expect(await rankOrder()).toEqual(['Bea', 'Pat', 'Few']);
  });

  it('TR7: a rejection changes nothing but the proposal, and is audited', async () => {
    const r = await call('POST', `/api/tiers/proposals/${beaProposal.id}/decision`, {
      decision: 'reject',
      note: 'she was on holiday for a week',
    });
    expect(r.status).toBe(200);
    expect(r.body.proposal).toMatchObject({ status: 'rejected', decidedBy: adminId, decidedAt: T });
    expect(r.body.assessor).toBeNull();
    expect((await assessorDoc('Bea')).tier).toBeNull();
    expect(await rankOrder()).toEqual(['Bea', 'Pat', 'Few']);
    const { rows } = await server.db.query<{ actor_label: string; detail: Json }>(
      `SELECT actor_label, detail FROM audit_log WHERE action = 'tier.reject'`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        actor_label: 'admin@test.local',
        detail: expect.objectContaining({
          proposalId: beaProposal.id,
          note: 'she was on holiday for a week',
          via: 'api',
        }),
      }),
    ]);
    const again = await call('POST', `/api/tiers/proposals/${beaProposal.id}/decision`, {
      decision: 'approve',
      note: 'changed my mind',
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'CONFLICT']);
  });

  it('TR7: an approval sets the tier, and with it the price per lead and the allocation order (audited)', async () => {
    const before = await call(
      'GET',
      `/api/pricing/quote?postcode=W1D%203QF&service=boiler&assessorId=${ids.Pat}`,
      undefined,
      key,
    );
    const r = await call('POST', `/api/tiers/proposals/${patProposal.id}/decision`, {
      decision: 'approve',
      note: 'consistently fast',
    });
    expect(r.status).toBe(200);
    expect(r.body.assessor).toMatchObject({ id: ids.Pat, tier: 'platinum' });
    expect((await assessorDoc('Pat')).tier).toBe('platinum');
    const after = await call(
      'GET',
      `/api/pricing/quote?postcode=W1D%203QF&service=boiler&assessorId=${ids.Pat}`,
      undefined,
      key,
    );
    expect(after.body.assessor.pricePence).toBe(Math.round((before.body.pricePence * 3000) / 2000));
    expect(after.body.assessor.pricePence).not.toBe(before.body.assessor.pricePence);
    expect(await rankOrder()).toEqual(['Pat', 'Bea', 'Few']);
    const { rows } = await server.db.query<{ detail: Json }>(
      `SELECT detail FROM audit_log WHERE action = 'tier.approve'`,
    );
    expect(rows[0].detail).toMatchObject({
      proposalId: patProposal.id,
      toTier: 'platinum',
      decidedBy: adminId,
      decidedAt: T,
    });
    const state = await call('GET', '/api/tiers/proposals?state=approved');
    expect(state.body.proposals.map((p: Json) => p.id)).toEqual([patProposal.id]);
  });

  it('TR6/TR7: a newer proposal supersedes a pending one; an offline decision on the old one conflicts and applies nothing', async () => {
    // Bea's rejected proposal is final, and the same figures do not bring it back (TR8 cool-down).
    const cooling = await call('POST', '/api/tiers/propose');
    expect(cooling.body).toMatchObject({ proposed: [], coolingDown: 1 });
    // Six more leads she never reaches take her contact from 42 % to 28 %: material, so Bronze is proposed again.
    await seedUnreached('Bea', 6);
    const first = await call('POST', '/api/tiers/propose');
    expect(first.body.proposed.map((p: Json) => [p.assessorId, p.to])).toEqual([[ids.Bea, 'bronze']]);
    const oldId = first.body.proposed[0].id as string;
    const [oldDoc] = await getDocuments(server.db, 'tierChanges', [oldId]);
    // Her contact improves past the Bronze threshold (18 more assignments, all reached quickly: 23 of 36): the
    // next run proposes Gold, superseding the pending Bronze proposal.
    await seedMore('Bea', 18);
    const second = await call('POST', '/api/tiers/propose');
    expect(second.body.superseded).toEqual([oldId]);
    expect(second.body.proposed.map((p: Json) => [p.assessorId, p.to])).toEqual([[ids.Bea, 'gold']]);
    const superseded = await call('GET', `/api/tiers/proposals?state=superseded&assessorId=${ids.Bea}`);
    expect(superseded.body.proposals.map((p: Json) => [p.id, p.supersededBy])).toEqual([
      [oldId, second.body.proposed[0].id],
    ]);
    // An admin who approved the old proposal offline pushes it now: the master is gone, so RxDB gets a conflict.
    const push = await call('POST', '/sync/tierChanges/0/push', {
      rows: [
        {
          newDocumentState: {
            ...oldDoc.doc,
            status: 'approved',
            decidedBy: adminId,
            decidedAt: T,
            reason: 'approved on the train',
          },
          assumedMasterState: oldDoc.doc,
        },
      ],
    });
    expect(push.status).toBe(200);
    expect(push.body.conflicts).toEqual([expect.objectContaining({ id: oldId, _deleted: true })]);
    expect((await assessorDoc('Bea')).tier).toBeNull();
    const decided = await call('POST', `/api/tiers/proposals/${oldId}/decision`, { decision: 'approve', note: 'late' });
    expect([decided.status, decided.body.error.code]).toEqual([409, 'CONFLICT']);
  });

  it('TR7: a decision pushed through replication (an admin back online) is applied by the server like the route', async () => {
    const pending = await call('GET', `/api/tiers/proposals?state=pending&assessorId=${ids.Bea}`);
    const id = pending.body.proposals[0].id as string;
    const doc = (await getDocument(server.db, 'tierChanges', id)) as TierChangeDoc;
    const push = await call('POST', '/sync/tierChanges/0/push', {
      rows: [
        {
          newDocumentState: {
            ...doc,
            status: 'approved',
            decidedBy: adminId,
            decidedAt: T - MIN,
            reason: 'approved offline',
          },
          assumedMasterState: doc,
        },
      ],
    });
    expect(push.body).toEqual({ conflicts: [] });
    await waitUntil(
      'Bea’s tier',
      () => assessorDoc('Bea'),
      (d) => d.tier === 'gold',
    );
    const approved = await call('GET', `/api/tiers/proposals?state=approved&assessorId=${ids.Bea}`);
    expect(approved.body.proposals[0]).toMatchObject({
      id,
      decidedBy: adminId,
      decidedAt: T - MIN,
      note: 'approved offline',
    });
    const { rows } = await server.db.query<{ actor_label: string; detail: Json }>(
      `SELECT actor_label, detail FROM audit_log WHERE action = 'tier.approve' AND detail->>'proposalId' = $1`,
      [id],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        actor_label: 'admin@test.local',
        detail: expect.objectContaining({ via: 'replication', toTier: 'gold' }),
      }),
    ]);
    // Applied once: another pass finds nothing to do.
    expect(await (await import('../../sync-server/src/tiers/service')).applyReplicatedDecisions(server.ctx)).toBe(0);
    expect(await rankOrder()).toEqual(['Pat', 'Bea', 'Few']);
  });
});

describe('tier routes refuse', () => {
  it.each([
    [{ decision: 'maybe', note: 'x' }, 'decision'],
    [{ decision: 'approve' }, 'note'],
    [{ decision: 'approve', note: '   ' }, 'note'],
  ])('a malformed decision %j with VALIDATION_FAILED', async (body, field) => {
    const r = await call('POST', '/api/tiers/proposals/whatever/decision', body);
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([400, 'VALIDATION_FAILED', field]);
  });

  it('a decision on an unknown proposal with NOT_FOUND, and an unknown state filter with VALIDATION_FAILED', async () => {
    const r = await call('POST', '/api/tiers/proposals/nope/decision', { decision: 'approve', note: 'ok' });
    expect([r.status, r.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const bad = await call('GET', '/api/tiers/proposals?state=maybe');
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([400, 'VALIDATION_FAILED', 'state']);
  });

  it('everyone but admins: API keys, reviewers and authors get 403, no credentials 401', async () => {
    for (const token of [key, reviewer, author]) {
      expect((await call('POST', '/api/tiers/propose', {}, token)).body.error.code).toBe('FORBIDDEN');
      expect((await call('GET', '/api/tiers/proposals', undefined, token)).body.error.code).toBe('FORBIDDEN');
      expect(
        (await call('POST', '/api/tiers/proposals/x/decision', { decision: 'approve', note: 'n' }, token)).status,
      ).toBe(403);
    }
    expect((await call('POST', '/api/tiers/propose', {}, null)).status).toBe(401);
    // A reviewer cannot decide through replication either (shared/sync-policy.ts).
    const push = await call('POST', '/sync/tierChanges/0/push', { rows: [] }, reviewer);
    expect([push.status, push.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });
});

/** `n` more assignments for an assessor, all reached within 5 minutes and connected (her contact recovers). */
async function seedMore(name: string, n: number) {
  const leads: LeadDoc[] = [];
  const calls: CallDoc[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${name}-more-${i}`;
    const at = T - 3 * DAY + i * MIN;
    leads.push(
      makeLead({
        id,
        externalId: id,
        district: 'W1',
        service: 'boiler',
        createdAt: at,
        assignments: [assignment(ids[name], at)],
      }),
    );
    calls.push(
      makeCall({
        id: `CA-${id}`,
        leadId: id,
        assessorId: ids[name],
        startedAt: at + 5 * MIN,
        connected: true,
        talkSeconds: 90,
      }),
    );
  }
  await server.db.transaction(async (tx) => {
    await putDocuments(tx, 'leads', leads, T);
    await putDocuments(tx, 'calls', calls, T);
  });
}

/** `n` more assignments for an assessor that nobody reached (her contact falls). */
async function seedUnreached(name: string, n: number) {
  const leads: LeadDoc[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${name}-unreached-${i}`;
    const at = T - 4 * DAY + i * MIN;
    leads.push(
      makeLead({
        id,
        externalId: id,
        district: 'W1',
        service: 'boiler',
        createdAt: at,
        assignments: [assignment(ids[name], at)],
      }),
    );
  }
  await server.db.transaction((tx) => putDocuments(tx, 'leads', leads, T));
}
