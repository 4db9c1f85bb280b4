import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc, LeadDoc, Service } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { createUser } from '../../sync-server/src/auth/users';
import { refreshAreaDocs } from '../../sync-server/src/pricing/service';
import { putDocuments } from '../../sync-server/src/replication/store';
import { makeCall, makeLead } from '../helpers/docs';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitUntil } from '../helpers/wait';

/** Area pricing routes (shared/pricing/SPEC.md) over a real server and database, history seeded as documents. */
let server: TestServer;
let admin: string;
let reviewer: string;
let author: string;
let key: string;
const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 1, 12);
let clock = T;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
type Json = Record<string, any>;
async function get(path: string, token: string | null = key): Promise<{ status: number; body: Json }> {
  const res = await server.api(path, { token: token ?? undefined });
  return { status: res.status, body: (await res.json()) as Json };
}
async function post(path: string, json: unknown, token: string | null = admin) {
  const res = await server.api(path, { method: 'POST', token: token ?? undefined, json });
  return { status: res.status, body: (await res.json()) as Json };
}

/** `n` leads of a district × service created `ageDays` ago, with the given shares connected and booked. */
async function seedArea(
  district: string,
  service: Service,
  n: number,
  callRate: number,
  conversion: number,
  ageDays = 10,
) {
  const leads: LeadDoc[] = [];
  const calls: CallDoc[] = [];
  const connected = Math.round(n * callRate);
  const booked = Math.round(n * conversion);
  for (let i = 0; i < n; i++) {
    const id = `${district}-${service}-${ageDays}-${i}`;
    const createdAt = T - ageDays * DAY + i;
    leads.push(
      makeLead({
        id,
        externalId: id,
        district,
        service,
        createdAt,
        assignments: [
          {
            assessorId: 'as-x',
            assignedAt: createdAt,
            poolNumber: '+447700900001',
            extension: null,
            bookedAt: i < booked ? createdAt + 3600_000 : null,
            bookingValuePence: null,
            active: true,
          },
        ],
      }),
    );
    // Every lead gets a call; only the first `connected` connect.
    calls.push(
      makeCall({
        id: `CA${id}`,
        leadId: id,
        assessorId: 'as-x',
        district,
        service,
        startedAt: createdAt + 60_000,
        connected: i < connected,
        talkSeconds: i < connected ? 120 : 0,
        status: i < connected ? 'completed' : 'no-answer',
      }),
    );
  }
  await server.db.transaction(async (tx) => {
    await putDocuments(tx, 'leads', leads, T);
    await putDocuments(tx, 'calls', calls, T);
  });
}

beforeAll(async () => {
  server = await startTestServer();
  server.ctx.now = () => clock;
  admin = await server.login();
  for (const role of ['reviewer', 'author'] as const) {
    await createUser(server.db, { email: `${role}@pricing.test`, password: 'correct horse battery', role });
  }
  reviewer = await server.login('reviewer@pricing.test', 'correct horse battery');
  author = await server.login('author@pricing.test', 'correct horse battery');
  key = (await createApiKey(server.db, 'pricing-test')).key;
  // The brief's four districts, 100 leads each in the last 90 days; W1 also has old leads outside the window
  // that would drag its rates down if they were counted.
  await seedArea('W1', 'boiler', 100, 0.9, 0.6);
  await seedArea('W1', 'boiler', 50, 0, 0, 120);
  await seedArea('EC1', 'boiler', 100, 0.85, 0.55);
  await seedArea('N1', 'boiler', 100, 0.7, 0.4);
  await seedArea('E17', 'boiler', 100, 0.45, 0.25);
  // A district with 10 leads: blended toward the service-wide rates.
  await seedArea('SE1', 'boiler', 10, 0.9, 0.6);
});

afterAll(async () => {
  await server?.close();
});

