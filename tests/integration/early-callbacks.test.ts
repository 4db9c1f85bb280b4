import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { getRecording } from '../../sync-server/src/recordings/repository';
import { PENDING_CALLBACK_TTL_MS, PENDING_CALLBACKS_JOB } from '../../sync-server/src/twilio/pending';
import {
  sid,
  startFakeTwilio,
  startMediaServer,
  synthWav,
  type FakeTwilio,
  type MediaTestServer,
} from './recordings-fixtures';
import { form, invalidDocuments, postSigned, sidOf } from './signed-webhooks';
import { openTestPglite } from '../helpers/pglite-template';
import { probePostgres } from '../helpers/postgres';
import { addAssessor, addLead, addNumbers, callDoc, type Telephony } from './voice-setup';

/**
 * Issue 9 item 8: callbacks that reach the server before the call's own voice webhook (Twilio retries, network
 * reordering). They are kept and folded in when the call is logged: the call ends in the same state as when
 * everything came in order, its recording is downloaded, and Twilio's copy is deleted only after ours is
 * stored. Callbacks whose call never comes expire after 24 hours and show as a failed job.
 *
 * Webhooks are signed with the twilio package's own helper; recordings come from a local stand-in for
 * Twilio's media API. The server's clock is pinned so the two orders stamp the same times. On PGlite and on
 * PostgreSQL.
 */
const pgTest = await probePostgres('early callbacks on PostgreSQL');
const CUSTOMER = '+447700900171';
const ASSESSOR = '+447700900181';
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const stamp = (sec: number) => new Date(T0 + sec * 1000).toUTCString();

