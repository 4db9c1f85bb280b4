import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipDoc, CourseDoc, InsightDoc, MessageDoc } from '../../shared/schemas';
import type { Database, Queryable } from '../../sync-server/src/db';
import { openPostgres } from '../../sync-server/src/db/postgres';
import { subjectHash } from '../../sync-server/src/erasure/erase';
import { writeAssessorDocs } from '../../sync-server/src/assessors/docs';
import { writeLeadDocs } from '../../sync-server/src/leads/docs';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { getRecording } from '../../sync-server/src/recordings/repository';
import { getDocument, getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { createNodeClient, waitFor, type NodeClient } from '../helpers/rxdb-node';
import { reviewDoc, staff } from '../helpers/sync-docs';
import {
  enqueueDownload,
  ingestCall,
  seedPendingCall,
  sid,
  startFakeTwilio,
  startMediaServer,
  synthWav,
  type FakeTwilio,
  type MediaTestServer,
} from './recordings-fixtures';
import { runCli } from '../helpers/cli';

/**
 * Erasure by phone number (issue 4 items 4 and 11), end to end on PostgreSQL: `npm run cli -- erase --phone …`
 * run as its own process against the server's database and recordings directory, while one RxDB client is
 * online and another is offline. The offline one loses the data when it next syncs. A second part drives the
 * admin route on the embedded database.
 */
const PHONE = '+447700900123';
const OTHER_PHONE = '+447700900777';
const COLLECTIONS = ['leads', 'calls', 'messages', 'insights', 'reviews', 'clips', 'courses'] as const;

interface Person {
  leadId: string;
  sessionId: string;
  calls: Array<Awaited<ReturnType<typeof ingestCall>>>;
  messageId: string;
}

/** Telephony's rows (migration 003) and documents for one customer with one assessor, as the webhooks leave them. */
async function seedPerson(server: MediaTestServer, twilio: FakeTwilio, phone: string, name: string): Promise<Person> {
  const suffix = crypto.randomBytes(3).toString('hex');
  const leadId = `lead-${suffix}`;
  const assessorId = `as-${suffix}`;
  const sessionId = `ses-${suffix}`;
  const pool = '+447700900' + String(100 + Math.floor(Math.random() * 800));
  const now = Date.now();
  await server.db.transaction(async (tx: Queryable) => {
    await tx.query(
      `INSERT INTO assessors (id, external_id, name, phone, created_at, updated_at) VALUES ($1, $1, 'Gareth Heating', '+447700900555', $2, $2)`,
      [assessorId, now],
    );
    await tx.query(
      `INSERT INTO pool_numbers (number, source, monthly_cost_pence, acquired_at) VALUES ($1, 'manual', 100, $2) ON CONFLICT DO NOTHING`,
      [pool, now],
    );
    await tx.query(
      `INSERT INTO leads (id, external_id, request_hash, customer_name, customer_phone, postcode, district, service, created_at)
       VALUES ($1, $1, 'h', $2, $3, 'W1A 1AA', 'W1', 'boiler', $4)`,
      [leadId, name, phone, now],
    );
    await tx.query(
      `INSERT INTO pool_sessions (id, lead_id, assessor_id, customer_phone, assessor_phone, pool_number, created_at, last_activity_at, expires_at)
       VALUES ($1, $2, $3, $4, '+447700900555', $5, $6, $6, $7)`,
      [sessionId, leadId, assessorId, phone, pool, now, now + 30 * 86_400_000],
    );
    await writeAssessorDocs(tx, [assessorId], now);
    await writeLeadDocs(tx, [leadId], now);
  });
  const calls: Person['calls'] = [];
  for (const direction of ['customer_to_assessor', 'assessor_to_customer'] as const) {
    const call = await ingestCall(server, twilio, { over: { leadId, assessorId, direction, poolNumber: pool } });
    await server.db.query(
      `INSERT INTO calls (call_sid, session_id, from_phone, to_number, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [call.callId, sessionId, direction === 'customer_to_assessor' ? phone : '+447700900555', pool, now],
    );
    calls.push(call);
  }
  const messageId = 'SM' + crypto.randomBytes(16).toString('hex');
  await server.db.transaction(async (tx: Queryable) => {
    await tx.query(
      `INSERT INTO messages (id, session_id, from_phone, to_number, direction, body, status, received_at) VALUES ($1, $2, $3, $4, 'customer_to_assessor', $5, 'received', $6)`,
      [messageId, sessionId, phone, pool, `Hi it's ${name}, the side door is open`, now],
    );
    const msg: MessageDoc = {
      id: messageId,
      updatedAt: 0,
      leadId,
      assessorId,
      direction: 'customer_to_assessor',
      poolNumber: pool,
      body: `Hi it's ${name}, the side door is open`,
      mediaCount: 0,
      status: 'received',
      sentAt: now,
      sandbox: false,
    };
    const insights: InsightDoc[] = calls.map((c) => ({
      id: `ins-${c.callId}`,
      updatedAt: 0,
      callId: c.callId,
      provider: 'local',
      model: 'test',
      version: '1',
      createdAt: now,
      transcriber: { provider: 'sandbox', model: 'script', version: '1', sandbox: true },
      transcript: [{ speaker: 'customer', start: 0, end: 2, text: `This is ${name} at 12 Acacia Avenue` }],
      analysis: null,
      status: 'done',
      error: null,
      sandbox: false,
    }));
    await putDocuments(tx, 'messages', [msg], now);
    await putDocuments(tx, 'insights', insights, now);
  });
  return { leadId, sessionId, calls, messageId };
}

