import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullableCollections } from '../../shared/sync-policy';
import { COLLECTIONS, type CollectionName, type InsightDoc, type MessageDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { allRoutes } from '../../sync-server/src/modules';
import { putDocuments } from '../../sync-server/src/replication/store';
import { startTestServer, type TestServer } from '../helpers/server';
import { T0, callDoc, clipDoc, staff } from '../helpers/sync-docs';

/**
 * Issue 16.5: an assessor's own number is personal data. Reviewers and authors never receive it — not in the
 * assessor record, not in a text the assessor sent, not in a transcript, an analysis quote or a clip's title —
 * in any collection they may pull or any GET answer they may read, in any of the ways a number is written.
 * Admins do receive it (they arrange the work), which also shows the number really is in the data.
 */
let server: TestServer;
let admin: string;
let reviewer: { id: string; token: string };
let author: { id: string; token: string };
let assessorId: string;

/** The ways people write the number: E.164, national, spaced, spoken-ish grouping. */
const FORMS = ['+447700900451', '447700900451', '07700900451', '07700 900451', '07700 900 451', '7700900451'];

const leaks = (text: string): string[] => {
  const squeezed = text.replace(/[\s()-]/g, '');
  return FORMS.filter((f) => text.includes(f) || squeezed.includes(f.replace(/\s/g, '')));
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
  reviewer = await staff(server, 'reviewer', 'phones-reviewer');
  author = await staff(server, 'author', 'phones-author');
  await addPoolNumbers(server.ctx, ['+447700900861', '+447700900862']);
  const key = (await createApiKey(server.db, 'marketplace')).key;
  const res = await server.api('/api/assessors', {
    method: 'POST',
    token: key,
    json: { externalId: 'mk-451', name: 'Dan Price', phone: '07700 900451', districts: ['W1'], services: ['boiler'] },
  });
  expect([200, 201]).toContain(res.status);
  assessorId = ((await res.json()) as { assessor: { id: string } }).assessor.id;
  const lead = await server.api('/api/leads', {
    method: 'POST',
    token: key,
    json: {
      externalId: 'mk-lead-451',
      customer: { name: 'Priya Patel', phone: '+447700900211' },
      postcode: 'W1D 3QF',
      service: 'boiler',
      assessorIds: [assessorId],
    },
  });
  expect(lead.status).toBe(201);
  const leadId = ((await lead.json()) as { lead: { id: string } }).lead.id;

  const now = Date.now();
  const callId = 'CA' + 'a'.repeat(32);
  const message: MessageDoc = {
    id: 'SM' + 'b'.repeat(32),
    updatedAt: 0,
    leadId,
    assessorId,
    direction: 'assessor_to_customer',
    poolNumber: '+447700900001',
    body: 'Dan here, if the pool number fails ring me direct on 07700 900 451',
    mediaCount: 0,
    status: 'delivered',
    sentAt: now,
    sandbox: false,
  };
  const insight: InsightDoc = {
    id: `ins-${callId}`,
    updatedAt: 0,
    callId,
    provider: 'local',
    model: 'test',
    version: '1',
    createdAt: now,
    transcriber: { provider: 'sandbox', model: 'script', version: '1', sandbox: true },
    transcript: [
      {
        speaker: 'assessor',
        start: 0,
        end: 3,
        text: 'My own mobile is oh seven seven double oh nine double oh four five one',
      },
      { speaker: 'assessor', start: 3, end: 5, text: 'or text +44 7700 900451 any time' },
    ],
    analysis: null,
    status: 'done',
    error: null,
    sandbox: false,
  };
  await server.db.transaction(async (tx) => {
    await putDocuments(tx, 'calls', [callDoc(callId, { leadId, assessorId, startedAt: T0 })], now);
    await putDocuments(tx, 'messages', [message], now);
    await putDocuments(tx, 'insights', [insight], now);
    await putDocuments(
      tx,
      'clips',
      [
        clipDoc('clip-451', author.id, {
          callId,
          title: 'Dan gives out 07700900451',
          notes: 'his number 07700 900451',
        }),
      ],
      now,
    );
  });
});
afterAll(async () => {
  await server?.close();
});

async function pullText(token: string, collection: CollectionName): Promise<string> {
  // At the collection's current schema version, as the app pulls.
  const res = await server.api(`/sync/${collection}/${COLLECTIONS[collection].version}/pull?limit=2000`, { token });
  expect(res.status).toBe(200);
  return JSON.stringify(await res.json());
}

describe("an assessor's own number", () => {
  it('is in what an admin pulls (the seed really carries it)', async () => {
    const all =
      (await pullText(admin, 'assessors')) + (await pullText(admin, 'messages')) + (await pullText(admin, 'insights'));
    expect(leaks(all).length).toBeGreaterThan(0);
  });

  for (const role of ['reviewer', 'author'] as const) {
    it(`never reaches a ${role} through any collection they may pull`, async () => {
      const who = role === 'reviewer' ? reviewer : author;
      const collections = pullableCollections(role);
      expect(collections).toContain('assessors');
      for (const c of collections) {
        const text = await pullText(who.token, c);
        expect(leaks(text), `${role} pulling ${c}`).toEqual([]);
      }
      // The spoken form is masked too (the free-text masker hears digits as words).
      if (collections.includes('insights')) expect(await pullText(who.token, 'insights')).toContain('[phone]');
    });

    it(`never reaches a ${role} through any GET answer they may read`, async () => {
      const who = role === 'reviewer' ? reviewer : author;
      const readable = allRoutes(server.ctx).filter(
        (r) =>
          r.method === 'get' &&
          Array.isArray(r.access) &&
          r.access.includes(role) &&
          !r.path.startsWith('/sync/') &&
          !r.path.includes('/stream'),
      );
      expect(readable.length).toBeGreaterThan(0);
      for (const r of readable) {
        // Path parameters are filled with the ids seeded above, so per-item answers are read too.
        const path = r.path
          .replace(':collection', 'assessors')
          .replace(':id', assessorId)
          .replace(/:[A-Za-z]+/g, 'x');
        const res = await server.api(path, { token: who.token });
        const text = await res.text();
        expect(leaks(text), `${role} GET ${path} (${res.status})`).toEqual([]);
      }
    });
  }
});
