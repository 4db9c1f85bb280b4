import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionName } from '../../shared/schemas';
import { authenticate, redeemStreamTicket } from '../../sync-server/src/auth/tokens';
import { revokeUser } from '../../sync-server/src/auth/users';
import { createApp } from '../../sync-server/src/http/app';
import { replicationRoutes } from '../../sync-server/src/replication/routes';
import { getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { startTestServer, type TestServer } from '../helpers/server';
import { ticketedStreamUrl } from '../helpers/stream-ticket';
import {
  T0,
  areaDoc,
  assessorDoc,
  callDoc,
  clipDoc,
  leadDoc,
  reviewDoc,
  scorecardDoc,
  staff,
  tierChangeDoc,
} from '../helpers/sync-docs';

/** The replication endpoints over real HTTP: wire format, role rules and bad input (SPEC R1–R9). */
let server: TestServer;
let admin: { id: string; token: string };
let reviewer: { id: string; token: string };
let reviewer2: { id: string; token: string };
let author: { id: string; token: string };

type Row = { newDocumentState: object; assumedMasterState?: object | null };

const pull = (token: string | undefined, collection: string, query = '', v = 0) =>
  server.api(`/sync/${collection}/${v}/pull${query ? `?${query}` : ''}`, { token });
const push = (token: string | undefined, collection: string, rows: Row[], v = 0) =>
  server.api(`/sync/${collection}/${v}/push`, { method: 'POST', token, json: { rows } });

async function pullJson(token: string, collection: string, query = '') {
  const res = await pull(token, collection, query);
  expect(res.status).toBe(200);
  return (await res.json()) as { documents: Array<Record<string, unknown>>; checkpoint: { seq: number }; head: number };
}

async function expectError(res: Response, status: number, code: string, field?: string) {
  const body = await res.json();
  expect({ status: res.status, ...body.error }).toMatchObject({ status, code, ...(field ? { field } : {}) });
}

/** Everything stored in a collection, tombstones included. */
async function stored<C extends CollectionName>(collection: C, ids: string[]) {
  return getDocuments(server.db, collection, ids, { includeDeleted: true });
}

async function seed<C extends CollectionName>(collection: C, docs: Parameters<typeof putDocuments<C>>[2]) {
  await server.db.transaction((tx) => putDocuments(tx, collection, docs, Date.now()));
}

beforeAll(async () => {
  server = await startTestServer();
  const token = await server.login();
  const me = await (await server.api('/api/auth/me', { token })).json();
  admin = { id: me.user.id, token };
  reviewer = await staff(server, 'reviewer', 'rita');
  reviewer2 = await staff(server, 'reviewer', 'rob');
  author = await staff(server, 'author', 'ann');
});
afterAll(async () => {
  await server?.close();
});

describe('pull (R1, R3)', () => {
  it('pages through changes by server checkpoint and returns the checkpoint unchanged when nothing is new', async () => {
    await seed('scorecards', [scorecardDoc('sc-1'), scorecardDoc('sc-2'), scorecardDoc('sc-3')]);
    const first = await pullJson(admin.token, 'scorecards', 'limit=2');
    expect(first.documents.map((d) => d.id)).toEqual(['sc-1', 'sc-2']);
    expect(first.documents[0]._deleted).toBe(false);
    const second = await pullJson(admin.token, 'scorecards', `seq=${first.checkpoint.seq}&limit=2`);
    expect(second.documents.map((d) => d.id)).toEqual(['sc-3']);
    const third = await pullJson(admin.token, 'scorecards', `seq=${second.checkpoint.seq}`);
    expect(third).toMatchObject({
      documents: [],
      checkpoint: { seq: second.checkpoint.seq },
      head: second.checkpoint.seq,
    });
  });

  it('repeats each page’s checkpoint and size in headers, for the role-redacted and the unchanged documents alike', async () => {
    await seed('leads', [leadDoc('lead-h1'), leadDoc('lead-h2'), leadDoc('lead-h3')]);
    for (const who of [admin, reviewer]) {
      const res = await pull(who.token, 'leads', 'limit=2');
      const body = (await res.json()) as { documents: unknown[]; checkpoint: { seq: number } };
      expect(res.headers.get('ringside-page-checkpoint')).toBe(String(body.checkpoint.seq));
      expect(res.headers.get('ringside-page-count')).toBe('2');
      const last = await pull(who.token, 'leads', `seq=${body.checkpoint.seq}&limit=1000`);
      const lastBody = (await last.json()) as { documents: unknown[]; checkpoint: { seq: number } };
      expect(last.headers.get('ringside-page-count')).toBe(String(lastBody.documents.length));
      expect(last.headers.get('ringside-page-checkpoint')).toBe(String(lastBody.checkpoint.seq));
    }
  });

  it('answers a stale schema version with 426 SCHEMA_OUTDATED and an unknown collection with 404', async () => {
    await expectError(await pull(admin.token, 'calls', '', 7), 426, 'SCHEMA_OUTDATED');
    await expectError(await pull(admin.token, 'invoices'), 404, 'UNKNOWN_COLLECTION');
    const row = { newDocumentState: scorecardDoc('sc-stale'), assumedMasterState: null };
    await expectError(await push(admin.token, 'scorecards', [row], 3), 426, 'SCHEMA_OUTDATED');
    await expectError(await push(admin.token, 'scorecardz', [row]), 404, 'UNKNOWN_COLLECTION');
    expect(await stored('scorecards', ['sc-stale'])).toEqual([]);
  });

  it('refuses bad paging parameters naming the parameter', async () => {
    await expectError(await pull(admin.token, 'calls', 'limit=5000'), 400, 'VALIDATION_FAILED', 'limit');
    await expectError(await pull(admin.token, 'calls', 'seq=-1'), 400, 'VALIDATION_FAILED', 'seq');
    await expectError(await pull(admin.token, 'calls', 'scope=everything'), 400, 'VALIDATION_FAILED', 'scope');
  });

  it('needs a valid session: none, expired and revoked tokens get 401 with their reason', async () => {
    await expectError(await pull(undefined, 'calls'), 401, 'UNAUTHENTICATED');
    const doomed = await staff(server, 'reviewer', 'expiring');
    await server.db.query(`UPDATE auth_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [
      doomed.id,
    ]);
    await expectError(await pull(doomed.token, 'calls'), 401, 'TOKEN_EXPIRED');
    const late = await push(doomed.token, 'reviews', [
      { newDocumentState: reviewDoc('c-expired', doomed.id), assumedMasterState: null },
    ]);
    await expectError(late, 401, 'TOKEN_EXPIRED');
    expect(await stored('reviews', [`c-expired:${doomed.id}`])).toEqual([]);
    const gone = await staff(server, 'reviewer', 'revoked');
    await revokeUser(server.db, gone.email);
    await expectError(await pull(gone.token, 'calls'), 401, 'TOKEN_REVOKED');
    const res = await push(gone.token, 'reviews', [
      { newDocumentState: reviewDoc('c-revoked', gone.id), assumedMasterState: null },
    ]);
    await expectError(res, 401, 'TOKEN_REVOKED');
    expect(await stored('reviews', [`c-revoked:${gone.id}`])).toEqual([]);
  });
});

describe('role rules on pull (R6)', () => {
  it('never gives a reviewer or author a real phone number, and gives it to an admin', async () => {
    await seed('leads', [leadDoc('lead-phone')]);
    await seed('assessors', [assessorDoc('assessor-phone')]);
    const asReviewer = await pullJson(reviewer.token, 'leads');
    const lead = asReviewer.documents.find((d) => d.id === 'lead-phone')!;
    expect(lead.customerPhone).toBeNull();
    expect(lead.customerPhoneMasked).toBe('07700 900***');
    expect(JSON.stringify(asReviewer)).not.toContain('+447700900123');
    for (const who of [reviewer, author]) {
      const body = await pullJson(who.token, 'assessors');
      expect(body.documents.find((d) => d.id === 'assessor-phone')!.phone).toBeNull();
      expect(JSON.stringify(body)).not.toContain('+447700900555');
    }
    expect((await pullJson(admin.token, 'leads')).documents.find((d) => d.id === 'lead-phone')!.customerPhone).toBe(
      '+447700900123',
    );
  });

  it('gives a role only the collections it needs and a reviewer only their own reviews', async () => {
    await expectError(await pull(author.token, 'leads'), 403, 'FORBIDDEN');
    await expectError(await pull(reviewer.token, 'tierChanges'), 403, 'FORBIDDEN');
    await expectError(
      await fetch(await ticketedStreamUrl(server.url, '/sync/areas/0/stream', author.token)),
      403,
      'FORBIDDEN',
    );
    await seed('reviews', [reviewDoc('c-own', reviewer.id), reviewDoc('c-own', reviewer2.id)]);
    const mine = await pullJson(reviewer.token, 'reviews');
    expect(mine.documents.map((d) => d.reviewerId)).toEqual(expect.arrayContaining([reviewer.id]));
    expect(mine.documents.every((d) => d.reviewerId === reviewer.id)).toBe(true);
    const all = await pullJson(admin.token, 'reviews');
    expect(all.documents.map((d) => d.id)).toEqual(
      expect.arrayContaining([`c-own:${reviewer.id}`, `c-own:${reviewer2.id}`]),
    );
  });
});

describe('push (R2, R4, R5, R8)', () => {
  it('writes new documents with the server clock, and answers a stale assumed master with the master, unwritten', async () => {
    const doc = reviewDoc('c-push', reviewer.id, { notes: 'v1', updatedAt: 42 });
    const ok = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...doc, _deleted: false }, assumedMasterState: null },
    ]);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ conflicts: [] });
    const [v1] = await stored('reviews', [doc.id]);
    expect(v1.doc.notes).toBe('v1');
    expect(v1.doc.updatedAt).not.toBe(42);

    // A second device still believes there is no document: it gets the master back, nothing is written.
    const stale = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...doc, notes: 'v2', _deleted: false }, assumedMasterState: null },
    ]);
    const body = await stale.json();
    expect(body.conflicts).toHaveLength(1);
    expect(body.conflicts[0]).toMatchObject({ id: doc.id, notes: 'v1', _deleted: false });
    expect((await stored('reviews', [doc.id]))[0].doc.notes).toBe('v1');

    // With the right assumed master (its updatedAt may differ: it is ignored) the write goes through.
    const right = await push(reviewer.token, 'reviews', [
      {
        newDocumentState: { ...doc, notes: 'v2', _deleted: false },
        assumedMasterState: { ...body.conflicts[0], updatedAt: 1 },
      },
    ]);
    expect(await right.json()).toEqual({ conflicts: [] });
    expect((await stored('reviews', [doc.id]))[0].doc.notes).toBe('v2');
  });

  it('stores a pushed deletion as a tombstone that pulls as _deleted', async () => {
    const doc = reviewDoc('c-tomb', reviewer.id);
    await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...doc, _deleted: false }, assumedMasterState: null },
    ]);
    const master = (await pullJson(reviewer.token, 'reviews')).documents.find((d) => d.id === doc.id)!;
    const res = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...master, _deleted: true }, assumedMasterState: master },
    ]);
    expect(await res.json()).toEqual({ conflicts: [] });
    expect((await stored('reviews', [doc.id]))[0].deleted).toBe(true);
    const after = await pullJson(reviewer.token, 'reviews');
    expect(after.documents.find((d) => d.id === doc.id)).toMatchObject({ _deleted: true });
  });

  it('rejects the whole push with 400 VALIDATION_FAILED naming the field when one document is invalid', async () => {
    const good = reviewDoc('c-valid', reviewer.id);
    const bad = reviewDoc('c-invalid', reviewer.id, { score: 250 });
    const res = await push(reviewer.token, 'reviews', [
      { newDocumentState: good, assumedMasterState: null },
      { newDocumentState: bad, assumedMasterState: null },
    ]);
    await expectError(res, 400, 'VALIDATION_FAILED', 'score');
    const extra = await push(reviewer.token, 'reviews', [
      { newDocumentState: { ...good, sneaky: true }, assumedMasterState: null },
    ]);
    await expectError(extra, 400, 'VALIDATION_FAILED', 'sneaky');
    const { callId: _omitted, ...missing } = good;
    await expectError(
      await push(reviewer.token, 'reviews', [{ newDocumentState: missing, assumedMasterState: null }]),
      400,
      'VALIDATION_FAILED',
      'callId',
    );
    expect(await stored('reviews', [good.id, bad.id])).toEqual([]);
  });

  it('answers malformed, mistyped and oversized bodies with 4xx and writes nothing', async () => {
    const id = `c-body:${reviewer.id}`;
    const raw = (body: string, type = 'application/json') =>
      server.api('/sync/reviews/0/push', {
        method: 'POST',
        token: reviewer.token,
        headers: { 'content-type': type },
        body,
      });
    await expectError(await raw('{"rows": [{"newDocumentState": '), 400, 'INVALID_JSON');
    await expectError(await raw('{"rows": "all of them"}'), 400, 'VALIDATION_FAILED', 'rows');
    await expectError(
      await raw(JSON.stringify({ rows: [{ newDocumentState: reviewDoc('c-body', reviewer.id) }] }), 'text/plain'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const huge = reviewDoc('c-body', reviewer.id, { notes: 'x'.repeat(20_000) });
    await expectError(
      await raw(JSON.stringify({ rows: Array.from({ length: 60 }, () => ({ newDocumentState: huge })) })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const many = Array.from({ length: 501 }, (_, i) => ({
      newDocumentState: reviewDoc(`c-many-${i}`, reviewer.id),
      assumedMasterState: null,
    }));
    await expectError(await push(reviewer.token, 'reviews', many), 413, 'PAYLOAD_TOO_LARGE');
    const twice = reviewDoc('c-twice', reviewer.id);
    await expectError(
      await push(reviewer.token, 'reviews', [{ newDocumentState: twice }, { newDocumentState: twice }]),
      400,
      'VALIDATION_FAILED',
      'id',
    );
    expect(await stored('reviews', [id, 'c-many-0:' + reviewer.id, twice.id])).toEqual([]);
  });
});

describe('role rules on push (R7)', () => {
  it('lets a reviewer write only reviews that are their own', async () => {
    const theirs = reviewDoc('c-r7', reviewer2.id);
    await expectError(
      await push(reviewer.token, 'reviews', [{ newDocumentState: theirs }]),
      403,
      'FORBIDDEN_FIELD',
      'reviewerId',
    );
    const disguised = { ...reviewDoc('c-r7', reviewer.id), id: `c-r7:${reviewer2.id}` };
    await expectError(
      await push(reviewer.token, 'reviews', [{ newDocumentState: disguised }]),
      403,
      'FORBIDDEN_FIELD',
      'id',
    );
    // Over another reviewer's stored review: refused without revealing it in a conflict.
    await seed('reviews', [reviewDoc('c-r7b', reviewer2.id, { notes: 'private notes' })]);
    const over = await push(reviewer.token, 'reviews', [{ newDocumentState: reviewDoc('c-r7b', reviewer2.id) }]);
    expect(over.status).toBe(403);
    expect(await over.text()).not.toContain('private notes');
    expect(await stored('reviews', [theirs.id])).toEqual([]);
    expect((await stored('reviews', [`c-r7b:${reviewer2.id}`]))[0].doc.notes).toBe('private notes');
  });

  it('refuses a collection the role cannot write with 403 FORBIDDEN and a field with 403 FORBIDDEN_FIELD, writing nothing', async () => {
    await expectError(
      await push(reviewer.token, 'scorecards', [{ newDocumentState: scorecardDoc('sc-rev') }]),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await push(admin.token, 'leads', [{ newDocumentState: leadDoc('lead-admin') }]),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await push(author.token, 'reviews', [{ newDocumentState: reviewDoc('c-auth', author.id) }]),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await push(reviewer.token, 'clips', [{ newDocumentState: clipDoc('clip-rev', reviewer.id) }]),
      403,
      'FORBIDDEN',
    );
    expect(await stored('scorecards', ['sc-rev'])).toEqual([]);
    expect(await stored('leads', ['lead-admin'])).toEqual([]);

    // One allowed row and one forbidden row: neither is written.
    await seed('calls', [callDoc('call-f1'), callDoc('call-f2')]);
    const [m1, m2] = (await pullJson(admin.token, 'calls')).documents.filter(
      (d) => d.id === 'call-f1' || d.id === 'call-f2',
    );
    const res = await push(admin.token, 'calls', [
      { newDocumentState: { ...m1, reviewAssignee: reviewer.id }, assumedMasterState: m1 },
      { newDocumentState: { ...m2, talkSeconds: 999 }, assumedMasterState: m2 },
    ]);
    await expectError(res, 403, 'FORBIDDEN_FIELD', 'talkSeconds');
    const after = await stored('calls', ['call-f1', 'call-f2']);
    expect(after.map((s) => [s.doc.reviewAssignee, s.doc.talkSeconds])).toEqual([
      [null, 60],
      [null, 60],
    ]);
  });

  it('lets an admin assign calls for review and a reviewer only claim or release their own', async () => {
    await seed('calls', [callDoc('call-a1'), callDoc('call-a2')]);
    const get = async (id: string) => (await pullJson(admin.token, 'calls')).documents.find((d) => d.id === id)!;
    let m = await get('call-a1');
    expect(
      await (
        await push(admin.token, 'calls', [
          { newDocumentState: { ...m, reviewAssignee: reviewer2.id }, assumedMasterState: m },
        ])
      ).json(),
    ).toEqual({ conflicts: [] });
    m = await get('call-a1');
    await expectError(
      await push(reviewer.token, 'calls', [
        { newDocumentState: { ...m, reviewAssignee: reviewer.id }, assumedMasterState: m },
      ]),
      403,
      'FORBIDDEN_FIELD',
      'reviewAssignee',
    );
    const free = await get('call-a2');
    expect(
      await (
        await push(reviewer.token, 'calls', [
          { newDocumentState: { ...free, reviewAssignee: reviewer.id }, assumedMasterState: free },
        ])
      ).json(),
    ).toEqual({ conflicts: [] });
    const claimed = await get('call-a2');
    await expectError(
      await push(reviewer.token, 'calls', [
        { newDocumentState: { ...claimed, reviewAssignee: reviewer2.id }, assumedMasterState: claimed },
      ]),
      403,
      'FORBIDDEN_FIELD',
      'reviewAssignee',
    );
    expect((await stored('calls', ['call-a1', 'call-a2'])).map((s) => s.doc.reviewAssignee)).toEqual([
      reviewer2.id,
      reviewer.id,
    ]);
  });

  it('lets only an admin decide a tier change, once, signed with their own id', async () => {
    await seed('tierChanges', [tierChangeDoc('tc-1')]);
    const m = (await pullJson(admin.token, 'tierChanges')).documents.find((d) => d.id === 'tc-1')!;
    const decision = { ...m, status: 'approved', decidedBy: admin.id, decidedAt: T0 + 1, reason: 'fast responses' };
    await expectError(
      await push(reviewer.token, 'tierChanges', [{ newDocumentState: decision, assumedMasterState: m }]),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await push(author.token, 'tierChanges', [{ newDocumentState: decision, assumedMasterState: m }]),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await push(admin.token, 'tierChanges', [
        { newDocumentState: { ...decision, decidedBy: reviewer.id }, assumedMasterState: m },
      ]),
      403,
      'FORBIDDEN_FIELD',
      'decidedBy',
    );
    await expectError(
      await push(admin.token, 'tierChanges', [
        { newDocumentState: { ...decision, toTier: 'platinum' }, assumedMasterState: m },
      ]),
      403,
      'FORBIDDEN_FIELD',
      'toTier',
    );
    expect(
      await (await push(admin.token, 'tierChanges', [{ newDocumentState: decision, assumedMasterState: m }])).json(),
    ).toEqual({ conflicts: [] });
    const decided = (await pullJson(admin.token, 'tierChanges')).documents.find((d) => d.id === 'tc-1')!;
    await expectError(
      await push(admin.token, 'tierChanges', [
        { newDocumentState: { ...decided, status: 'rejected' }, assumedMasterState: decided },
      ]),
      403,
      'FORBIDDEN_FIELD',
      'status',
    );
    expect((await stored('tierChanges', ['tc-1']))[0].doc).toMatchObject({ status: 'approved', decidedBy: admin.id });
  });

  it('lets only an admin set a price override, and only the override', async () => {
    await seed('areas', [areaDoc('W1:boiler')]);
    const m = (await pullJson(admin.token, 'areas')).documents.find((d) => d.id === 'W1:boiler')!;
    const override = { pricePence: 3000, reason: 'launch week', validFrom: T0, validTo: null, by: admin.id };
    await expectError(
      await push(reviewer.token, 'areas', [{ newDocumentState: { ...m, override }, assumedMasterState: m }]),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await push(admin.token, 'areas', [{ newDocumentState: { ...m, suggestedPricePence: 1 }, assumedMasterState: m }]),
      403,
      'FORBIDDEN_FIELD',
      'suggestedPricePence',
    );
    await expectError(
      await push(admin.token, 'areas', [
        { newDocumentState: { ...m, override: { ...override, by: reviewer.id } }, assumedMasterState: m },
      ]),
      403,
      'FORBIDDEN_FIELD',
      'override.by',
    );
    expect(
      await (
        await push(admin.token, 'areas', [{ newDocumentState: { ...m, override }, assumedMasterState: m }])
      ).json(),
    ).toEqual({ conflicts: [] });
    expect((await stored('areas', ['W1:boiler']))[0].doc.override).toEqual(override);
  });

  it('lets authors write their own clips and courses, and admins write scorecards', async () => {
    expect(
      await (await push(author.token, 'clips', [{ newDocumentState: clipDoc('clip-1', author.id) }])).json(),
    ).toEqual({ conflicts: [] });
    await expectError(
      await push(author.token, 'clips', [{ newDocumentState: clipDoc('clip-2', reviewer.id) }]),
      403,
      'FORBIDDEN_FIELD',
      'authorId',
    );
    const course = {
      id: 'course-1',
      updatedAt: 0,
      title: 'Objection Handling',
      description: '',
      authorId: author.id,
      pricing: { kind: 'paid', pricePence: 4900 },
      items: [{ clipId: 'clip-1', note: '' }],
      published: false,
      createdAt: T0,
      districts: ['W1'],
    };
    expect(await (await push(author.token, 'courses', [{ newDocumentState: course }], 1)).json()).toEqual({
      conflicts: [],
    });
    expect(
      await (await push(admin.token, 'scorecards', [{ newDocumentState: scorecardDoc('sc-admin') }])).json(),
    ).toEqual({ conflicts: [] });
    expect((await stored('clips', ['clip-1', 'clip-2'])).map((s) => s.id)).toEqual(['clip-1']);
    expect((await stored('courses', ['course-1']))[0].doc.authorId).toBe(author.id);
  });
});

describe('stream (R9)', () => {
  async function openStream(url: string) {
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    return {
      res,
      async until(needle: string) {
        while (!text.includes(needle)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}; got ${JSON.stringify(text)}`);
          text += value;
        }
        return text;
      },
      async ended() {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return text;
          text += value;
        }
      },
      close: () => controller.abort(),
    };
  }

  it('sends a change event for each committed write, opened with a stream ticket', async () => {
    const s = await openStream(await ticketedStreamUrl(server.url, '/sync/clips/0/stream', author.token));
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await s.until(': connected');
    await seed('clips', [clipDoc('clip-live', author.id)]);
    const text = await s.until('event: change');
    expect(text).toMatch(/event: change\ndata: \{"seq":\d+\}/);
    s.close();
    await expectError(await server.api('/sync/clips/0/stream'), 401, 'UNAUTHENTICATED');
  });

  it('carries several collections on one stream, each event naming its collection, within the role rules', async () => {
    const s = await openStream(
      await ticketedStreamUrl(server.url, '/sync/stream?collections=clips:0,courses:1', author.token),
    );
    await s.until(': connected');
    await seed('calls', [callDoc('call-not-carried')]);
    await seed('clips', [clipDoc('clip-multi', author.id)]);
    const text = await s.until('"collection":"clips"');
    expect(text).toMatch(/event: change\ndata: \{"collection":"clips","seq":\d+\}/);
    expect(text).not.toContain('"collection":"calls"');
    s.close();
    const ask = (q: string, token = author.token) => server.api(`/sync/stream?${q}`, { token });
    await expectError(await ask('collections=clips:0,leads:0'), 403, 'FORBIDDEN');
    await expectError(await ask('collections=clips:3'), 426, 'SCHEMA_OUTDATED');
    await expectError(await ask('collections=invoices:0'), 404, 'UNKNOWN_COLLECTION');
    await expectError(await ask('collections=clips'), 400, 'VALIDATION_FAILED', 'collections');
    await expectError(await server.api('/sync/stream?collections=clips:0'), 401, 'UNAUTHENTICATED');
  });

  it('ends streams when the server shuts down', async () => {
    const other = await startTestServer({ db: server.db });
    const s = await openStream(await ticketedStreamUrl(other.url, '/sync/calls/0/stream', admin.token));
    await s.until(': connected');
    const closing = other.close();
    await s.ended();
    await closing;
  });

  it('ends a stream whose session expired, at the next heartbeat', async () => {
    // Same routes and context, with a short heartbeat so the test does not wait 25 s.
    const app = createApp(server.ctx, replicationRoutes(server.ctx, { heartbeatMs: 50 }), {
      authenticate,
      redeemStreamTicket,
    });
    const httpServer = http.createServer(app);
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    try {
      const leaving = await staff(server, 'reviewer', 'leaving');
      // The ticket comes from the full server; this app shares its database, where tickets live.
      const url = await ticketedStreamUrl(server.url, '/sync/calls/0/stream', leaving.token);
      const s = await openStream(
        url.replace(server.url, `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`),
      );
      await s.until(': heartbeat');
      // Expiry announces nothing: the heartbeat's check of the session ends the stream.
      await server.db.query(
        `UPDATE auth_tokens SET expires_at = now() - interval '1 minute' FROM users
          WHERE users.id = auth_tokens.user_id AND users.email = $1`,
        [leaving.email],
      );
      const text = await s.ended();
      expect(text).toContain('event: closed\ndata: {"code":"UNAUTHENTICATED"}');
    } finally {
      httpServer.closeAllConnections();
      await new Promise((r) => httpServer.close(r));
    }
  });
});