describe('GET /api/pricing/quote', () => {
  it.each([
    ['W1D 3QF', 'W1', 2500, 0.9, 0.6],
    ['EC1A 1BB', 'EC1', 2000, 0.85, 0.55],
    ['N1 9GU', 'N1', 1500, 0.7, 0.4],
    ['E17 4PP', 'E17', 800, 0.45, 0.25],
  ])(
    'PR4: %s is priced at the brief’s price from its own 90 days of calls',
    async (postcode, district, pence, call, conv) => {
      const r = await get(`/api/pricing/quote?postcode=${encodeURIComponent(postcode)}&service=boiler`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        district,
        service: 'boiler',
        pricePence: pence,
        source: 'rule',
        basis: { leads: 100, windowDays: 90, blended: false },
      });
      expect(r.body.basis.callRate).toBeCloseTo(call, 10);
      expect(r.body.basis.conversionRate).toBeCloseTo(conv, 10);
      expect(r.body.overrideId).toBeUndefined();
    },
  );

  it('PR3: a district with 10 leads blends toward the service-wide rates and says so', async () => {
    const r = await get('/api/pricing/quote?postcode=SE1%207PB&service=boiler');
    expect(r.body).toMatchObject({
      district: 'SE1',
      source: 'rule',
      basis: { leads: 10, blended: true, method: 'blended' },
    });
    expect(r.body.basis.weight).toBeCloseTo(1 / 3, 10);
    expect(r.body.explanation).toMatch(/blended with the boiler rates/);
  });

  it('PR6: a district with no history gets the service’s base price and says so', async () => {
    const r = await get('/api/pricing/quote?postcode=SW1A%201AA&service=solar');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      district: 'SW1',
      pricePence: 1500,
      source: 'rule',
      basis: { leads: 0, callRate: null, conversionRate: null, method: 'base', blended: false },
    });
    expect(r.body.explanation).toMatch(/no solar leads in SW1/);
  });

  it.each([
    ['not a postcode', 'INVALID_POSTCODE'],
    ['XX1 1XX', 'INVALID_POSTCODE'],
    ['', 'INVALID_POSTCODE'],
  ])('a malformed or unknown postcode %j is a 400 %s', async (postcode, code) => {
    const r = await get(`/api/pricing/quote?postcode=${encodeURIComponent(postcode)}&service=boiler`);
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([400, code, 'postcode']);
  });

  it('a missing postcode, an unknown service and an unknown assessor are refused with stable codes', async () => {
    expect((await get('/api/pricing/quote?service=boiler')).body.error).toMatchObject({ code: 'INVALID_POSTCODE' });
    const svc = await get('/api/pricing/quote?postcode=W1D%203QF&service=roofing');
    expect([svc.status, svc.body.error.code, svc.body.error.field]).toEqual([400, 'VALIDATION_FAILED', 'service']);
    const who = await get('/api/pricing/quote?postcode=W1D%203QF&service=boiler&assessorId=nobody');
    expect([who.status, who.body.error.code]).toEqual([404, 'UNKNOWN_ASSESSOR']);
  });

  it('only API keys and admins get quotes; reviewers, authors and anonymous callers are refused', async () => {
    const path = '/api/pricing/quote?postcode=W1D%203QF&service=boiler';
    expect((await get(path, admin)).status).toBe(200);
    expect((await get(path, key)).status).toBe(200);
    expect((await get(path, reviewer)).body.error.code).toBe('FORBIDDEN');
    expect((await get(path, author)).body.error.code).toBe('FORBIDDEN');
    const none = await get(path, null);
    expect([none.status, none.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('PR8: with an assessor, the quote shows what they pay and the working', async () => {
    const created = await post('/api/assessors', {
      externalId: 'asr-quote',
      name: 'Quote Person',
      phone: '07700 900777',
      districts: ['W1'],
      services: ['boiler'],
    });
    expect(created.status).toBe(201);
    const r = await get(`/api/pricing/quote?postcode=W1D%203QF&service=boiler&assessorId=asr-quote`);
    expect(r.body.assessor).toMatchObject({
      id: created.body.assessor.id,
      tier: null,
      pricedAs: 'gold',
      pricePence: 2500,
    });
    expect(r.body.assessor.working).toBe('£25 × (£20 gold ÷ £20 gold) = £25 (no approved tier yet: gold terms)');
  });
});

describe('GET /api/pricing', () => {
  it('lists every district × service with its price and source', async () => {
    const r = await get('/api/pricing');
    expect(r.status).toBe(200);
    const w1 = r.body.prices.filter((p: Json) => p.district === 'W1');
    expect(w1.map((p: Json) => p.service)).toEqual([
      'energy-assessment',
      'boiler',
      'electrical',
      'plumbing',
      'solar',
      'security',
    ]);
    expect(w1.find((p: Json) => p.service === 'boiler')).toMatchObject({ pricePence: 2500, source: 'rule' });
    const districts = new Set(r.body.prices.map((p: Json) => p.district));
    for (const d of ['W1', 'EC1', 'N1', 'E17', 'SE1']) expect(districts.has(d)).toBe(true);
    expect((await get('/api/pricing', reviewer)).status).toBe(403);
  });
});

describe('area documents', () => {
  it('the daily refresh writes an area document for every district × service, for admins only', async () => {
    const written = await refreshAreaDocs(server.ctx);
    expect(written).toBe((await get('/api/pricing')).body.prices.length);
    const pulled = (await (await server.api('/sync/areas/0/pull?seq=0&limit=500', { token: admin })).json()) as Json;
    const byId = new Map((pulled.documents as Json[]).map((d) => [d.id, d]));
    expect(byId.get('W1:boiler')).toMatchObject({
      suggestedPricePence: 2500,
      leads: 100,
      callRate: 0.9,
      override: null,
    });
    expect(byId.get('E17:boiler')).toMatchObject({ suggestedPricePence: 800 });
    expect((await server.api('/sync/areas/0/pull?seq=0', { token: reviewer })).status).toBe(403);
  });
});

describe('price overrides (PR7)', () => {
  it('an admin’s override with validity dates applies only inside them, by the clock at quote time', async () => {
    clock = T;
    const made = await post('/api/pricing/overrides', {
      district: 'N1',
      service: 'boiler',
      pricePence: 1800,
      reason: 'new competitor launch',
      validFrom: new Date(T + DAY).toISOString(),
      validTo: T + 3 * DAY,
    });
    expect(made.status).toBe(201);
    expect(made.body.override).toMatchObject({
      district: 'N1',
      state: 'scheduled',
      validFrom: T + DAY,
      validTo: T + 3 * DAY,
    });
    const at = async (t: number) => {
      clock = t;
      return (await get('/api/pricing/quote?postcode=N1%209GU&service=boiler')).body;
    };
    expect(await at(T)).toMatchObject({ pricePence: 1500, source: 'rule' });
    expect(await at(T + DAY)).toMatchObject({
      pricePence: 1800,
      source: 'override',
      rulePricePence: 1500,
      overrideId: made.body.override.id,
    });
    expect(await at(T + 3 * DAY - 1)).toMatchObject({ pricePence: 1800, source: 'override' });
    // Expired: nothing ran in between, and the rule price is back.
    const after = await at(T + 3 * DAY);
    expect(after).toMatchObject({ pricePence: 1500, source: 'rule' });
    expect(after.overrideId).toBeUndefined();
    clock = T;
  });

  it('an override is audited and replicated to admins as the area document', async () => {
    const made = await post('/api/pricing/overrides', {
      district: 'EC1A',
      service: 'boiler',
      pricePence: 2200,
      reason: 'pilot with the City',
    });
    expect(made.body.override).toMatchObject({ district: 'EC1', state: 'active', validFrom: T, validTo: null });
    const { rows } = await server.db.query<{ actor_label: string; detail: Json }>(
      `SELECT actor_label, detail FROM audit_log WHERE action = 'pricing.override.create' AND subject_id = 'EC1:boiler'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_label: 'admin@test.local',
      detail: { pricePence: 2200, reason: 'pilot with the City' },
    });
    const pull = await server.api('/sync/areas/0/pull?seq=0&limit=100', { token: admin });
    const docs = ((await pull.json()) as Json).documents as Json[];
    expect(docs.find((d) => d.id === 'EC1:boiler')).toMatchObject({
      suggestedPricePence: 2000,
      leads: 100,
      override: { pricePence: 2200, reason: 'pilot with the City', validFrom: T, validTo: null },
    });
    expect((await get('/api/pricing/quote?postcode=EC1A%201BB&service=boiler')).body).toMatchObject({
      pricePence: 2200,
      source: 'override',
    });
  });

  it('a revoked override stops applying at once, is audited, and cannot be revoked twice', async () => {
    const made = await post('/api/pricing/overrides', {
      district: 'E17',
      service: 'boiler',
      pricePence: 500,
      reason: 'test',
    });
    expect((await get('/api/pricing/quote?postcode=E17%204PP&service=boiler')).body.pricePence).toBe(500);
    const id = made.body.override.id as string;
    const revoked = await post(`/api/pricing/overrides/${id}/revoke`, { reason: 'wrong district' });
    expect([revoked.status, revoked.body.override.state]).toEqual([200, 'revoked']);
    expect((await get('/api/pricing/quote?postcode=E17%204PP&service=boiler')).body).toMatchObject({
      pricePence: 800,
      source: 'rule',
    });
    const again = await post(`/api/pricing/overrides/${id}/revoke`, {});
    expect([again.status, again.body.error.code]).toEqual([409, 'CONFLICT']);
    const missing = await post('/api/pricing/overrides/nope/revoke', {});
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const { rows } = await server.db.query(`SELECT 1 FROM audit_log WHERE action = 'pricing.override.revoke'`);
    expect(rows).toHaveLength(1);
  });

  it('PR7: an override set in the app (pushed through replication, also after being offline) applies and is audited; clearing it revokes it', async () => {
    clock = T;
    const adminId = (await server.db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
    const pull = async () =>
      (
        ((await (await server.api('/sync/areas/0/pull?seq=0&limit=500', { token: admin })).json()) as Json)
          .documents as Json[]
      )
        .map(({ _deleted, ...d }) => d)
        .find((d) => d.id === 'E17:boiler')!;
    const push = async (doc: Json, assumed: Json) => {
      const res = await server.api('/sync/areas/0/push', {
        method: 'POST',
        token: admin,
        json: { rows: [{ newDocumentState: doc, assumedMasterState: assumed }] },
      });
      return (await res.json()) as Json;
    };
    const quoteE17 = async () => (await get('/api/pricing/quote?postcode=E17%204PP&service=boiler')).body;
    const master = await pull();
    // The override revoked by the route above ended the instant it began (never applied): nothing to show.
    expect(master.override).toBeNull();
    const set = { pricePence: 650, reason: 'set on the train', validFrom: T - 1000, validTo: T + DAY, by: adminId };
    expect(await push({ ...master, override: set }, master)).toEqual({ conflicts: [] });
    const applied = await waitUntil('the override to price E17', quoteE17, (q) => q.source === 'override');
    expect(applied).toMatchObject({ pricePence: 650, rulePricePence: 800 });
    const { rows } = await server.db.query<{ actor_label: string; detail: Json }>(
      `SELECT actor_label, detail FROM audit_log
        WHERE action = 'pricing.override.create' AND subject_id = 'E17:boiler' AND detail->>'via' = 'replication'`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        actor_label: 'admin@test.local',
        detail: expect.objectContaining({ overrideId: applied.overrideId, via: 'replication' }),
      }),
    ]);
    // Applied once: the server's own rewrite of the area document does not make a second record.
    const records = await server.db.query(`SELECT 1 FROM price_overrides WHERE district = 'E17' AND price_pence = 650`);
    expect(records.rows).toHaveLength(1);
    const withOverride = await pull();
    expect(withOverride.override).toEqual(set);
    expect(await push({ ...withOverride, override: null }, withOverride)).toEqual({ conflicts: [] });
    expect(await waitUntil('E17 priced by the rule again', quoteE17, (q) => q.source === 'rule')).toMatchObject({
      pricePence: 800,
    });
    const revoked = await server.db.query<{ revoked_at: string | null }>(
      `SELECT revoked_at FROM price_overrides WHERE id = $1`,
      [applied.overrideId],
    );
    expect(Number(revoked.rows[0].revoked_at)).toBe(T);
  });

  it('PR7: a reviewer cannot push an override through replication', async () => {
    const res = await server.api('/sync/areas/0/push', { method: 'POST', token: reviewer, json: { rows: [] } });
    expect([res.status, ((await res.json()) as Json).error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('lists overrides with their state now, filtered', async () => {
    const all = await get('/api/pricing/overrides', admin);
    expect(all.status).toBe(200);
    expect(all.body.overrides.map((o: Json) => `${o.district}:${o.state}`).sort()).toEqual([
      'E17:revoked',
      'E17:revoked',
      'EC1:active',
      'N1:scheduled',
    ]);
    const active = await get('/api/pricing/overrides?state=active', admin);
    expect(active.body.overrides.map((o: Json) => o.district)).toEqual(['EC1']);
  });

  it.each([
    [{ district: 'W1', service: 'boiler', pricePence: 2000 }, 'VALIDATION_FAILED', 'reason'],
    [{ district: 'W1', service: 'boiler', pricePence: 2000, reason: '  ' }, 'VALIDATION_FAILED', 'reason'],
    [{ district: 'W1', service: 'boiler', pricePence: -1, reason: 'cheap' }, 'VALIDATION_FAILED', 'pricePence'],
    [{ district: 'W1', service: 'boiler', pricePence: 20.5, reason: 'pence' }, 'VALIDATION_FAILED', 'pricePence'],
    [{ district: 'ZZ9', service: 'boiler', pricePence: 2000, reason: 'where' }, 'INVALID_POSTCODE', 'district'],
    [{ district: 'W1', service: 'roofing', pricePence: 2000, reason: 'what' }, 'VALIDATION_FAILED', 'service'],
    [
      {
        district: 'W1',
        service: 'boiler',
        pricePence: 2000,
        reason: 'order',
        validFrom: T + 2 * DAY,
        validTo: T + DAY,
      },
      'VALIDATION_FAILED',
      'validTo',
    ],
    [
      { district: 'W1', service: 'boiler', pricePence: 2000, reason: 'late', validFrom: T - 3 * DAY, validTo: T - DAY },
      'VALIDATION_FAILED',
      'validTo',
    ],
    [
      { district: 'W1', service: 'boiler', pricePence: 2000, reason: 'when', validFrom: 'tomorrow' },
      'VALIDATION_FAILED',
      'validFrom',
    ],
    [
      { district: 'W1', service: 'boiler', pricePence: 2000, reason: 'extra', surprise: 1 },
      'VALIDATION_FAILED',
      undefined,
    ],
  ])('refuses %j with %s and writes nothing', async (body, code, field) => {
    const before = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM price_overrides');
    const r = await post('/api/pricing/overrides', body);
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([400, code, field]);
    const after = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM price_overrides');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('only admins set, list and revoke overrides', async () => {
    const body = { district: 'W1', service: 'boiler', pricePence: 2000, reason: 'not allowed' };
    for (const token of [key, reviewer, author]) {
      expect((await post('/api/pricing/overrides', body, token)).body.error.code).toBe('FORBIDDEN');
      expect((await get('/api/pricing/overrides', token)).body.error.code).toBe('FORBIDDEN');
      expect((await post('/api/pricing/overrides/x/revoke', {}, token)).body.error.code).toBe('FORBIDDEN');
    }
    expect((await post('/api/pricing/overrides', body, null)).status).toBe(401);
  });

  it('PR7: an admin ends an override early in the app: revoked from that end under their name, audited, shown on the document', async () => {
    clock = T + DAY;
    const adminId = (await server.db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin'`)).rows[0].id;
    const other = await createUser(server.db, {
      email: 'ender@test.local',
      password: 'long-enough-password',
      role: 'admin',
    });
    const otherToken = await server.login('ender@test.local', 'long-enough-password');
    const made = await post('/api/pricing/overrides', {
      district: 'W1',
      service: 'boiler',
      pricePence: 1800,
      reason: 'launch offer',
      validTo: T + 30 * DAY,
    });
    expect(made.status).toBe(201);
    const pullW1 = async () =>
      (
        ((await (await server.api('/sync/areas/0/pull?seq=0&limit=500', { token: otherToken })).json()) as Json)
          .documents as Json[]
      )
        .map(({ _deleted, ...d }) => d)
        .find((d) => d.id === 'W1:boiler')!;
    const master = await pullW1();
    expect(master.override).toMatchObject({ pricePence: 1800, by: adminId, validTo: T + 30 * DAY });
    clock = T + 2 * DAY;
    const endsAt = T + 2 * DAY - 60_000;
    const ended = { ...master.override, validTo: endsAt, by: other.id };
    const res = await server.api('/sync/areas/0/push', {
      method: 'POST',
      token: otherToken,
      json: { rows: [{ newDocumentState: { ...master, override: ended }, assumedMasterState: master }] },
    });
    expect((await res.json()) as Json).toEqual({ conflicts: [] });
    const quoteW1 = async () => (await get('/api/pricing/quote?postcode=W1A%201AA&service=boiler')).body;
    expect(await waitUntil('W1 priced by the rule', quoteW1, (q) => q.source === 'rule')).toMatchObject({
      pricePence: 2500,
    });
    const record = await server.db.query<{ revoked_at: string; revoked_by: string }>(
      `SELECT revoked_at, revoked_by FROM price_overrides WHERE id = $1`,
      [made.body.override.id],
    );
    expect([Number(record.rows[0].revoked_at), record.rows[0].revoked_by]).toEqual([endsAt, other.id]);
    const audited = await server.db.query<{ actor_label: string }>(
      `SELECT actor_label FROM audit_log WHERE action = 'pricing.override.revoke' AND detail->>'overrideId' = $1`,
      [made.body.override.id],
    );
    expect(audited.rows).toEqual([{ actor_label: 'ender@test.local' }]);
    // The document shows the override as it ended, by whom; the listener does not treat that as a new one.
    const after = await waitUntil('a newer W1 document', pullW1, (d) => d.updatedAt > master.updatedAt);
    expect(after.override).toEqual(ended);
    const records = await server.db.query(`SELECT 1 FROM price_overrides WHERE district = 'W1'`);
    expect(records.rows).toHaveLength(1);
    const listed = await get('/api/pricing/overrides?district=W1', admin);
    expect(listed.body.overrides[0]).toMatchObject({ state: 'revoked', revokedBy: other.id });

    // A scheduled override withdrawn in the app before it begins: revoked at once, under the withdrawing admin.
    const scheduled = await post('/api/pricing/overrides', {
      district: 'W1',
      service: 'boiler',
      pricePence: 2200,
      reason: 'next week',
      validFrom: T + 5 * DAY,
      validTo: T + 9 * DAY,
    });
    const withScheduled = await waitUntil(
      'the scheduled override on W1',
      pullW1,
      (d) => d.override?.pricePence === 2200,
    );
    const withdrawn = { ...withScheduled.override, validTo: T + 5 * DAY + 1, by: other.id };
    const res2 = await server.api('/sync/areas/0/push', {
      method: 'POST',
      token: otherToken,
      json: {
        rows: [{ newDocumentState: { ...withScheduled, override: withdrawn }, assumedMasterState: withScheduled }],
      },
    });
    expect((await res2.json()) as Json).toEqual({ conflicts: [] });
    const gone = await waitUntil(
      'the scheduled override withdrawn',
      async () =>
        (
          await server.db.query<{ revoked_at: string | null; revoked_by: string | null }>(
            `SELECT revoked_at, revoked_by FROM price_overrides WHERE id = $1`,
            [scheduled.body.override.id],
          )
        ).rows[0],
      (r) => r.revoked_at !== null,
    );
    expect([Number(gone.revoked_at), gone.revoked_by]).toEqual([T + 2 * DAY, other.id]);
    clock = T + 6 * DAY;
    expect((await quoteW1()).source).toBe('rule');
    clock = T;
  });
});
