import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionName, InsightDoc, MessageDoc } from '../../shared/schemas';
import { getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { startTestServer, type TestServer } from '../helpers/server';
import { T0, clipDoc, leadDoc, reviewDoc, staff } from '../helpers/sync-docs';

/**
 * Over real HTTP and a real database: phone numbers, emails and card numbers in free text never reach a role
 * that may not see them (SPEC R6a), a masked copy pushed back never overwrites the real text (R7), and a
 * submitted review is final except for an admin's reopen or deletion (R7a).
 */
let server: TestServer;
let admin: { id: string; token: string };
let reviewer: { id: string; token: string };
let author: { id: string; token: string };

type Row = { newDocumentState: object; assumedMasterState?: object | null };
type Doc = Record<string, unknown>;

const REAL = '+447700900100';

async function pullAll(token: string, collection: CollectionName): Promise<Doc[]> {
  const res = await server.api(`/sync/${collection}/0/pull?limit=2000`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { documents: Doc[] }).documents;
}
const push = (token: string, collection: CollectionName, rows: Row[]) =>
  server.api(`/sync/${collection}/0/push`, { method: 'POST', token, json: { rows } });

async function seed<C extends CollectionName>(collection: C, docs: Parameters<typeof putDocuments<C>>[2]) {
  await server.db.transaction((tx) => putDocuments(tx, collection, docs, Date.now()));
}
async function storedDoc(collection: CollectionName, id: string): Promise<Doc | undefined> {
  const [row] = await getDocuments(server.db, collection, [id], { includeDeleted: true });
  return row ? { ...(row.doc as unknown as Doc), _deleted: row.deleted } : undefined;
}

function message(id: string, body: string): MessageDoc {
  return {
    id,
    updatedAt: 0,
    leadId: 'lead-1',
    assessorId: 'assessor-1',
    direction: 'customer_to_assessor',
    poolNumber: '+447700900001',
    body,
    mediaCount: 0,
    status: 'delivered',
    sentAt: T0,
    sandbox: false,
  };
}

function insight(id: string): InsightDoc {
  const words = [
    'ring',
    'me',
    'on',
    'oh',
    'seven',
    'seven',
    'double',
    'oh',
    'nine',
    'double',
    'oh',
    'one',
    'double',
    'oh',
  ];
  return {
    id,
    updatedAt: 0,
    callId: 'call-1',
    provider: 'local',
    model: 'm',
    version: '1',
    createdAt: T0,
    transcriber: { provider: 'p', model: 'm', version: '1', sandbox: false },
    transcript: [
      {
        speaker: 'customer',
        start: 0,
        end: 7,
        text: words.join(' '),
        words: words.map((word, k) => ({ word, start: k * 0.5, end: k * 0.5 + 0.4 })),
      },
    ],
    analysis: {
      schemaVersion: 1,
      stamp: { provider: 'local', model: 'm', version: '1' },
      sentiment: { score: 0, label: 'neutral', curve: [] },
      triggers: [],
      objections: [],
      professionalism: {
        score: 100,
        greeting: { met: true, evidence: null, time: null },
        clarity: { met: true, evidence: null, time: null },
        empathy: { met: true, evidence: null, time: null },
        nextStep: { met: true, evidence: `I'll ring you on 07700 900100`, time: 3 },
        issues: [],
      },
      outcome: {
        value: 'callback',
        confidence: 0.6,
        evidence: [{ quote: `ring me on ${REAL}`, time: 1, speaker: 'customer' }],
      },
      summary: `Callback requested on ${REAL}; email jane@example.com.`,
      cardDetails: [],
      caveats: [],
    },
    status: 'done',
    error: null,
    sandbox: false,
  };
}

beforeAll(async () => {
  server = await startTestServer();
  const token = await server.login();
  const me = await (await server.api('/api/auth/me', { token })).json();
  admin = { id: me.user.id, token };
  reviewer = await staff(server, 'reviewer', 'rhea');
  author = await staff(server, 'author', 'arlo');
  await seed('messages', [
    message('m-phone', `ring me on ${REAL}`),
    message('m-forms', 'or 07700 900100, +44 (0)7700-900-100 or 0044 7700 900100'),
    message('m-mail-card', 'jane@example.com, card 4242 4242 4242 4242'),
    message('m-plain', 'see you at 10:30, the quote was £1,250, postcode N1 9GU, ext 1234'),
  ]);
  await seed('insights', [insight('i-1')]);
  await seed('leads', [leadDoc('lead-1', { quality: { grade: 'hot', evidence: [`texted ${REAL} twice`] } })]);
  await seed('clips', [clipDoc('clip-admin', admin.id, { notes: `customer reads out ${REAL}` })]);
});
afterAll(async () => {
  await server?.close();
});

describe('free text on pull (R6a)', () => {
  it('gives a reviewer message bodies with every phone number, email and card masked, and an admin the real text', async () => {
    const seen = Object.fromEntries((await pullAll(reviewer.token, 'messages')).map((d) => [d.id, d.body]));
    expect(seen).toEqual({
      'm-phone': 'ring me on [phone]',
      'm-forms': 'or [phone], [phone] or [phone]',
      'm-mail-card': '[email], card [card]',
      'm-plain': 'see you at 10:30, the quote was £1,250, postcode N1 9GU, ext 1234',
    });
    const real = Object.fromEntries((await pullAll(admin.token, 'messages')).map((d) => [d.id, d.body]));
    expect(real['m-phone']).toBe(`ring me on ${REAL}`);
    expect(real['m-mail-card']).toBe('jane@example.com, card 4242 4242 4242 4242');
  });

  it('gives reviewers and authors transcripts and analysis quotes masked, word timings intact; admins the real ones', async () => {
    for (const who of [reviewer, author]) {
      const [doc] = await pullAll(who.token, 'insights');
      const text = JSON.stringify(doc);
      expect(text).not.toMatch(/7700|900100|jane@|seven seven/);
      const segment = (doc as unknown as InsightDoc).transcript![0];
      expect(segment.text).toBe('ring me on [phone]');
      expect(segment.words).toHaveLength(14);
      expect(segment.words!.slice(0, 4).map((w) => w.word)).toEqual(['ring', 'me', 'on', '[phone]']);
      expect(segment.words![13]).toEqual({ word: '[phone]', start: 6.5, end: 6.9 });
      expect((doc as unknown as InsightDoc).analysis!.summary).toBe('Callback requested on [phone]; email [email].');
    }
    const [real] = await pullAll(admin.token, 'insights');
    expect((real as unknown as InsightDoc).analysis!.summary).toContain(REAL);
    expect((real as unknown as InsightDoc).transcript![0].text).toContain('oh seven seven double oh');
  });

  it('masks lead quality evidence for a reviewer and clip notes for an author', async () => {
    const [lead] = await pullAll(reviewer.token, 'leads');
    expect(lead).toMatchObject({ customerPhone: null, quality: { evidence: ['texted [phone] twice'] } });
    const clips = await pullAll(author.token, 'clips');
    expect(clips.find((c) => c.id === 'clip-admin')?.notes).toBe('customer reads out [phone]');
  });
});

describe('masked text pushed back (R7)', () => {
  it('never lets an author’s masked copy overwrite the real number, and keeps their own edit', async () => {
    await seed('clips', [clipDoc('clip-arlo', author.id, { notes: `call back on ${REAL}` })]);
    const seen = (await pullAll(author.token, 'clips')).find((c) => c.id === 'clip-arlo')!;
    expect(seen.notes).toBe('call back on [phone]');
    const edited = { ...seen, notes: `${String(seen.notes)} (good close)`, _deleted: false };
    const res = await push(author.token, 'clips', [{ newDocumentState: edited, assumedMasterState: seen }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ conflicts: [] });
    expect((await storedDoc('clips', 'clip-arlo'))?.notes).toBe(`call back on ${REAL} (good close)`);
    expect((await pullAll(author.token, 'clips')).find((c) => c.id === 'clip-arlo')?.notes).toBe(
      'call back on [phone] (good close)',
    );
  });

  it('answers a conflict with the master masked', async () => {
    const res = await push(author.token, 'clips', [
      {
        newDocumentState: clipDoc('clip-arlo', author.id, { notes: 'mine' }),
        assumedMasterState: clipDoc('clip-arlo', author.id),
      },
    ]);
    expect(res.status).toBe(200);
    const { conflicts } = (await res.json()) as { conflicts: Doc[] };
    expect(conflicts).toHaveLength(1);
    expect(JSON.stringify(conflicts)).not.toContain('900100');
  });
});

describe('review lifecycle (R7a)', () => {
  const submittedFor = (callId: string, reviewerId: string) =>
    reviewDoc(callId, reviewerId, { status: 'submitted', submittedAt: T0, outcome: 'booked', notes: 'done' });

  it('refuses a reviewer reopening their submitted review with 403 REVIEW_SUBMITTED, writing nothing', async () => {
    const submitted = submittedFor('c-life-1', reviewer.id);
    await seed('reviews', [submitted]);
    const res = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...submitted, status: 'draft', submittedAt: null }, assumedMasterState: submitted },
    ]);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: 'REVIEW_SUBMITTED', field: 'status' });
    expect(await storedDoc('reviews', submitted.id)).toMatchObject({ status: 'submitted', _deleted: false });
  });

  it('refuses a reviewer deleting their submitted review with 403 REVIEW_SUBMITTED', async () => {
    const submitted = submittedFor('c-life-2', reviewer.id);
    await seed('reviews', [submitted]);
    const res = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...submitted, _deleted: true }, assumedMasterState: submitted },
    ]);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ code: 'REVIEW_SUBMITTED', field: 'status' });
    expect(await storedDoc('reviews', submitted.id)).toMatchObject({ status: 'submitted', _deleted: false });
  });

  it('lets an admin reopen a reviewer’s submitted review, which the reviewer can then edit and submit again', async () => {
    const submitted = submittedFor('c-life-3', reviewer.id);
    await seed('reviews', [submitted]);
    const reopened = { ...submitted, status: 'draft' as const, submittedAt: null };
    const res = await push(admin.token, 'reviews', [{ newDocumentState: reopened, assumedMasterState: submitted }]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ conflicts: [] });
    expect(await storedDoc('reviews', submitted.id)).toMatchObject({ status: 'draft', notes: 'done' });
    const again = { ...reopened, notes: 'done, corrected', status: 'submitted' as const, submittedAt: T0 + 1 };
    const res2 = await push(reviewer.token, 'reviews', [{ newDocumentState: again, assumedMasterState: reopened }]);
    expect(res2.status).toBe(200);
    expect(await storedDoc('reviews', submitted.id)).toMatchObject({ status: 'submitted', notes: 'done, corrected' });
  });

  it('lets a reviewer delete their own draft', async () => {
    const draft = reviewDoc('c-life-4', reviewer.id);
    await seed('reviews', [draft]);
    const res = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...draft, _deleted: true }, assumedMasterState: { ...draft, _deleted: false } },
    ]);
    expect(res.status).toBe(200);
    expect(await storedDoc('reviews', draft.id)).toMatchObject({ _deleted: true });
  });
});