const cli = (env: Record<string, string>, ...args: string[]) => runCli(args, { ...process.env, ...env });

const pgTest = await probePostgres('erasure end to end');

describe.skipIf(!pgTest.available)(
  'erasure by phone on PostgreSQL, through the CLI, with an online and an offline client',
  () => {
    let pgDb: TestPostgresDatabase;
    let db: Database;
    let twilio: FakeTwilio;
    let server: MediaTestServer;
    let online: NodeClient;
    let offline: NodeClient;
    let offlineReps: Array<{ cancel(): Promise<void> }> = [];
    let person: Person;
    let other: Person;
    let reviewer: Awaited<ReturnType<typeof staff>>;
    let pendingCallId: string;
    let pendingRecordingSid: string;
    const recordingsDir = path.resolve(`.tmp/test-recordings/erasure-${crypto.randomBytes(4).toString('hex')}`);

    beforeAll(async () => {
      pgDb = await pgTest.create();
      db = await openPostgres(pgDb.url);
      twilio = await startFakeTwilio();
      // Twilio's copies are kept after download, so the erasure has to remove them.
      server = await startMediaServer({
        twilio,
        db,
        env: { RECORDINGS_DIR: recordingsDir, TWILIO_DELETE_AFTER_DOWNLOAD: '0' },
      });
      person = await seedPerson(server, twilio, PHONE, 'Priya Patel');
      other = await seedPerson(server, twilio, OTHER_PHONE, 'Tom Other');
      reviewer = await staff(server, 'reviewer', 'erasure-reviewer');
      const callOfPerson = person.calls[0].callId;
      await server.db.transaction(async (tx) => {
        await putDocuments(
          tx,
          'reviews',
          [
            reviewDoc(callOfPerson, reviewer.id, {
              notes: 'Mrs Patel mentioned her neighbour',
              regions: [{ id: 'r1', start: 1, end: 2, label: 'objection', comment: 'she says her address' }],
            }),
          ],
          Date.now(),
        );
        const clip: ClipDoc = {
          id: 'clip-erase',
          updatedAt: 0,
          callId: callOfPerson,
          authorId: 'author-1',
          title: 'Patel opener',
          notes: '',
          start: 0,
          end: 2,
          redactions: [],
          createdAt: Date.now(),
        };
        const course: CourseDoc = {
          id: 'course-erase',
          updatedAt: 0,
          title: 'Openers',
          description: '',
          authorId: 'author-1',
          pricing: { kind: 'free', pricePence: 0 },
          items: [
            { clipId: 'clip-erase', note: '' },
            { clipId: 'clip-keep', note: '' },
          ],
          published: true,
          createdAt: Date.now(),
          districts: [],
        };
        await putDocuments(tx, 'clips', [clip], Date.now());
        await putDocuments(tx, 'courses', [course], Date.now());
      });
      // A third call whose recording callback has arrived but whose download has not run yet.
      pendingCallId = sid('CA');
      pendingRecordingSid = sid('RE');
      twilio.media.set(pendingRecordingSid, { wav: synthWav(2, 8000, [() => 0.4, () => 0.4]).wav });
      await seedPendingCall(server.db, pendingCallId, { leadId: person.leadId });
      await enqueueDownload(server, {
        callSid: pendingCallId,
        recordingSid: pendingRecordingSid,
        recordingUrl: twilio.recordingUrl(pendingRecordingSid),
        durationSec: 2,
      });
      // A finished job whose payload names the number.
      await server.db.query(`INSERT INTO jobs (kind, payload, status) VALUES ('sms.relay', $1, 'done')`, [
        JSON.stringify({ from: PHONE, body: 'hello' }),
      ]);

      const adminToken = await server.login();
      online = await createNodeClient({ collections: COLLECTIONS, baseUrl: () => server.url, token: adminToken });
      for (const c of COLLECTIONS) await online.replicate(c, {}).awaitInitialReplication();
      offline = await createNodeClient({ collections: COLLECTIONS, baseUrl: () => server.url, token: reviewer.token });
      offlineReps = [];
      for (const c of COLLECTIONS) {
        const rep = offline.replicate(c, {});
        await rep.awaitInitialReplication();
        offlineReps.push(rep);
      }
      expect(
        (await offline.collection('insights').findOne(`ins-${callOfPerson}`).exec())?.transcript?.[0].text,
      ).toContain('Acacia');
      expect((await offline.collection('reviews').findOne(`${callOfPerson}:${reviewer.id}`).exec())?.notes).toContain(
        'Patel',
      );
      // The reviewer's laptop goes offline.
      await Promise.all(offlineReps.map((r) => r.cancel()));
    }, 240_000);

    afterAll(async () => {
      await online?.close();
      await offline?.close();
      await server?.close();
      await db?.close();
      await twilio?.close();
      await pgDb?.drop();
    });

    it('the CLI erases the person and prints what it removed', async () => {
      const res = await cli(
        {
          DATABASE_URL: pgDb.url,
          RECORDINGS_DIR: recordingsDir,
          LOG_LEVEL: 'silent',
          DATA_DIR: path.resolve('.tmp/test-data'),
        },
        'erase',
        '--phone',
        '07700 900123',
        '--json',
      );
      expect(res.code, res.stderr).toBe(0);
      const report = JSON.parse(res.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({
        dryRun: false,
        subjectHash: await subjectHash(db, PHONE),
        leads: 1,
        sessions: 1,
        calls: 3,
        recordings: 2,
        mediaObjectsRemoved: 8,
        insights: 2,
        messages: 1,
        reviews: 1,
        clips: 1,
        courses: 1,
        jobs: 1,
      });
      expect(res.stdout).not.toContain(PHONE);
    });

    it('removes the recordings here and at Twilio, and the calls stay as anonymous metadata', async () => {
      for (const c of person.calls) {
        const rec = await getRecording(db, c.recordingSid);
        expect(rec).toMatchObject({ state: 'deleted', deleteReason: 'erasure' });
        expect(await mediaDeps(server.ctx).storage.list(rec!.storagePrefix)).toEqual([]);
        const call = await getDocument(db, 'calls', c.callId);
        expect(call).toMatchObject({
          recording: { state: 'deleted', storedAt: null },
          talkSeconds: 60,
          district: 'W1',
        });
      }
      await server.ctx.jobs.drain(['recording.twilio-delete']);
      for (const c of person.calls) expect(twilio.deleted.has(c.recordingSid)).toBe(true);
    });

    it("never stores a recording that was still waiting at Twilio, and deletes Twilio's copy", async () => {
      const before = twilio.requests.filter((r) => r.method === 'GET' && r.path.includes(pendingRecordingSid)).length;
      await server.ctx.jobs.drain(['recording.download', 'recording.twilio-delete']);
      expect(twilio.requests.filter((r) => r.method === 'GET' && r.path.includes(pendingRecordingSid)).length).toBe(
        before,
      );
      expect(await getRecording(db, pendingRecordingSid)).toBeNull();
      expect((await getDocument(db, 'calls', pendingCallId))!.recording.state).toBe('deleted');
      expect(twilio.deleted.has(pendingRecordingSid)).toBe(true);
    });

    it("scrubs telephony's tables so no later write brings the data back", async () => {
      const lead = await db.query<{ customer_name: string; customer_phone: string; postcode: string }>(
        `SELECT customer_name, customer_phone, postcode FROM leads WHERE id = $1`,
        [person.leadId],
      );
      expect(lead.rows[0]).toEqual({ customer_name: '[removed]', customer_phone: '[removed]', postcode: 'W1' });
      const session = await db.query<{ customer_phone: string; closed_at: number | null }>(
        `SELECT customer_phone, closed_at FROM pool_sessions WHERE id = $1`,
        [person.sessionId],
      );
      expect(session.rows[0].customer_phone).toBe('[removed]');
      expect(session.rows[0].closed_at).not.toBeNull();
      const msg = await db.query<{ body: string | null; from_phone: string }>(
        `SELECT body, from_phone FROM messages WHERE id = $1`,
        [person.messageId],
      );
      expect(msg.rows[0]).toEqual({ body: null, from_phone: '[removed]' });
      const calls = await db.query(`SELECT 1 FROM calls WHERE from_phone = $1`, [PHONE]);
      expect(calls.rows).toEqual([]);
      // Telephony rewriting the lead later (a new session event) keeps it erased.
      await db.transaction((tx) => writeLeadDocs(tx, [person.leadId], Date.now()));
      expect(await getDocument(db, 'leads', person.leadId)).toMatchObject({
        customerName: '[removed]',
        customerPhone: '[removed]',
        postcode: 'W1',
      });
      // Finished jobs no longer name the number.
      expect((await db.query(`SELECT 1 FROM jobs WHERE strpos(payload::text, $1) > 0`, [PHONE])).rows).toEqual([]);
    });

    it('keeps only an anonymous trace: an audit entry with a keyed hash and the counts', async () => {
      const hash = await subjectHash(db, PHONE);
      const entries = await db.query<{
        actor_label: string;
        subject_type: string;
        subject_id: string;
        detail: Record<string, number>;
      }>(`SELECT actor_label, subject_type, subject_id, detail FROM audit_log WHERE action = 'erasure.phone'`);
      expect(entries.rows).toHaveLength(1);
      expect(entries.rows[0]).toMatchObject({
        actor_label: expect.stringMatching(/^cli:/),
        subject_type: 'person',
        subject_id: hash,
        detail: { leads: 1, calls: 3, recordings: 2 },
      });
      expect(hash).not.toBe(crypto.createHash('sha256').update(PHONE).digest('hex'));
      const leaks = await db.query(
        `SELECT 1 FROM audit_log WHERE detail::text LIKE '%900123%' OR subject_id LIKE '%900123%'`,
      );
      expect(leaks.rows).toEqual([]);
    });

    it("leaves another customer's data alone", async () => {
      for (const c of other.calls) expect((await getRecording(db, c.recordingSid))!.state).toBe('stored');
      expect(await getDocument(db, 'leads', other.leadId)).toMatchObject({
        customerName: 'Tom Other',
        customerPhone: OTHER_PHONE,
      });
      expect((await getDocument(db, 'messages', other.messageId))!.body).toContain('Tom Other');
      expect(await getDocument(db, 'insights', `ins-${other.calls[0].callId}`)).not.toBeNull();
    });

    it('reaches the online client live', async () => {
      const callId = person.calls[0].callId;
      await waitFor(
        'the lead to be scrubbed',
        () => online.collection('leads').findOne(person.leadId).exec(),
        (d) => d?.customerName === '[removed]' && d.customerPhone === '[removed]',
      );
      await waitFor(
        'the insight to go',
        () => online.collection('insights').findOne(`ins-${callId}`).exec(),
        (d) => d === null,
      );
      await waitFor(
        'the message body to go',
        () => online.collection('messages').findOne(person.messageId).exec(),
        (d) => d?.body === null,
      );
      await waitFor(
        'the recording state',
        () => online.collection('calls').findOne(callId).exec(),
        (d) => d?.recording.state === 'deleted',
      );
      await waitFor(
        'the clip to go',
        () => online.collection('clips').findOne('clip-erase').exec(),
        (d) => d === null,
      );
      await waitFor(
        'the course to lose the clip',
        () => online.collection('courses').findOne('course-erase').exec(),
        (d) => d?.items.map((i) => i.clipId).join() === 'clip-keep',
      );
    });

    it('the client that was offline loses the data when it next syncs', async () => {
      const callId = person.calls[0].callId;
      // Still there while offline.
      expect((await offline.collection('insights').findOne(`ins-${callId}`).exec())?.transcript).not.toBeNull();
      for (const c of COLLECTIONS) await offline.replicate(c, {}).awaitInitialReplication();
      expect(await offline.collection('insights').findOne(`ins-${callId}`).exec()).toBeNull();
      expect(await offline.collection('insights').findOne(`ins-${person.calls[1].callId}`).exec()).toBeNull();
      expect((await offline.collection('messages').findOne(person.messageId).exec())?.body).toBeNull();
      expect((await offline.collection('leads').findOne(person.leadId).exec())?.customerName).toBe('[removed]');
      expect((await offline.collection('calls').findOne(callId).exec())?.recording.state).toBe('deleted');
      expect(await offline.collection('clips').findOne('clip-erase').exec()).toBeNull();
      const review = await offline.collection('reviews').findOne(`${callId}:${reviewer.id}`).exec();
      expect(review?.notes).toBe('');
      expect(review?.regions[0]).toMatchObject({ label: 'objection', comment: '' });
      // Nothing of the person is left anywhere in the client's database.
      const everything = JSON.stringify(
        await Promise.all(
          COLLECTIONS.map((c) =>
            offline
              .collection(c)
              .find()
              .exec()
              .then((docs) => docs.map((d) => d.toJSON())),
          ),
        ),
      );
      expect(everything).not.toMatch(/Priya|Patel|900123/);
      expect(everything).toContain('Tom Other');
    });

    it('the CLI retention run reports on the same database', async () => {
      const res = await cli(
        { DATABASE_URL: pgDb.url, RECORDINGS_DIR: recordingsDir, LOG_LEVEL: 'silent' },
        'retention',
        'run',
        '--dry-run',
        '--json',
      );
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ dryRun: true, recordingsDeleted: 0, insightsScrubbed: 0 });
    });
  },
);

