import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssessorDoc } from '../../shared/schemas';
import { eraseSubject, subjectHash } from '../../sync-server/src/erasure/erase';
import { subjectFromOptions } from '../../sync-server/src/erasure/cli';
import { ApiError } from '../../sync-server/src/http/errors';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { getRecording } from '../../sync-server/src/recordings/repository';
import { getDocument, getDocuments } from '../../sync-server/src/replication/store';
import { createNodeClient, waitFor, type NodeClient } from '../helpers/rxdb-node';
import { staff } from '../helpers/sync-docs';
import { seedAssessor, seedContact, seedLead, type SeededAssessor, type SeededContact } from './privacy-fixtures';
import { startFakeTwilio, startMediaServer, type FakeTwilio, type MediaTestServer } from './recordings-fixtures';

/**
 * Issue 16.1: erasure by assessor (id or phone) and by lead, with the guarantees erasure by customer phone has
 * (erasure.test.ts): media, transcripts, message bodies, clips and training uses removed; the apps (an offline
 * one included) drop them on their next sync; calls stay as anonymous metadata; the request and its outcome
 * audited with a keyed hash; an unknown subject refused with nothing changed; a second run harmless.
 */
let twilio: FakeTwilio;
let server: MediaTestServer;
let admin: string;
let reviewerId: string;
const actor = { label: 'test:privacy' };

let dan: SeededAssessor; // leaves the marketplace: erased by id
let amy: SeededAssessor; // erased by her own number
let kim: SeededAssessor; // stays
let leadA: string;
let leadB: string;
let leadC: string;
let danA: SeededContact;
let danB: SeededContact;
let kimA: SeededContact;
let amyC: SeededContact;
let kimC: SeededContact;

const CUSTOMER_A = '+447700900201';
const CUSTOMER_B = '+447700900202';
const CUSTOMER_C = '+447700900203';

beforeAll(async () => {
  twilio = await startFakeTwilio();
  server = await startMediaServer({ twilio });
  admin = await server.login();
  reviewerId = (await staff(server, 'reviewer', 'privacy-reviewer')).id;
  dan = await seedAssessor(server, 'Dan Price', '+447700900301');
  amy = await seedAssessor(server, 'Amy Lee', '+447700900302');
  kim = await seedAssessor(server, 'Kim Roe', '+447700900303');
  leadA = await seedLead(server, { name: 'Priya Patel', phone: CUSTOMER_A });
  leadB = await seedLead(server, { name: 'Tom Hill', phone: CUSTOMER_B });
  leadC = await seedLead(server, { name: 'Sue Bell', phone: CUSTOMER_C });
  danA = await seedContact(server, twilio, leadA, CUSTOMER_A, dan, reviewerId);
  danB = await seedContact(server, twilio, leadB, CUSTOMER_B, dan, reviewerId);
  kimA = await seedContact(server, twilio, leadA, CUSTOMER_A, kim, reviewerId);
  amyC = await seedContact(server, twilio, leadC, CUSTOMER_C, amy, reviewerId);
  kimC = await seedContact(server, twilio, leadC, CUSTOMER_C, kim, reviewerId);
}, 240_000);
afterAll(async () => {
  await server?.close();
  await twilio?.close();
});

const deps = () => mediaDeps(server.ctx);

/** Every replicated document and telephony's rows for people, as one fingerprint. */
async function fingerprint(): Promise<string> {
  return (
    await server.db.query<{ f: string }>(
      `SELECT md5(concat_ws('|',
         (SELECT string_agg(collection || id || updated_at || deleted || doc::text, ',' ORDER BY collection, id) FROM sync_documents),
         (SELECT string_agg(a::text, ',' ORDER BY id) FROM assessors a),
         (SELECT string_agg(l::text, ',' ORDER BY id) FROM leads l),
         (SELECT string_agg(m::text, ',' ORDER BY id) FROM messages m),
         (SELECT string_agg(c::text, ',' ORDER BY call_sid) FROM calls c),
         (SELECT string_agg(p::text, ',' ORDER BY id) FROM pool_sessions p))) AS f`,
    )
  ).rows[0].f;
}

async function expectContactErased(c: SeededContact): Promise<void> {
  for (const call of c.calls) {
    expect((await getRecording(server.db, call.recordingSid))!.state).toBe('deleted');
    const doc = await getDocument(server.db, 'calls', call.callId);
    // Anonymous metadata stays for the metrics.
    expect(doc).toMatchObject({ recording: { state: 'deleted' }, status: 'completed', talkSeconds: 60 });
  }
  const insights = await getDocuments(
    server.db,
    'insights',
    c.calls.map((x) => `ins-${x.callId}`),
    { includeDeleted: true },
  );
  expect(insights.map((i) => [i.deleted, i.doc.transcript])).toEqual([
    [true, null],
    [true, null],
  ]);
  const messages = await getDocuments(server.db, 'messages', c.messageIds);
  expect(messages.map((m) => m.doc.body)).toEqual([null, null]);
  const rows = await server.db.query<{ body: string | null }>(`SELECT body FROM messages WHERE id = ANY($1::text[])`, [
    c.messageIds,
  ]);
  expect(rows.rows).toEqual([{ body: null }, { body: null }]);
  expect((await getDocuments(server.db, 'clips', [c.clipId], { includeDeleted: true }))[0].deleted).toBe(true);
  const review = await getDocument(server.db, 'reviews', `${c.calls[0].callId}:${reviewerId}`);
  expect(review?.notes ?? '').toBe('');
}

