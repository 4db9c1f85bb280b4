import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallAnalysis, insightId, type CallAnalysis as CallAnalysisT } from '../../shared/analysis';
import type { CallDoc, InsightDoc, LeadDoc, MessageDoc, ReviewDoc } from '../../shared/schemas';
import { analysisDeps } from '../../sync-server/src/analysis/module';
import { createUser } from '../../sync-server/src/auth/users';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { MEDIA_FILES, insertRecording, storagePrefixFor } from '../../sync-server/src/recordings/repository';
import { createDocumentValidator } from '../../sync-server/src/replication/validate';
import { getDocuments, putDocument } from '../../sync-server/src/replication/store';
import { burstsWav, type Burst } from '../helpers/audio';
import { dominantFrequency, startFakeOpenAI, type FakeOpenAI, type Upload } from '../helpers/fake-openai';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The analysis jobs on a real server over a real database, with the OpenAI transcription provider talking to
 * the local API stand-in and the offline analyser: recording stored → transcribe → analyse → insight document.
 * The same suite runs on the embedded database (PGlite) and on PostgreSQL.
 */
const LINES: Record<number, string> = {
  400: "Hello, it's Sam from Northside Gas about your new boiler quote.",
  500: "Hi Sam. Three thousand pounds? That's a bit steep to be honest.",
  600: 'I understand. That includes a ten year warranty and there is no call-out charge.',
  700: "Okay, that's fair. Thursday morning is good for the survey.",
  800: "Lovely, you're booked in for Thursday at nine, I'll text you a confirmation.",
};
const CALL_BURSTS: Burst[] = [
  { channel: 1, start: 0.5, end: 3, freq: 400 },
  { channel: 0, start: 3.5, end: 6, freq: 500 },
  { channel: 1, start: 6.5, end: 9.5, freq: 600 },
  { channel: 0, start: 10, end: 12, freq: 700 },
  { channel: 1, start: 12.5, end: 15, freq: 800 },
];
function transcribeByTone(u: Upload) {
  const f = dominantFrequency(u.wav.channels[0], u.wav.sampleRate);
  const key = Object.keys(LINES)
    .map(Number)
    .find((k) => Math.abs(k - f) < 40);
  return { text: key ? LINES[key] : '', usage: { type: 'duration', seconds: u.wav.durationSec } };
}