function earlyCallbacks(engine: string, open: () => Promise<{ db: Database; close(): Promise<void> }>): void {
  let opened: { db: Database; close(): Promise<void> } | undefined;
  let twilio: FakeTwilio;
  let server: MediaTestServer;
  let t: Telephony;
  let P: string;

  beforeAll(async () => {
    twilio = await startFakeTwilio();
    opened = await open();
    server = await startMediaServer({ twilio, db: opened.db });
    server.ctx.now = () => T0;
    // The voice-setup helpers need the server and a marketplace key only.
    t = { server, apiKey: (await createApiKey(server.db, 'marketplace')).key, admin: '' } as unknown as Telephony;
    await addNumbers(t, ['+447700900831']);
    await addAssessor(t, 'asr-early', 'Ed Early', ASSESSOR);
    P = (await addLead(t, 'early-lead', { name: 'Eve Early', phone: CUSTOMER }, ['asr-early'])).assignments[0]
      .poolNumber;
  });
  afterAll(async () => {
    await server?.close();
    await opened?.close();
    await twilio?.close();
  });

  type Webhook = [path: string, params: Record<string, string>];

  /** A customer's answered, recorded call as Twilio reports it: the voice webhook, then its callbacks. */
  function answeredCall(n: number): { callSid: string; recordingSid: string; voice: Webhook; callbacks: Webhook[] } {
    const callSid = sidOf('CA', 0xe000 + n);
    const legSid = sidOf('CA', 0xf000 + n);
    const recordingSid = sid('RE');
    twilio.media.set(recordingSid, { wav: synthWav(4, 8000, [() => 0.5, () => 0.3]).wav });
    const leg = (status: string, sec: number, extra: Record<string, string> = {}): Webhook => [
      '/twilio/voice/leg-status',
      { CallSid: legSid, ParentCallSid: callSid, CallStatus: status, Timestamp: stamp(sec), ...extra },
    ];
    return {
      callSid,
      recordingSid,
      voice: ['/twilio/voice', { CallSid: callSid, From: CUSTOMER, To: P }],
      callbacks: [
        leg('initiated', 6),
        leg('ringing', 7),
        leg('in-progress', 15),
        leg('completed', 57, { CallDuration: '42' }),
        [
          '/twilio/voice/dial-action',
          { CallSid: callSid, DialCallStatus: 'completed', DialCallDuration: '42', CallStatus: 'in-progress' },
        ],
        [
          '/twilio/voice/status',
          { CallSid: callSid, CallStatus: 'completed', CallDuration: '60', Timestamp: stamp(60) },
        ],
        [
          '/twilio/voice/recording',
          {
            CallSid: callSid,
            RecordingSid: recordingSid,
            RecordingStatus: 'completed',
            RecordingDuration: '4',
            RecordingChannels: '2',
            RecordingUrl: twilio.recordingUrl(recordingSid),
          },
        ],
      ],
    };
  }

  async function send(hooks: Webhook[]): Promise<void> {
    for (const [path, params] of hooks) {
      const answer = await postSigned(t, path, form(params));
      expect([path, answer.status]).toEqual([path, 200]);
    }
  }

  /** Everything the callbacks decide (not the id, nor when the document was last written). */
  const state = (d: CallDoc | null) => {
    if (!d) return null;
    const { id: _id, updatedAt: _updatedAt, ...rest } = d;
    return rest;
  };

  const jobsFor = async (recordingSid: string) =>
    (
      await server.db.query<{ kind: string; status: string }>(
        `SELECT kind, status FROM jobs WHERE dedupe_key IN ($1, $2) ORDER BY id`,
        [`recording:${recordingSid}`, `twilio-delete:${recordingSid}`],
      )
    ).rows;

  const pendingOf = async (callSid: string) =>
    (await server.db.query<{ key: string }>('SELECT key FROM pending_call_events WHERE call_sid = $1', [callSid])).rows;

  /** A fixed shuffle (mulberry32), so every run tries the same orders. */
  function shuffled<T>(items: T[], seed: number): T[] {
    let a = seed;
    const rand = () => {
      a = (a + 0x6d2b79f5) | 0;
      let x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  let reference: ReturnType<typeof state>;

  describe(`callbacks before the voice webhook (${engine})`, () => {
    it('in order: the reference call log', async () => {
      const call = answeredCall(1);
      await send([call.voice, ...call.callbacks]);
      reference = state(await callDoc(t, call.callSid));
      expect(reference).toMatchObject({
        status: 'completed',
        talkSeconds: 42,
        ringSeconds: 8,
        connected: true,
        hungUpBy: 'assessor',
        poolNumber: P,
        recording: { state: 'pending' },
      });
    });

    it('every callback first, then the voice webhook: kept, nothing deleted at Twilio, then the same call log as in order', async () => {
      const call = answeredCall(2);
      await send(call.callbacks);
      // Nothing logged yet and no empty call made up from the status callback; the callbacks are kept.
      expect(await callDoc(t, call.callSid)).toBeNull();
      expect((await pendingOf(call.callSid)).length).toBe(call.callbacks.length);
      // The recording of a call we do not know yet is neither downloaded nor deleted at Twilio.
      expect(await jobsFor(call.recordingSid)).toEqual([]);

      await send([call.voice]);
      expect(state(await callDoc(t, call.callSid))).toEqual(reference);
      expect(await pendingOf(call.callSid)).toEqual([]);
      expect(await jobsFor(call.recordingSid)).toEqual([{ kind: 'recording.download', status: 'queued' }]);
    });

    it('the early recording is downloaded, and only then is Twilio’s copy deleted', async () => {
      const call = answeredCall(3);
      await send([...call.callbacks, call.voice]);
      expect(twilio.deleted.has(call.recordingSid)).toBe(false);

      await server.ctx.jobs.drain(['recording.download']);
      const stored = await getRecording(server.db, call.recordingSid);
      expect(stored).toMatchObject({ state: 'stored', callId: call.callSid, durationSec: 4 });
      expect((await callDoc(t, call.callSid))!.recording.state).toBe('stored');
      // Ours is stored; the deletion at Twilio is asked for now, not before.
      expect(await jobsFor(call.recordingSid)).toEqual([
        { kind: 'recording.download', status: 'done' },
        { kind: 'recording.twilio-delete', status: 'queued' },
      ]);
      expect(twilio.deleted.has(call.recordingSid)).toBe(false);

      await server.ctx.jobs.drain(['recording.twilio-delete']);
      expect(twilio.deleted.has(call.recordingSid)).toBe(true);
    });

    it('in any order, with the voice webhook anywhere among its callbacks, the call ends the same', async () => {
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const call = answeredCall(10 + seed);
        const order = shuffled([call.voice, ...call.callbacks], seed);
        await send(order);
        const label = `seed ${seed}: ${order.map(([p, q]) => `${p.split('/').pop()}:${q.CallStatus ?? ''}`).join(' ')}`;
        expect([label, state(await callDoc(t, call.callSid))]).toEqual([label, reference]);
        expect(await pendingOf(call.callSid)).toEqual([]);
      }
    });

    it('callbacks whose call never arrives wait 24 hours, then are dropped and shown as a failed job; Twilio’s copy stays', async () => {
      const call = answeredCall(30);
      await send(call.callbacks);
      const job = async () =>
        (
          await server.db.query<{ id: number; status: string; last_error: string | null }>(
            'SELECT id, status, last_error FROM jobs WHERE dedupe_key = $1',
            [`${PENDING_CALLBACKS_JOB}:${call.callSid}`],
          )
        ).rows[0];
      const runDue = async () => {
        // The job's next run is in real time; run it now, as the worker would then.
        await server.db.query('UPDATE jobs SET run_at = now() WHERE id = $1', [(await job()).id]);
        await server.ctx.jobs.drain([PENDING_CALLBACKS_JOB]);
      };

      // Within the 24 hours: still waiting.
      server.ctx.now = () => T0 + PENDING_CALLBACK_TTL_MS - 60_000;
      await runDue();
      expect(await job()).toMatchObject({ status: 'queued' });
      expect((await pendingOf(call.callSid)).length).toBe(call.callbacks.length);

      // Past them: dropped, and the admin's job list says so.
      server.ctx.now = () => T0 + PENDING_CALLBACK_TTL_MS + 60_000;
      try {
        await runDue();
      } finally {
        server.ctx.now = () => T0;
      }
      expect(await job()).toMatchObject({ status: 'failed', last_error: expect.stringContaining('no voice webhook') });
      expect(await pendingOf(call.callSid)).toEqual([]);
      expect(await callDoc(t, call.callSid)).toBeNull();
      expect(await jobsFor(call.recordingSid)).toEqual([]);
      const admin = await server.login();
      const list = (await (await server.api('/api/jobs?family=telephony&status=failed', { token: admin })).json()) as {
        jobs: Array<{ kind: string; callId: string | null; error: string | null }>;
      };
      expect(list.jobs).toContainEqual(
        expect.objectContaining({ kind: PENDING_CALLBACKS_JOB, callId: call.callSid, error: expect.any(String) }),
      );
    });

    it('every stored call document validates against its schema', async () => {
      expect(await invalidDocuments(server.db)).toEqual([]);
    });
  });
}

describe('on PGlite', () => {
  earlyCallbacks('PGlite', async () => {
    const db = await openTestPglite();
    return { db, close: () => db.close() };
  });
});

describe.skipIf(!pgTest.available)('on PostgreSQL', () => {
  earlyCallbacks('PostgreSQL', async () => {
    const database = await pgTest.create();
    const db = await openPostgres(database.url, { max: 10 });
    await migrate(db);
    return {
      db,
      async close() {
        await db.close();
        await database.drop();
      },
    };
  });
});