async function expectContactKept(c: SeededContact): Promise<void> {
  for (const call of c.calls) expect((await getRecording(server.db, call.recordingSid))!.state).toBe('stored');
  const insight = await getDocument(server.db, 'insights', `ins-${c.calls[0].callId}`);
  expect(insight?.transcript?.[0].text).toContain('Acacia');
  const messages = await getDocuments(server.db, 'messages', c.messageIds);
  expect(messages.every((m) => typeof m.doc.body === 'string' && m.doc.body.length > 0)).toBe(true);
}

describe('erasure of an assessor', () => {
  let online: NodeClient;
  let offline: NodeClient;

  beforeAll(async () => {
    const collections = ['assessors', 'insights', 'messages'] as const;
    online = await createNodeClient({ collections, baseUrl: () => server.url, token: admin });
    offline = await createNodeClient({ collections, baseUrl: () => server.url, token: admin });
    for (const c of collections) await online.replicate(c, {}).awaitInitialReplication();
    const reps = [];
    for (const c of collections) {
      const rep = offline.replicate(c, {});
      await rep.awaitInitialReplication();
      reps.push(rep);
    }
    expect((await offline.collection('assessors').findOne(dan.id).exec())?.phone).toBe(dan.phone);
    // The admin's laptop goes offline before the erasure.
    await Promise.all(reps.map((r) => r.cancel()));
  }, 60_000);
  afterAll(async () => {
    await online?.close();
    await offline?.close();
  });

  it('a preview counts both customers’ contacts with them and changes nothing', async () => {
    const before = await fingerprint();
    const report = await eraseSubject(deps(), actor, { kind: 'assessor', assessorId: dan.id }, { dryRun: true });
    expect(report).toMatchObject({
      dryRun: true,
      assessors: 1,
      leads: 0,
      sessions: 2,
      calls: 4,
      recordings: 4,
      insights: 4,
      messages: 4,
      reviews: 2,
      clips: 2,
      courses: 2,
    });
    expect(await fingerprint()).toBe(before);
  });

  it('by id: their recordings, transcripts, texts, clips and number go everywhere; other assessors keep theirs', async () => {
    const report = await eraseSubject(deps(), actor, { kind: 'assessor', assessorId: dan.id });
    expect(report).toMatchObject({ dryRun: false, assessors: 1, calls: 4, recordings: 4, courses: 2 });
    expect(report.mediaObjectsRemoved).toBeGreaterThan(0);
    await expectContactErased(danA);
    await expectContactErased(danB);
    await expectContactKept(kimA);
    await expectContactKept(kimC);

    // Their record: no name, no number, no new work; the id stays (metrics, tiers).
    const doc = (await getDocument(server.db, 'assessors', dan.id)) as AssessorDoc;
    expect(doc).toMatchObject({ id: dan.id, active: false });
    expect(JSON.stringify(doc)).not.toContain('900301');
    expect(JSON.stringify(doc)).not.toContain('Dan Price');
    const row = await server.db.query(`SELECT name, phone, active FROM assessors WHERE id = $1`, [dan.id]);
    expect(row.rows).toEqual([{ name: '[removed]', phone: '[removed]', active: false }]);
    // Nowhere in telephony's tables either: sessions closed, call and text rows without the number.
    const anywhere = await server.db.query(
      `SELECT 'session' AS t FROM pool_sessions WHERE assessor_phone = $1
       UNION ALL SELECT 'call' FROM calls WHERE from_phone = $1
       UNION ALL SELECT 'message' FROM messages WHERE from_phone = $1`,
      [dan.phone],
    );
    expect(anywhere.rows).toEqual([]);
    const sessions = await server.db.query<{ closed: boolean }>(
      `SELECT closed_at IS NOT NULL AS closed FROM pool_sessions WHERE assessor_id = $1`,
      [dan.id],
    );
    expect(sessions.rows).toEqual([{ closed: true }, { closed: true }]);
    // The customers' leads stay (they are not the subject), listing the assignment as closed.
    expect((await getDocument(server.db, 'leads', leadA))!.customerName).toBe('Priya Patel');
    expect(
      (await getDocument(server.db, 'leads', leadA))!.assignments.find((a) => a.assessorId === dan.id)!.active,
    ).toBe(false);

    // Audited with a keyed hash of the subject, never the number.
    const audit = await server.db.query<{ subject_id: string; detail: Record<string, unknown> }>(
      `SELECT subject_id, detail FROM audit_log WHERE action = 'erasure.assessor' ORDER BY id`,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].subject_id).toBe(await subjectHash(server.db, `assessor:${dan.id}`));
    expect(audit.rows[0].detail).toMatchObject({ assessors: 1, recordings: 4 });
    expect(JSON.stringify(audit.rows)).not.toContain('900301');
  });

  it('the client that was offline loses the number and the transcripts when it next syncs', async () => {
    for (const c of ['assessors', 'insights', 'messages'] as const) offline.replicate(c, {});
    await waitFor(
      'the number gone offline',
      async () => (await offline.collection('assessors').findOne(dan.id).exec())?.phone,
      (phone) => phone === null,
    );
    await waitFor(
      'the transcript gone offline',
      () => offline.collection('insights').findOne(`ins-${danA.calls[0].callId}`).exec(),
      (doc) => doc === null,
    );
    // Each collection catches up on its own: wait for the texts too rather than read them mid-pull.
    await waitFor(
      'the texts without the number offline',
      async () => JSON.stringify(await offline.collection('messages').find().exec()),
      (texts) => !texts.includes('900301'),
    );
    await waitFor(
      'the name gone online',
      async () => (await online.collection('assessors').findOne(dan.id).exec())?.name,
      (name) => name === '[removed]',
    );
  });

  it('a second request finds no one, says so, changes nothing, and is audited', async () => {
    const before = await fingerprint();
    const err = await eraseSubject(deps(), actor, { kind: 'assessor', assessorId: dan.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'UNKNOWN_ASSESSOR' });
    expect(await fingerprint()).toBe(before);
    const audit = await server.db.query<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM audit_log WHERE action = 'erasure.assessor' ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.detail.found)).toEqual([undefined, false]);
  });

  it('by their own number (any UK format), the same', async () => {
    const report = await eraseSubject(deps(), actor, { kind: 'assessor', phone: '07700 900302' });
    expect(report).toMatchObject({ assessors: 1, calls: 2, recordings: 2 });
    await expectContactErased(amyC);
    await expectContactKept(kimC);
    expect((await getDocument(server.db, 'assessors', amy.id))!.phone).toBeNull();
    expect((await getDocument(server.db, 'assessors', kim.id))!.phone).toBe(kim.phone);
  });
});