describe('erasure through the admin route (embedded database)', () => {
  let twilio: FakeTwilio;
  let server: MediaTestServer;
  let adminToken: string;
  let person: Person;

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    server = await startMediaServer({ twilio });
    adminToken = await server.login();
    person = await seedPerson(server, twilio, PHONE, 'Priya Patel');
  });
  afterAll(async () => {
    await server?.close();
    await twilio?.close();
  });

  const erase = (json: unknown, token = adminToken) => server.api('/api/erasure', { method: 'POST', token, json });

  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; field?: string } }).error;
  const auditEntries = async (action: string) =>
    (
      (await (await server.api(`/api/audit?action=${action}`, { token: adminToken })).json()) as {
        entries: Array<{ actor: string; subjectId: string; detail: Record<string, unknown> }>;
      }
    ).entries;

  it('is for admins only, previews included', async () => {
    for (const role of ['reviewer', 'author'] as const) {
      const other = await staff(server, role, `route-${role}`);
      expect((await erase({ phone: PHONE }, other.token)).status).toBe(403);
      expect((await erase({ phone: PHONE, dryRun: true }, other.token)).status).toBe(403);
    }
    expect((await server.api('/api/erasure', { method: 'POST', json: { phone: PHONE, dryRun: true } })).status).toBe(
      401,
    );
  });

  it('names a malformed number, a missing one and an unexpected field with stable codes', async () => {
    const bad = await erase({ phone: 'call me maybe', dryRun: true });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ code: 'INVALID_PHONE', field: 'phone' });
    const missing = await erase({ dryRun: true });
    expect(missing.status).toBe(400);
    expect(await errorOf(missing)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'phone' });
    const extra = await erase({ phone: PHONE, dryRun: true, everything: true });
    expect(extra.status).toBe(400);
    expect((await errorOf(extra)).code).toBe('VALIDATION_FAILED');
    expect((await getRecording(server.db, person.calls[0].recordingSid))!.state).toBe('stored');
  });

  it('a preview counts without changing anything, says whose number it read, and is audited', async () => {
    const res = await erase({ phone: '+44 7700 900123', dryRun: true });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { report: Record<string, unknown>; phone: string };
    expect(body.phone).toBe(PHONE);
    expect(body.report).toMatchObject({
      dryRun: true,
      leads: 1,
      sessions: 1,
      calls: 2,
      recordings: 2,
      messages: 1,
      insights: 2,
    });
    expect((await getRecording(server.db, person.calls[0].recordingSid))!.state).toBe('stored');
    expect((await getDocument(server.db, 'leads', person.leadId))!.customerName).toBe('Priya Patel');
    const [entry] = await auditEntries('erasure.preview');
    expect(entry).toMatchObject({
      actor: 'admin@test.local',
      subjectId: body.report.subjectHash,
      detail: { found: true, recordings: 2, calls: 2 },
    });
    expect(JSON.stringify(entry)).not.toContain('900123');
  });

  it('no one with that number: UNKNOWN_PHONE, preview or not, nothing changed, the request audited', async () => {
    // Every replicated document and telephony's rows for people, as one fingerprint.
    const fingerprint = async () =>
      (
        await server.db.query<{ f: string }>(
          `SELECT md5(concat_ws('|',
             (SELECT string_agg(collection || id || updated_at || deleted || doc::text, ',' ORDER BY collection, id) FROM sync_documents),
             (SELECT string_agg(l::text, ',' ORDER BY id) FROM leads l),
             (SELECT string_agg(m::text, ',' ORDER BY id) FROM messages m),
             (SELECT string_agg(p::text, ',' ORDER BY id) FROM pool_sessions p))) AS f`,
        )
      ).rows[0].f;
    const before = await fingerprint();
    for (const dryRun of [true, false]) {
      const res = await erase({ phone: '07700 900999', dryRun });
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toMatchObject({ code: 'UNKNOWN_PHONE', field: 'phone' });
    }
    expect(await fingerprint()).toBe(before);
    expect((await auditEntries('erasure.preview'))[0].detail).toMatchObject({ found: false, leads: 0 });
    expect((await auditEntries('erasure.phone'))[0].detail).toMatchObject({ found: false, leads: 0 });
  });

  it('erases, and a repeated request finds no one but is still recorded', async () => {
    const first = ((await (await erase({ phone: '07700900123' })).json()) as { report: Record<string, unknown> })
      .report;
    expect(first).toMatchObject({
      leads: 1,
      calls: 2,
      recordings: 2,
      mediaObjectsRemoved: 8,
      messages: 1,
      insights: 2,
    });
    const tombstones = await getDocuments(
      server.db,
      'insights',
      person.calls.map((c) => `ins-${c.callId}`),
      { includeDeleted: true },
    );
    expect(tombstones.map((t) => [t.deleted, t.doc.transcript])).toEqual([
      [true, null],
      [true, null],
    ]);
    const second = await erase({ phone: '07700900123' });
    expect(second.status).toBe(404);
    expect((await errorOf(second)).code).toBe('UNKNOWN_PHONE');
    const entries = (await auditEntries('erasure.phone')).filter((e) => e.subjectId === first.subjectHash);
    expect(entries.map((e) => [e.actor, e.detail.found])).toEqual([
      ['admin@test.local', false],
      ['admin@test.local', undefined],
    ]);
  });
});
