import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { createUser } from '../../sync-server/src/auth/users';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import type { AssessorDoc } from '../../shared/schemas';
import { startTestServer, type TestServer } from '../helpers/server';

/** POST /api/allocation/rank (shared/allocation/SPEC.md) over a real server. */
let server: TestServer;
let admin: string;
let reviewer: string;
let author: string;
let key: string;
const ids: Record<string, string> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
type Json = Record<string, any>;
async function rank(json: unknown, token: string | null = key) {
  const res = await server.api('/api/allocation/rank', { method: 'POST', token: token ?? undefined, json });
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
  for (const role of ['reviewer', 'author'] as const) {
    await createUser(server.db, { email: `${role}@allocation.test`, password: 'correct horse battery', role });
  }
  reviewer = await server.login('reviewer@allocation.test', 'correct horse battery');
  author = await server.login('author@allocation.test', 'correct horse battery');
  key = (await createApiKey(server.db, 'allocation-test')).key;
  const people: Array<[string, string, string[], string[]]> = [
    ['Gil', '07700 900701', ['W1', 'EC1'], ['boiler']],
    ['Ava', '07700 900702', ['W1'], ['boiler', 'solar']],
    ['Sol', '07700 900703', ['W1'], ['solar']],
    ['Nia', '07700 900704', ['N1'], ['boiler']],
    ['Off', '07700 900705', ['W1'], ['boiler']],
  ];
  for (const [name, phone, districts, services] of people) {
    const res = await server.api('/api/assessors', {
      method: 'POST',
      token: key,
      json: { externalId: `asr-${name}`, name, phone, districts, services },
    });
    ids[name] = ((await res.json()) as Json).assessor.id;
  }
  await server.api(`/api/assessors/${ids.Off}`, { method: 'PATCH', token: key, json: { active: false } });
  // Gil holds an approved Silver tier (set on the document as an approval would, tiers.test.ts covers that path).
  const gil = (await getDocument(server.db, 'assessors', ids.Gil)) as AssessorDoc;
  await server.db.transaction((tx) => putDocuments(tx, 'assessors', [{ ...gil, tier: 'silver' }], Date.now()));
});
afterAll(async () => {
  await server?.close();
});

describe('POST /api/allocation/rank', () => {
  it('AL1/AL2: ranks the active assessors serving the district and service, each with reasons and price', async () => {
    const r = await rank({ postcode: 'W1D 3QF', service: 'boiler' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ district: 'W1', service: 'boiler', area: { pricePence: 1500, source: 'rule' } });
    // Ava has no tier (Gold terms) and ranks before Gil's Silver.
    expect(r.body.ranked.map((x: Json) => [x.position, x.name, x.rankedAs, x.pricePence])).toEqual([
      [1, 'Ava', 'gold', 1500],
      [2, 'Gil', 'silver', 900],
    ]);
    expect(r.body.ranked[1].reasons).toEqual([
      'tier silver (priority 3 of 4)',
      '0 training courses completed',
      'no recent assignments to measure',
      'pays £15 × (£12 silver ÷ £20 gold) = £9',
    ]);
  });

  it('AL1: a shortlist (by id or externalId) ranks only those and says why the others cannot take the lead', async () => {
    const r = await rank({
      postcode: 'W1D 3QF',
      service: 'boiler',
      assessorIds: ['asr-Gil', ids.Sol, ids.Nia, 'asr-Off', 'ghost'],
    });
    expect(r.body.ranked.map((x: Json) => x.name)).toEqual(['Gil']);
    const why = Object.fromEntries(r.body.excluded.map((x: Json) => [x.assessorId, x.reasons]));
    expect(why).toEqual({
      [ids.Sol]: ['does not offer boiler'],
      [ids.Nia]: ['does not serve W1'],
      [ids.Off]: ['not active'],
      ghost: ['unknown assessor'],
    });
  });

  it('AL5: the same request gives the same answer', async () => {
    const a = await rank({ postcode: 'W1D 3QF', service: 'boiler' });
    const b = await rank({ postcode: 'W1D 3QF', service: 'boiler' });
    expect(b.body).toEqual(a.body);
  });

  it.each([
    [{ postcode: 'nowhere', service: 'boiler' }, 'INVALID_POSTCODE', 'postcode'],
    [{ service: 'boiler' }, 'INVALID_POSTCODE', 'postcode'],
    [{ postcode: 'W1D 3QF', service: 'roofing' }, 'VALIDATION_FAILED', 'service'],
    [{ postcode: 'W1D 3QF', service: 'boiler', assessorIds: 'all' }, 'VALIDATION_FAILED', 'assessorIds'],
    [{ postcode: 'W1D 3QF', service: 'boiler', extra: true }, 'VALIDATION_FAILED', undefined],
  ])('refuses %j with 400 %s', async (body, code, field) => {
    const r = await rank(body);
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([400, code, field]);
  });

  it('admits API keys and admins; refuses reviewers and authors (403) and anonymous callers (401)', async () => {
    const body = { postcode: 'W1D 3QF', service: 'boiler' };
    expect((await rank(body, admin)).status).toBe(200);
    expect((await rank(body, reviewer)).body.error.code).toBe('FORBIDDEN');
    expect((await rank(body, author)).body.error.code).toBe('FORBIDDEN');
    expect((await rank(body, null)).body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('configured rules', () => {
  it('RULES_FILE changes the base price and the tier prices the order quotes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-rules-'));
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        pricing: { basePricePence: { boiler: 2000 } },
        tierPrices: { tierPricePence: { silver: 1000 } },
      }),
    );
    const other = await startTestServer({ db: server.db, env: { RULES_FILE: file } });
    try {
      const res = await other.api('/api/allocation/rank', {
        method: 'POST',
        token: key,
        json: { postcode: 'W1D 3QF', service: 'boiler' },
      });
      const body = (await res.json()) as Json;
      expect(body.area.pricePence).toBe(2000);
      expect(body.ranked.map((x: Json) => [x.name, x.pricePence])).toEqual([
        ['Ava', 2000],
        ['Gil', 1000],
      ]);
    } finally {
      await other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
