import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAnalysis } from '../../shared/analysis/schema';
import type { CourseDoc, InsightDoc, MessageDoc } from '../../shared/schemas';
import { LocalAnalyser } from '../../sync-server/src/analysis/local/analyser';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { getRecording } from '../../sync-server/src/recordings/repository';
import { getDocument, getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { nextSweepAt } from '../../sync-server/src/retention/schedule';
import { REMOVED } from '../../sync-server/src/retention/scrub';
import { createNodeClient, waitFor, type NodeClient } from '../helpers/rxdb-node';
import { clipDoc, staff } from '../helpers/sync-docs';
import {
  ingestCall,
  startFakeTwilio,
  startMediaServer,
  type FakeTwilio,
  type MediaTestServer,
} from './recordings-fixtures';

/**
 * Retention (issue 4 item 4): the daily job `retention.sweep` removes recordings and their derivatives past
 * RETENTION_RECORDING_DAYS (kept longer while a course clip needs them, up to RETENTION_CLIP_DAYS), scrubs
 * transcripts and message bodies past RETENTION_TRANSCRIPT_DAYS, reschedules itself, and every change reaches a
 * replicated RxDB client.
 */
const DAY = 86_400_000;
let twilio: FakeTwilio;
let server: MediaTestServer;
let client: NodeClient;
let realNow: () => number;
const fixture = JSON.parse(
  fs.readFileSync('tests/fixtures/transcripts/01-boiler-booked-price-handled.json', 'utf8'),
) as { segments: InsightDoc['transcript'] & object };

function insight(id: string, callId: string, createdAt: number): InsightDoc {
  const analysis = new LocalAnalyser().analyseSync(fixture.segments);
  return {
    id,
    updatedAt: 0,
    callId,
    provider: analysis.stamp.provider,
    model: analysis.stamp.model,
    version: analysis.stamp.version,
    createdAt,
    transcriber: { provider: 'sandbox', model: 'script', version: '1', sandbox: true },
    transcript: fixture.segments,
    analysis,
    status: 'done',
    error: null,
    sandbox: false,
  };
}

function message(id: string, sentAt: number, body: string): MessageDoc {
  return {
    id,
    updatedAt: 0,
    leadId: 'lead-r',
    assessorId: 'as-r',
    direction: 'customer_to_assessor',
    poolNumber: '+447700900001',
    body,
    mediaCount: 0,
    status: 'received',
    sentAt,
    sandbox: false,
  };
}

function course(id: string, clipIds: string[]): CourseDoc {
  return {
    id,
    updatedAt: 0,
    title: 'Objection Handling',
    description: '',
    authorId: 'author-1',
    pricing: { kind: 'free', pricePence: 0 },
    items: clipIds.map((clipId) => ({ clipId, note: '' })),
    published: true,
    createdAt: 0,
    districts: [],
  };
}

const at = (days: number) => () => realNow() + days * DAY;
let A: Awaited<ReturnType<typeof ingestCall>>; // old recording, with an unpromoted clip
let B: Awaited<ReturnType<typeof ingestCall>>; // recent recording
let C: Awaited<ReturnType<typeof ingestCall>>; // old recording held by a course clip

beforeAll(async () => {
  twilio = await startFakeTwilio();
  server = await startMediaServer({
    twilio,
    env: { RETENTION_RECORDING_DAYS: '30', RETENTION_TRANSCRIPT_DAYS: '35', RETENTION_CLIP_DAYS: '60' },
  });
  realNow = server.ctx.now;
  const t0 = realNow();
  A = await ingestCall(server, twilio);
  C = await ingestCall(server, twilio);
  await server.db.transaction(async (tx) => {
    await putDocuments(tx, 'insights', [insight('ins-old', A.callId, t0)], t0);
    await putDocuments(tx, 'messages', [message('SM-old', t0, 'My number is 07700 900123, call after six')], t0);
    await putDocuments(
      tx,
      'clips',
      [
        clipDoc('clip-A', 'author-1', { callId: A.callId, createdAt: t0 }),
        clipDoc('clip-C', 'author-1', { callId: C.callId, createdAt: t0 }),
      ],
      t0,
    );
    await putDocuments(tx, 'courses', [course('course-K', ['clip-C'])], t0);
    // Telephony's own row of the same text.
    await tx.query(
      `INSERT INTO messages (id, from_phone, to_number, body, status, received_at) VALUES ('SM-old', '+447700900123', '+447700900001', 'My number is 07700 900123', 'received', $1)`,
      [t0],
    );
  });

  client = await createNodeClient({
    collections: ['calls', 'insights', 'messages', 'clips', 'courses'],
    baseUrl: () => server.url,
    token: await server.login(),
  });
  for (const c of ['calls', 'insights', 'messages', 'clips', 'courses'] as const)
    await client.replicate(c, {}).awaitInitialReplication();
  expect((await client.collection('calls').findOne(A.callId).exec())?.recording.state).toBe('stored');
  expect((await client.collection('insights').findOne('ins-old').exec())?.transcript).not.toBeNull();

  // Forty days later: a new call and new texts arrive.
  server.ctx.now = at(40);
  B = await ingestCall(server, twilio);
  await server.db.transaction(async (tx) => {
    await putDocuments(tx, 'insights', [insight('ins-new', B.callId, at(40)())], at(40)());
    await putDocuments(tx, 'messages', [message('SM-new', at(40)(), 'See you Tuesday')], at(40)());
  });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
  await twilio?.close();
});

describe('retention sweep', () => {
  it("runs as the daily job, removes an expired recording with all its files, and schedules tomorrow's sweep", async () => {
    await server.ctx.jobs.enqueue(server.db, 'retention.sweep', {}, { dedupeKey: 'retention.sweep:test' });
    expect(await server.ctx.jobs.drain(['retention.sweep'])).toBe(1);

    const recA = await getRecording(server.db, A.recordingSid);
    expect(recA).toMatchObject({ state: 'deleted', deleteReason: 'retention' });
    expect(recA!.mediaPurgedAt).not.toBeNull();
    expect(await mediaDeps(server.ctx).storage.list(recA!.storagePrefix)).toEqual([]);
    expect((await getDocument(server.db, 'calls', A.callId))!.recording).toMatchObject({
      state: 'deleted',
      storedAt: null,
    });

    const next = await server.db.query<{ run_at: Date; dedupe_key: string; status: string }>(
      `SELECT run_at, dedupe_key, status FROM jobs WHERE kind = 'retention.sweep' AND status = 'queued'`,
    );
    expect(next.rows).toHaveLength(1);
    expect(new Date(next.rows[0].run_at).toISOString()).toBe(nextSweepAt(Date.now()).toISOString());
    expect(new Date(next.rows[0].run_at).getUTCHours()).toBe(3);

    const audit = await server.db.query<{ actor_label: string; detail: Record<string, number> }>(
      `SELECT actor_label, detail FROM audit_log WHERE action = 'retention.sweep'`,
    );
    expect(audit.rows[0]).toMatchObject({
      actor_label: 'system:retention',
      detail: {
        recordingsDeleted: 1,
        insightsScrubbed: 1,
        messageBodiesScrubbed: 1,
        messageRowsScrubbed: 1,
        clipsWithRecording: 1,
      },
    });
  });

  it('keeps a recent recording and one that a course clip still needs', async () => {
    for (const kept of [B, C]) {
      const rec = await getRecording(server.db, kept.recordingSid);
      expect(rec!.state).toBe('stored');
      expect(await mediaDeps(server.ctx).storage.list(rec!.storagePrefix)).toHaveLength(4);
      expect((await getDocument(server.db, 'calls', kept.callId))!.recording.state).toBe('stored');
    }
    const admin = await server.login();
    const gone = await server.api(`/api/calls/${A.callId}/media-url`, { method: 'POST', token: admin, json: {} });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('RECORDING_UNAVAILABLE');
  });

  it('scrubs an old transcript and the quotes of its analysis, keeping the scores', async () => {
    const [old] = await getDocuments(server.db, 'insights', ['ins-old']);
    const original = insight('x', A.callId, 0).analysis!;
    expect(old.doc.transcript).toBeNull();
    expect(() => CallAnalysis.parse(old.doc.analysis)).not.toThrow();
    expect(old.doc.analysis!.summary).toBe(REMOVED);
    expect(old.doc.analysis!.outcome.value).toBe(original.outcome.value);
    expect(old.doc.analysis!.professionalism.score).toBe(original.professionalism.score);
    expect(old.doc.analysis!.objections.map((o) => o.category)).toEqual(original.objections.map((o) => o.category));
    expect(JSON.stringify(old.doc)).not.toMatch(/Patel|banging|Gareth/);
    const fresh = await getDocument(server.db, 'insights', 'ins-new');
    expect(fresh!.transcript).toEqual(fixture.segments);
  });

  it("empties old message bodies in the documents and in telephony's table, keeping recent ones", async () => {
    expect((await getDocument(server.db, 'messages', 'SM-old'))!.body).toBeNull();
    expect((await getDocument(server.db, 'messages', 'SM-new'))!.body).toBe('See you Tuesday');
    const row = await server.db.query<{ body: string | null }>(`SELECT body FROM messages WHERE id = 'SM-old'`);
    expect(row.rows[0].body).toBeNull();
  });

  it('reaches the replicated client: the recording is gone, the transcript and text are empty, the clip deleted', async () => {
    await waitFor(
      'the call to show its recording deleted',
      () => client.collection('calls').findOne(A.callId).exec(),
      (d) => d?.recording.state === 'deleted',
    );
    await waitFor(
      'the transcript to be scrubbed',
      () => client.collection('insights').findOne('ins-old').exec(),
      (d) => d?.transcript === null,
    );
    await waitFor(
      'the message body to be emptied',
      () => client.collection('messages').findOne('SM-old').exec(),
      (d) => d?.body === null,
    );
    await waitFor(
      'the clip of the deleted recording to go',
      () => client.collection('clips').findOne('clip-A').exec(),
      (d) => d === null,
    );
    expect((await client.collection('clips').findOne('clip-C').exec())?.callId).toBe(C.callId);
  });

  it('a dry run counts without changing anything', async () => {
    server.ctx.now = at(69);
    const admin = await server.login();
    const res = await server.api('/api/retention/run', { method: 'POST', token: admin, json: { dryRun: true } });
    const { report } = (await res.json()) as { report: Record<string, unknown> };
    expect(report).toMatchObject({ dryRun: true, clipsExpired: 1 });
    expect((await getRecording(server.db, C.recordingSid))!.state).toBe('stored');
    expect(await getDocument(server.db, 'clips', 'clip-C')).not.toBeNull();
  });

  it('when the course clip expires, it leaves its course and its recording goes too', async () => {
    server.ctx.now = at(69);
    const admin = await server.login();
    const res = await server.api('/api/retention/run', { method: 'POST', token: admin, json: {} });
    const { report } = (await res.json()) as { report: Record<string, number> };
    expect(report).toMatchObject({ clipsExpired: 1, recordingsDeleted: 1 });
    expect(await getDocument(server.db, 'clips', 'clip-C')).toBeNull();
    expect((await getDocument(server.db, 'courses', 'course-K'))!.items).toEqual([]);
    expect((await getRecording(server.db, C.recordingSid))!.state).toBe('deleted');
    // B was stored on day 40: 29 days old, inside its period.
    expect((await getRecording(server.db, B.recordingSid))!.state).toBe('stored');
    await waitFor(
      'the course to lose the clip on the client',
      () => client.collection('courses').findOne('course-K').exec(),
      (d) => d?.items.length === 0,
    );
    await waitFor(
      'the course clip to go on the client',
      () => client.collection('clips').findOne('clip-C').exec(),
      (d) => d === null,
    );
  });

  it('the routes are for admins only and refuse unexpected input with a stable code', async () => {
    const admin = await server.login();
    for (const role of ['reviewer', 'author'] as const) {
      const other = await staff(server, role, `retention-${role}`);
      expect((await server.api('/api/retention', { token: other.token })).status).toBe(403);
      const run = await server.api('/api/retention/run', {
        method: 'POST',
        token: other.token,
        json: { dryRun: true },
      });
      expect(run.status).toBe(403);
    }
    for (const json of [{ dryRun: 'yes' }, { dryRun: true, everything: true }]) {
      const res = await server.api('/api/retention/run', { method: 'POST', token: admin, json });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    const settings = await server.api('/api/retention', { token: admin });
    expect(((await settings.json()) as { periods: Record<string, number> }).periods).toEqual({
      recordingDays: server.ctx.config.RETENTION_RECORDING_DAYS,
      transcriptDays: server.ctx.config.RETENTION_TRANSCRIPT_DAYS,
      clipDays: server.ctx.config.RETENTION_CLIP_DAYS,
    });
  });

  it("an admin's run is audited as that admin; a dry run writes no entry", async () => {
    const count = async () =>
      (
        await server.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'retention.sweep'`,
        )
      ).rows[0].n;
    const admin = await server.login();
    const before = await count();
    await server.api('/api/retention/run', { method: 'POST', token: admin, json: { dryRun: true } });
    expect(await count()).toBe(before);
    await server.api('/api/retention/run', { method: 'POST', token: admin, json: {} });
    const last = await server.db.query<{ actor_label: string }>(
      `SELECT actor_label FROM audit_log WHERE action = 'retention.sweep' ORDER BY id DESC LIMIT 1`,
    );
    expect(last.rows[0].actor_label).toBe('admin@test.local');
  });

  it('a second sweep with nothing expired changes nothing', async () => {
    const before = await server.db.query<{ n: number }>(`SELECT max(seq)::int AS n FROM sync_documents`);
    const admin = await server.login();
    const res = await server.api('/api/retention/run', { method: 'POST', token: admin, json: {} });
    const { report } = (await res.json()) as { report: Record<string, number> };
    expect(report).toMatchObject({
      recordingsDeleted: 0,
      clipsExpired: 0,
      insightsScrubbed: 0,
      messageBodiesScrubbed: 0,
      messageRowsScrubbed: 0,
    });
    const after = await server.db.query<{ n: number }>(`SELECT max(seq)::int AS n FROM sync_documents`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