const pgTest = await probePostgres('analysis jobs on PostgreSQL');

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgTest.available)(`on ${kind}`, () => {
    let fake: FakeOpenAI;
    let pgDatabase: TestPostgresDatabase | null = null;
    let pgDb: Database | null = null;
    let server: TestServer;
    let admin: string;
    let reviewer: string;
    let recordingsDir: string;

    let seq = 0;
    function callDoc(overrides: Partial<CallDoc> = {}): CallDoc {
      seq++;
      return {
        id: `call-${seq}`,
        updatedAt: 0,
        leadId: 'lead-1',
        assessorId: 'assessor-1',
        direction: 'customer_to_assessor',
        poolNumber: '+447700900001',
        district: 'W1',
        service: 'boiler',
        startedAt: 1_700_000_000_000 + seq * 1000,
        ringingAt: null,
        answeredAt: null,
        endedAt: null,
        ringSeconds: 3,
        talkSeconds: 15,
        status: 'completed',
        connected: true,
        hungUpBy: 'customer',
        recording: {
          state: 'stored',
          durationSec: 16,
          channels: ['customer', 'assessor'],
          storedAt: 1_700_000_000_000,
        },
        reviewAssignee: null,
        sandbox: false,
        ...overrides,
      };
    }

    /** A call with a stored dual-channel recording, as the recordings module leaves it. */
    async function storedCall(overrides: Partial<CallDoc> = {}): Promise<CallDoc> {
      const call = callDoc(overrides);
      await server.db.transaction((tx) => putDocument(tx, 'calls', call, Date.now()));
      const sid = `RE${String(seq).padStart(32, '0')}`;
      const prefix = storagePrefixFor(call.id, sid);
      const wav = burstsWav(CALL_BURSTS, 16);
      await mediaDeps(server.ctx).storage.putBuffer(prefix + MEDIA_FILES.original, wav);
      await insertRecording(server.db, {
        recordingSid: sid,
        callId: call.id,
        callSid: `CA${String(seq).padStart(32, '0')}`,
        storageKind: 'local',
        storagePrefix: prefix,
        sampleRate: 8000,
        channels: ['customer', 'assessor'],
        durationSec: 16,
        twilioDurationSec: 16,
        originalBytes: wav.length,
        originalSha256: 'x',
        playbackBytes: 0,
        peaksLevels: [],
        detailLevels: [],
        storedAt: Date.now(),
        sandbox: false,
      });
      return call;
    }

    async function insightsOf(callId: string): Promise<InsightDoc[]> {
      const { rows } = await server.db.query<{ doc: InsightDoc }>(
        `SELECT doc FROM sync_documents WHERE collection = 'insights' AND doc ->> 'callId' = $1`,
        [callId],
      );
      return rows.map((r) => r.doc);
    }

    const analyserStamp = () => analysisDeps(server.ctx).providers.analyser.stamp;

    beforeAll(async () => {
      fake = await startFakeOpenAI();
      recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-analysis-'));
      if (kind === 'postgres') {
        pgDatabase = await pgTest.create();
        pgDb = await openPostgres(pgDatabase.url, { max: 10 });
        await migrate(pgDb);
      }
      server = await startTestServer({
        db: pgDb ?? undefined,
        env: {
          OPENAI_API_KEY: fake.key,
          OPENAI_BASE_URL: fake.url,
          TRANSCRIPTION_PROVIDER: 'openai',
          OPENAI_TRANSCRIBE_MODEL: 'gpt-4o-transcribe',
          ANALYSIS_PROVIDER: 'local',
          RECORDINGS_DIR: recordingsDir,
        },
      });
      admin = await server.login();
      await createUser(server.db, {
        email: 'reviewer@test.local',
        password: 'reviewer-password-1',
        role: 'reviewer',
        name: 'Rita Reviewer',
      });
      reviewer = await server.login('reviewer@test.local', 'reviewer-password-1');
    });
    afterAll(async () => {
      await server?.close();
      await pgDb?.close();
      await pgDatabase?.drop();
      await fake?.close();
      fs.rmSync(recordingsDir, { recursive: true, force: true });
    });
    beforeEach(() => {
      fake.onTranscribe = transcribeByTone;
      fake.uploads.length = 0;
      fake.requests.length = 0;
    });

    describe('analysis jobs', () => {
      it('a stored recording is transcribed per channel and analysed into one insight, with its cost on the jobs', async () => {
        const call = await storedCall();
        await server.ctx.jobs.enqueue(
          server.db,
          'analysis.transcribe',
          { callId: call.id },
          { dedupeKey: `analysis.transcribe:${call.id}` },
        );
        expect(await server.ctx.jobs.drain()).toBe(2);
        const [insight] = await insightsOf(call.id);
        expect(insight.id).toBe(insightId(call.id, analyserStamp()));
        expect(insight).toMatchObject({
          status: 'done',
          error: null,
          provider: 'local',
          transcriber: { provider: 'openai', model: 'gpt-4o-transcribe', sandbox: false },
        });
        expect(insight.transcript!.map((s) => s.speaker)).toEqual([
          'assessor',
          'customer',
          'assessor',
          'customer',
          'assessor',
        ]);
        expect(insight.transcript![0].text).toBe(LINES[400]);
        const analysis = CallAnalysis.parse(insight.analysis) as CallAnalysisT;
        expect(analysis.outcome.value).toBe('booked');
        expect(analysis.objections.map((o) => o.category)).toContain('price');
        expect(createDocumentValidator().validate('insights', insight)).toBeNull();
        const jobs = await server.ctx.jobs.list({ limit: 10 });
        const transcribe = jobs.find((j) => j.kind === 'analysis.transcribe' && j.payload.callId === call.id)!;
        expect(transcribe.status).toBe('done');
        expect(transcribe.cost!.audioMinutes).toBeGreaterThan(0.15);
        expect(transcribe.cost!.transcriptionRequests).toBe(5);
        expect(jobs.find((j) => j.kind === 'analysis.analyse' && j.payload.callId === call.id)!.status).toBe('done');
      });

      it('a call that opted out of recording, or whose recording was deleted, never reaches any provider', async () => {
        const optedOut = await storedCall({
          recording: { state: 'opted_out', durationSec: null, channels: [], storedAt: null },
        });
        const deleted = await storedCall({
          recording: { state: 'deleted', durationSec: 16, channels: ['customer', 'assessor'], storedAt: 1 },
        });
        for (const c of [optedOut, deleted])
          await server.ctx.jobs.enqueue(server.db, 'analysis.transcribe', { callId: c.id });
        await server.ctx.jobs.drain();
        expect(fake.requests).toEqual([]);
        expect(await insightsOf(optedOut.id)).toEqual([]);
        expect(await insightsOf(deleted.id)).toEqual([]);
        // Nor can an admin force it.
        const res = await server.api(`/api/analysis/calls/${optedOut.id}/retry`, {
          method: 'POST',
          token: admin,
          json: {},
        });
        expect(res.status).toBe(409);
        expect(fake.requests).toEqual([]);
      });

      it('re-running is idempotent: the same insight is rewritten and the transcript reused unless retranscription is asked', async () => {
        const call = await storedCall();
        await server.ctx.jobs.enqueue(server.db, 'analysis.transcribe', { callId: call.id });
        await server.ctx.jobs.drain();
        const [first] = await insightsOf(call.id);
        const uploadsBefore = fake.uploads.length;

        const rerun = await server.api('/api/analysis/rerun', {
          method: 'POST',
          token: admin,
          json: { callIds: [call.id] },
        });
        expect(rerun.status).toBe(200);
        expect(await rerun.json()).toMatchObject({ matched: 1, enqueued: 1, dryRun: false });
        await server.ctx.jobs.drain();
        const again = await insightsOf(call.id);
        expect(again).toHaveLength(1);
        expect(again[0].id).toBe(first.id);
        expect(again[0].createdAt).toBe(first.createdAt);
        expect(again[0].analysis).toEqual(first.analysis);
        expect(fake.uploads.length).toBe(uploadsBefore);

        const redo = await server.api(`/api/analysis/calls/${call.id}/retry`, {
          method: 'POST',
          token: admin,
          json: { retranscribe: true },
        });
        expect(redo.status).toBe(200);
        await server.ctx.jobs.drain();
        expect(fake.uploads.length).toBe(uploadsBefore + 5);
        expect((await insightsOf(call.id))[0].transcript).toEqual(first.transcript);
      });

      it('a 429 puts the job back for the Retry-After delay and the insight shows that it is retrying', async () => {
        const call = await storedCall();
        fake.failNext({
          status: 429,
          headers: { 'retry-after': '30' },
          body: {
            error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
          },
        });
        const jobId = await server.ctx.jobs.enqueue(server.db, 'analysis.transcribe', { callId: call.id });
        await server.ctx.jobs.drain();
        const { rows } = await server.db.query<{ status: string; wait: number; last_error: string }>(
          `SELECT status, extract(epoch FROM run_at - now())::float8 AS wait, last_error FROM jobs WHERE id = $1`,
          [jobId],
        );
        expect(rows[0].status).toBe('queued');
        expect(rows[0].wait).toBeGreaterThan(20);
        expect(rows[0].wait).toBeLessThanOrEqual(30);
        const [pending] = await insightsOf(call.id);
        expect(pending.status).toBe('pending');
        expect(pending.error).toMatch(/attempt 1 of 8 failed, retrying: .*429/);
        // When the wait is over the job runs again and finishes.
        await server.db.query(`UPDATE jobs SET run_at = now() WHERE id = $1`, [jobId]);
        await server.ctx.jobs.drain();
        const [done] = await insightsOf(call.id);
        expect(done).toMatchObject({ status: 'done', error: null });
      });

      it('after the last attempt the insight is failed with the error; an admin sees the job and retries it', async () => {
        const call = await storedCall();
        fake.failNext({
          status: 500,
          body: {
            error: {
              message: 'The server had an error while processing your request.',
              type: 'server_error',
              code: null,
            },
          },
        });
        const jobId = await server.ctx.jobs.enqueue(
          server.db,
          'analysis.transcribe',
          { callId: call.id },
          { maxAttempts: 1 },
        );
        await server.ctx.jobs.drain();
        const [failed] = await insightsOf(call.id);
        expect(failed.status).toBe('failed');
        expect(failed.error).toMatch(/500/);
        const list = await server.api('/api/jobs?family=analysis&status=failed', { token: admin });
        const { jobs } = (await list.json()) as { jobs: Array<{ id: number; callId: string; error: string }> };
        expect(jobs.find((j) => j.id === jobId)).toMatchObject({
          callId: call.id,
          error: expect.stringMatching(/500/),
        });
        const retry = await server.api(`/api/jobs/${jobId}/retry`, { method: 'POST', token: admin });
        expect(retry.status).toBe(200);
        await server.ctx.jobs.drain();
        expect((await insightsOf(call.id))[0]).toMatchObject({ status: 'done', error: null });
      });

      it('a call erased while its audio is being transcribed gets no insight written afterwards', async () => {
        const call = await storedCall();
        fake.onTranscribe = async (u: Upload) => {
          // The erasure commits while the provider is working.
          await server.db.transaction(async (tx) => {
            const [c] = await getDocuments(tx, 'calls', [call.id], { forUpdate: true });
            await putDocument(
              tx,
              'calls',
              { ...c.doc, recording: { ...c.doc.recording, state: 'deleted' } },
              Date.now(),
            );
          });
          return transcribeByTone(u);
        };
        await server.ctx.jobs.enqueue(server.db, 'analysis.transcribe', { callId: call.id });
        await server.ctx.jobs.drain();
        expect(fake.uploads.length).toBeGreaterThan(0);
        expect(await insightsOf(call.id)).toEqual([]);
      });

      it('reviewers cannot use the analysis admin routes', async () => {
        for (const [method, url] of [
          ['GET', '/api/analysis/status'],
          ['GET', '/api/jobs?family=analysis'],
          ['POST', '/api/analysis/rerun'],
          ['GET', '/api/analysis/agreement'],
          ['GET', '/api/analysis/sms-report'],
        ] as const) {
          const res = await server.api(url, { method, token: reviewer, ...(method === 'POST' ? { json: {} } : {}) });
          expect(res.status, url).toBe(403);
        }
      });

      it('reports the configured providers and the cost of analysis jobs', async () => {
        const res = await server.api('/api/analysis/status', { token: admin });
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          providers: { transcription: string; analysis: string };
          cost30d: { audioMinutes: number };
        };
        expect(body.providers.transcription).toBe('openai/gpt-4o-transcribe');
        expect(body.providers.analysis).toMatch(/^local\/wink-eng-lite-web-model@1\.0\.0\+lex\./);
        expect(body.cost30d.audioMinutes).toBeGreaterThan(0);
      });

      it('a re-run selection by district and previous provider, as a dry run, counts without queueing', async () => {
        const res = await server.api('/api/analysis/rerun', {
          method: 'POST',
          token: admin,
          json: { district: 'W1', fromProvider: 'local', dryRun: true },
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { matched: number; enqueued: number };
        expect(body.matched).toBeGreaterThanOrEqual(4);
        expect(body.enqueued).toBe(0);
        const bad = await server.api('/api/analysis/rerun', {
          method: 'POST',
          token: admin,
          json: { service: 'gardening' },
        });
        expect(bad.status).toBe(400);
        expect((await bad.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'service' });
      });
    });

    describe('agreement report', () => {
      it("gives agreement, Cohen's kappa, the confusion matrix and the disagreeing calls per provider and model", async () => {
        // Three calls with finished local insights; reviewers agree on two and disagree on one.
        const calls = [await storedCall(), await storedCall(), await storedCall()];
        for (const c of calls) await server.ctx.jobs.enqueue(server.db, 'analysis.transcribe', { callId: c.id });
        await server.ctx.jobs.drain();
        const outcomes = ['booked', 'booked', 'lost'] as const;
        await server.db.transaction(async (tx) => {
          for (const [i, c] of calls.entries()) {
            const review: ReviewDoc = {
              id: `${c.id}:rev-1`,
              updatedAt: 0,
              callId: c.id,
              reviewerId: 'rev-1',
              scorecardId: null,
              answers: {},
              score: 80,
              outcome: outcomes[i],
              aiOutcome: 'booked',
              notes: '',
              regions: [],
              status: 'submitted',
              submittedAt: Date.now(),
              editedAt: Date.now(),
            };
            await putDocument(tx, 'reviews', review, Date.now());
          }
        });
        const res = await server.api('/api/analysis/agreement?provider=local', { token: admin });
        expect(res.status).toBe(200);
        const report = (await res.json()) as {
          groups: Array<{
            provider: string;
            pairs: number;
            agreed: number;
            agreementRate: number;
            kappa: number | null;
            confusion: Record<string, Record<string, number>>;
            disagreements: Array<{ callId: string; ai: string; reviewer: string }>;
          }>;
        };
        const g = report.groups.find((x) => x.provider === 'local')!;
        expect(g.pairs).toBe(3);
        expect(g.agreed).toBe(2);
        expect(g.agreementRate).toBeCloseTo(2 / 3);
        expect(g.confusion.booked).toEqual({ booked: 2, callback: 0, lost: 1 });
        expect(g.disagreements).toEqual([
          expect.objectContaining({ callId: calls[2].id, ai: 'booked', reviewer: 'lost' }),
        ]);
        // The AI said booked every time, so agreement beyond chance is zero.
        expect(g.kappa).toBeCloseTo(0);
      });
    });

    describe('text message analysis', () => {
      it('analyses an assignment (reply speed both ways, features, sequence) and reports patterns before a booking', async () => {
        const t0 = 1_700_000_000_000;
        const lead = (id: string, booked: boolean): LeadDoc => ({
          id,
          updatedAt: 0,
          externalId: id,
          customerName: 'Test Customer',
          customerPhone: null,
          customerPhoneMasked: '07700 900***',
          postcode: 'W1D 3QF',
          district: 'W1',
          service: 'plumbing',
          createdAt: t0,
          status: booked ? 'booked' : 'open',
          assignments: [
            {
              assessorId: 'assessor-9',
              assignedAt: t0,
              poolNumber: '+447700900009',
              extension: null,
              bookedAt: booked ? t0 + 3_600_000 : null,
              bookingValuePence: null,
              active: true,
            },
          ],
          quality: null,
          sandbox: false,
        });
        const msg = (
          id: string,
          leadId: string,
          from: 'assessor' | 'customer',
          at: number,
          body: string,
        ): MessageDoc => ({
          id,
          updatedAt: 0,
          leadId,
          assessorId: 'assessor-9',
          direction: from === 'assessor' ? 'assessor_to_customer' : 'customer_to_assessor',
          poolNumber: '+447700900009',
          body,
          mediaCount: 0,
          status: from === 'assessor' ? 'delivered' : 'received',
          sentAt: at,
          sandbox: false,
        });
        await server.db.transaction(async (tx) => {
          await putDocument(tx, 'leads', lead('lead-sms-1', true), Date.now());
          await putDocument(tx, 'leads', lead('lead-sms-2', false), Date.now());
          await putDocument(
            tx,
            'messages',
            msg(
              'm1',
              'lead-sms-1',
              'assessor',
              t0 + 120_000,
              "Hi Anna, it's Tom from Clearflow Plumbing. Are you free Thursday morning to look at the leak?",
            ),
            Date.now(),
          );
          await putDocument(
            tx,
            'messages',
            msg('m2', 'lead-sms-1', 'customer', t0 + 720_000, 'Yes Thursday works, thanks'),
            Date.now(),
          );
          await putDocument(
            tx,
            'messages',
            msg('m3', 'lead-sms-1', 'assessor', t0 + 780_000, 'Great, see you Thursday at 9am'),
            Date.now(),
          );
          await putDocument(
            tx,
            'messages',
            msg('m4', 'lead-sms-2', 'assessor', t0 + 7_200_000, 'plumber here'),
            Date.now(),
          );
        });
        const res = await server.api('/api/analysis/sms/lead-sms-1/assessor-9', { token: admin });
        expect(res.status).toBe(200);
        const a = (await res.json()) as {
          booked: boolean;
          assessorReply: { medianSec: number };
          customerReply: { medianSec: number };
          firstAssessorSmsSec: number;
          sequence: string[];
          perMessage: Array<{
            features: { questions: number; callToAction: boolean; greetsByName: boolean; mentionsTime: boolean };
          }>;
        };
        expect(a.booked).toBe(true);
        expect(a.firstAssessorSmsSec).toBe(120);
        expect(a.customerReply.medianSec).toBe(600);
        expect(a.assessorReply.medianSec).toBe(60);
        expect(a.sequence).toEqual(['assessor-sms', 'customer-sms', 'assessor-sms']);
        expect(a.perMessage[0].features).toMatchObject({
          questions: 1,
          callToAction: true,
          greetsByName: true,
          mentionsTime: true,
        });

        const report = await server.api('/api/analysis/sms-report?recompute=1&minSupport=1&service=plumbing', {
          token: admin,
        });
        expect(report.status).toBe(200);
        const r = (await report.json()) as {
          recomputed: number;
          rows: Array<{ district: string; pattern: string; assignments: number; booked: number; bookingRate: number }>;
        };
        expect(r.recomputed).toBe(2);
        const fast = r.rows.find((x) => x.district === 'W1' && x.pattern === 'first text within 5 minutes')!;
        expect(fast).toMatchObject({ assignments: 1, booked: 1, bookingRate: 1 });
        const slow = r.rows.find((x) => x.district === 'W1' && x.pattern === 'first text after an hour')!;
        expect(slow).toMatchObject({ assignments: 1, booked: 0 });
      });
    });
  });
}
