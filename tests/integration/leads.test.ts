import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { sweepEndedSessions } from '../../sync-server/src/leads/pool-sweep';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let key: string;
let admin: string;

const counts = async () => {
  const { rows } = await server.db.query<{ leads: number; sessions: number; docs: number }>(
    `SELECT (SELECT count(*)::int FROM leads) AS leads, (SELECT count(*)::int FROM pool_sessions) AS sessions,
            (SELECT count(*)::int FROM sync_documents WHERE collection = 'leads') AS docs`,
  );
  return rows[0];
};

async function post(path: string, json: unknown, token = key) {
  const res = await server.api(path, { method: 'POST', token, json });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  // No Twilio account: the pool cannot buy numbers, so exhaustion is observable.
  server = await startTestServer({ env: { POOL_MONTHLY_BUDGET_PENCE: '300' } });
  key = (await createApiKey(server.db, 'marketplace-test')).key;
  admin = await server.login();
  await addPoolNumbers(server.ctx, ['+447700900001', '+447700900002', '+447700900003']);
  for (const [externalId, name, phone] of [
    ['asr-dan', 'Dan Price', '07700 900456'],
    ['asr-amy', 'Amy Lee', '+44 7700 900457'],
    ['asr-raj', 'Raj Patel', '07700900458'],
    ['asr-zoe', 'Zoe Hart', '(020) 7946 0458'],
  ]) {
    const r = await post('/api/assessors', {
      externalId,
      name,
      phone,
      districts: ['W1D', 'EC1'],
      services: ['boiler', 'energy-assessment'],
    });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => {
  await server?.close();
});

describe('marketplace API', () => {
  it('refuses requests without an API key, and staff other than admins', async () => {
    expect((await server.api('/api/leads', { method: 'POST', json: {} })).status).toBe(401);
    expect((await post('/api/assessors', { externalId: 'x', name: 'X', phone: '07700900111' }, admin)).status).toBe(
      201,
    );
  });

  it('registers an assessor with an E.164 phone, masked form and districts without sub-district letters', async () => {
    const r = await post('/api/assessors', {
      externalId: 'asr-new',
      name: 'New One',
      phone: '07700 900460',
      districts: ['W1D', 'EC1A', 'E17'],
      services: ['solar'],
    });
    expect(r.status).toBe(201);
    expect(r.body.assessor).toMatchObject({
      phone: '+447700900460',
      phoneMasked: '07700 900***',
      districts: ['W1', 'EC1', 'E17'],
      active: true,
    });
    const again = await post('/api/assessors', {
      externalId: 'asr-new',
      name: 'New One',
      phone: '07700 900460',
      districts: ['W1D', 'EC1A', 'E17'],
      services: ['solar'],
    });
    expect(again.status).toBe(200);
    const clash = await post('/api/assessors', { externalId: 'asr-new', name: 'Other', phone: '07700 900460' });
    expect(clash).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('creates a lead: 201 with one assignment per assessor and what each side sees', async () => {
    const r = await post('/api/leads', {
      externalId: 'lead-1',
      customer: { name: 'John Smith', phone: '07700 900123' },
      postcode: 'w1d 3qf',
      service: 'boiler',
      assessorIds: ['asr-dan', 'asr-amy'],
    });
    expect(r.status).toBe(201);
    expect(r.body.lead).toMatchObject({
      externalId: 'lead-1',
      customerPhone: '+447700900123',
      customerPhoneMasked: '07700 900***',
      postcode: 'W1D 3QF',
      district: 'W1',
      status: 'open',
    });
    expect(r.body.assignments).toHaveLength(2);
    const [dan, amy] = r.body.assignments;
    expect(dan.poolNumber).not.toBe(amy.poolNumber);
    expect(dan.customerSees).toMatch(/^Dan Price - 07700 90000\d$/);
    // every listing carries its extension as the fallback (shared/pool P2); it is asked for only when ambiguous
    expect(dan.assessorSees).toMatch(/^John Smith - 07700 90000\d ext \d{3}$/);
    expect(dan.extension).toMatch(/^\d{3}$/);
    // the replicated document carries the same assignments
    const doc = await server.db.query<{ doc: { assignments: Array<{ poolNumber: string }> } }>(
      `SELECT doc FROM sync_documents WHERE collection = 'leads' AND id = $1`,
      [r.body.lead.id],
    );
    expect(doc.rows[0].doc.assignments.map((a) => a.poolNumber)).toEqual([dan.poolNumber, amy.poolNumber]);
  });

  it('is idempotent on externalId, and refuses the same externalId with other details', async () => {
    const body = {
      externalId: 'lead-2',
      customer: { name: 'Sam Jones', phone: '+447700900124' },
      postcode: 'EC1A 1BB',
      service: 'boiler',
      assessorIds: ['asr-raj'],
    };
    const first = await post('/api/leads', body);
    const before = await counts();
    const again = await post('/api/leads', body);
    expect(again.status).toBe(200);
    expect(again.body.assignments).toEqual(first.body.assignments);
    expect(await counts()).toEqual(before);
    const changed = await post('/api/leads', { ...body, postcode: 'E17 4PP' });
    expect(changed).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', field: 'externalId' } } });
  });

  it.each([
    ['an invalid phone', { customer: { name: 'A', phone: '12345' } }, 400, 'INVALID_PHONE', 'customer.phone'],
    ['an invalid postcode', { postcode: 'XX1 1XX' }, 400, 'INVALID_POSTCODE', 'postcode'],
    ['an unknown assessor', { assessorIds: ['asr-dan', 'nobody'] }, 404, 'UNKNOWN_ASSESSOR', 'assessorIds.1'],
    ['a duplicate assignment', { assessorIds: ['asr-dan', 'asr-dan'] }, 409, 'DUPLICATE_ASSIGNMENT', 'assessorIds.1'],
    ['an unknown service', { service: 'gardening' }, 400, 'VALIDATION_FAILED', 'service'],
  ])('refuses %s with a stable code and writes nothing', async (_name, override, status, code, field) => {
    const before = await counts();
    const base = {
      externalId: `bad-${code}`,
      customer: { name: 'Bad Input', phone: '07700900199' },
      postcode: 'N1 9GU',
      service: 'boiler',
      assessorIds: ['asr-dan'],
    };
    const r = await post('/api/leads', { ...base, ...override });
    expect(r.status).toBe(status);
    expect(r.body.error).toMatchObject({ code, field });
    expect(await counts()).toEqual(before);
  });

  it('adds later assessors, refuses a repeat assignment, records a booking and closes the lead', async () => {
    const created = await post('/api/leads', {
      externalId: 'lead-3',
      customer: { name: 'Ann Bell', phone: '07700900125' },
      postcode: 'N1 9GU',
      service: 'boiler',
      assessorIds: ['asr-dan'],
    });
    const id = created.body.lead.id as string;
    const more = await post(`/api/leads/${id}/assignments`, { assessorIds: ['asr-amy'] });
    expect(more.status).toBe(201);
    expect(more.body.lead.assignments).toHaveLength(2);
    expect(more.body.assignments).toHaveLength(1);
    const dup = await post(`/api/leads/${id}/assignments`, { assessorIds: ['asr-dan'] });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'DUPLICATE_ASSIGNMENT' } } });
    const booked = await post(`/api/leads/lead-3/booking`, {
      assessorId: 'asr-amy',
      bookedAt: '2026-03-01T10:00:00Z',
      value: 120.5,
    });
    expect(booked.status).toBe(200);
    expect(booked.body.lead.status).toBe('booked');
    expect(booked.body.lead.assignments.find((a: { bookedAt: number | null }) => a.bookedAt)).toMatchObject({
      bookedAt: Date.parse('2026-03-01T10:00:00Z'),
      bookingValuePence: 12050,
    });
    const closed = await post(`/api/leads/${id}/close`, { reason: 'job done' });
    expect(closed.body.lead).toMatchObject({ status: 'closed' });
    expect(closed.body.lead.assignments.every((a: { active: boolean }) => !a.active)).toBe(true);
    const late = await post(`/api/leads/${id}/assignments`, { assessorIds: ['asr-raj'] });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('gives an assessor an extension once the customer side has used every number, and POOL_EXHAUSTED when none is left', async () => {
    // Three numbers: one customer with three assessors uses them all.
    const full = await post('/api/leads', {
      externalId: 'lead-4',
      customer: { name: 'Cat Doe', phone: '07700900126' },
      postcode: 'E17 4PP',
      service: 'boiler',
      assessorIds: ['asr-dan', 'asr-amy', 'asr-raj'],
    });
    expect(full.status).toBe(201);
    const withExt = full.body.assignments.filter((a: { extension?: string }) => a.extension);
    for (const a of withExt) expect(a.assessorSees).toMatch(/ ext \d{3}$/);
    const before = await counts();
    const fourth = await post('/api/leads/lead-4/assignments', { assessorIds: ['asr-zoe'] });
    expect(fourth).toMatchObject({ status: 503, body: { error: { code: 'POOL_EXHAUSTED' } } });
    expect(await counts()).toEqual(before);
  });

  it('changes an assessor with PATCH and keeps the document in step', async () => {
    const list = await server.db.query<{ id: string }>(`SELECT id FROM assessors WHERE external_id = 'asr-zoe'`);
    const res = await server.api(`/api/assessors/${list.rows[0].id}`, {
      method: 'PATCH',
      token: key,
      json: { active: false, districts: ['N1C'] },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).assessor).toMatchObject({ active: false, districts: ['N1'] });
    const bad = await server.api(`/api/assessors/${list.rows[0].id}`, {
      method: 'PATCH',
      token: key,
      json: { phone: 'nope' },
    });
    expect((await bad.json()).error.code).toBe('INVALID_PHONE');
    const inactive = await post('/api/leads', {
      externalId: 'lead-5',
      customer: { name: 'Dee', phone: '07700900127' },
      postcode: 'N1 9GU',
      service: 'boiler',
      assessorIds: ['asr-zoe'],
    });
    expect(inactive.status).toBe(409);
  });

  it('the hourly sweep shows assignments whose sessions ran out of time as inactive', async () => {
    const created = await post('/api/leads', {
      externalId: 'lead-sweep',
      customer: { name: 'Tim Oak', phone: '07700900128' },
      postcode: 'N1 9GU',
      service: 'boiler',
      assessorIds: ['asr-raj'],
    });
    expect(created.status).toBe(201);
    expect(created.body.lead.assignments[0].active).toBe(true);
    const realNow = server.ctx.now;
    try {
      server.ctx.now = () => realNow() + 31 * 24 * 3600_000;
      expect(await sweepEndedSessions(server.ctx)).toBeGreaterThanOrEqual(1);
      const doc = await server.db.query<{ doc: { assignments: Array<{ active: boolean }> } }>(
        `SELECT doc FROM sync_documents WHERE collection = 'leads' AND id = $1`,
        [created.body.lead.id],
      );
      expect(doc.rows[0].doc.assignments.map((a) => a.active)).toEqual([false]);
      expect(await sweepEndedSessions(server.ctx)).toBe(0);
    } finally {
      server.ctx.now = realNow;
    }
  });

  it("an assessor's new phone takes over their open sessions", async () => {
    const { rows } = await server.db.query<{ id: string }>(`SELECT id FROM assessors WHERE external_id = 'asr-dan'`);
    const res = await server.api(`/api/assessors/${rows[0].id}`, {
      method: 'PATCH',
      token: key,
      json: { phone: '07700 900470' },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).assessor).toMatchObject({ phone: '+447700900470', phoneMasked: '07700 900***' });
    const sessions = await server.db.query<{ assessor_phone: string }>(
      `SELECT DISTINCT assessor_phone FROM pool_sessions WHERE assessor_id = $1 AND closed_at IS NULL`,
      [rows[0].id],
    );
    expect(sessions.rows).toEqual([{ assessor_phone: '+447700900470' }]);
  });
});