describe('erasure of a lead', () => {
  it("removes that enquiry's customer details, calls and texts, and leaves the same customer's other contacts", async () => {
    // Customer C's lead: Amy's contact is already erased, Kim's is intact.
    const report = await eraseSubject(deps(), actor, { kind: 'lead', leadId: leadC });
    expect(report).toMatchObject({ leads: 1, recordings: 2 });
    await expectContactErased(kimC);
    const lead = (await getDocument(server.db, 'leads', leadC))!;
    expect(lead).toMatchObject({ customerName: '[removed]', postcode: 'W1' });
    expect(JSON.stringify(lead)).not.toContain('900203');
    // Kim, whose contact it was, keeps her own record and her other customers.
    expect((await getDocument(server.db, 'assessors', kim.id))!.phone).toBe(kim.phone);
    await expectContactKept(kimA);
    expect((await getDocument(server.db, 'leads', leadA))!.customerPhone).toBe(CUSTOMER_A);
  });
});

describe('requests that name no one', () => {
  it('unknown lead or assessor: a clear code, nothing changed, the request audited', async () => {
    const before = await fingerprint();
    for (const [subject, code] of [
      [{ kind: 'lead', leadId: 'lead-nobody' }, 'UNKNOWN_LEAD'],
      [{ kind: 'assessor', assessorId: 'as-nobody' }, 'UNKNOWN_ASSESSOR'],
      [{ kind: 'assessor', phone: '+447700900999' }, 'UNKNOWN_ASSESSOR'],
    ] as const) {
      for (const dryRun of [true, false]) {
        const err = await eraseSubject(deps(), actor, subject, { dryRun }).catch((e: unknown) => e);
        expect(err).toMatchObject({ code });
      }
    }
    expect(await fingerprint()).toBe(before);
  });

  it('malformed input is refused before anything is read', async () => {
    for (const [subject, code] of [
      [{ kind: 'assessor', phone: 'not a number' }, 'INVALID_PHONE'],
      [{ kind: 'assessor' }, 'VALIDATION_FAILED'],
      [{ kind: 'assessor', assessorId: 'x', phone: '+447700900302' }, 'VALIDATION_FAILED'],
      [{ kind: 'lead', leadId: "x'; DROP TABLE leads" }, 'VALIDATION_FAILED'],
    ] as const) {
      await expect(eraseSubject(deps(), actor, subject)).rejects.toMatchObject({ code });
    }
  });

  it('the CLI takes exactly one way of naming the person', () => {
    expect(subjectFromOptions({ assessor: 'as-1' })).toEqual({ kind: 'assessor', assessorId: 'as-1' });
    expect(subjectFromOptions({ assessorPhone: '07700900302' })).toEqual({ kind: 'assessor', phone: '07700900302' });
    expect(subjectFromOptions({ lead: 'lead-1' })).toEqual({ kind: 'lead', leadId: 'lead-1' });
    expect(() => subjectFromOptions({})).toThrow(/one way/);
    expect(() => subjectFromOptions({ phone: '+447700900201', lead: 'lead-1' })).toThrow(/one way/);
  });
});
