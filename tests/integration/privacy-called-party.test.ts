import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALLED_OPT_OUT_PROMPT,
  OPTED_OUT_NOTICE,
  NOT_RECORDED_NOTICE,
  RECORDING_NOTICE,
} from '../../sync-server/src/twilio/voice';
import { addAssessor, addLead, addNumbers, callDoc, startTelephony, until, type Telephony } from './voice-setup';

/**
 * Issue 16.2: the called party hears the recording notice (the whisper) and may press the same opt-out key as
 * the caller, with the same effect — recording stopped, that number never recorded again, nothing downloaded
 * or sent to an AI provider. Driven both ways round through the Twilio sandbox against the real server.
 */
const POOL = ['+447700900811', '+447700900812'];
const CUSTOMER_A = '+447700900131';
const ASSESSOR_A = '+447700900141';
const CUSTOMER_B = '+447700900132';
const ASSESSOR_B = '+447700900142';

let t: Telephony;

beforeAll(async () => {
  t = await startTelephony();
  await addNumbers(t, POOL);
});
afterAll(async () => {
  await t?.close();
});

async function jobsOf(callSid: string, recordingSid: string): Promise<string[]> {
  const { rows } = await t.server.db.query<{ type: string }>(
    `SELECT kind AS type FROM jobs WHERE strpos(payload::text, $1) > 0 OR strpos(payload::text, $2) > 0 ORDER BY kind`,
    [callSid, recordingSid],
  );
  return rows.map((r) => r.type);
}

describe('the called party can opt out during the whisper', () => {
  for (const [caller, callerPhone, calledPhone, customer, assessor, id] of [
    ['customer', CUSTOMER_A, ASSESSOR_A, CUSTOMER_A, ASSESSOR_A, 'a'],
    ['assessor', ASSESSOR_B, CUSTOMER_B, CUSTOMER_B, ASSESSOR_B, 'b'],
  ] as const) {
    it(`the ${caller} calls; the ${caller === 'customer' ? 'assessor' : 'customer'} presses the key: recording stopped and deleted at Twilio, number never recorded again`, async () => {
      const assessorId = await addAssessor(t, `asr-${id}`, `Assessor ${id}`, assessor);
      const lead = await addLead(t, `lead-${id}`, { name: `Customer ${id}`, phone: customer }, [assessorId]);
      const P = lead.assignments[0].poolNumber;

      const result = await t.sandbox.placeCall({
        from: callerPhone,
        to: P,
        callee: { ringSec: 2, input: [{ digits: '9', afterPrompts: true }] },
        talkSec: 30,
        hangup: 'callee',
      });
      const calleeHeard = result.heard.callee.map((h) => h.text);
      expect(calleeHeard).toContain(RECORDING_NOTICE);
      expect(calleeHeard).toContain(CALLED_OPT_OUT_PROMPT);
      expect(calleeHeard).toContain(OPTED_OUT_NOTICE);
      // The caller was not asked twice and still gets their call.
      expect(result.dials[0]).toMatchObject({ to: calledPhone, bridged: true });

      const doc = await until(
        () => callDoc(t, result.callSid),
        (d) => d?.status === 'completed',
      );
      expect(doc!.recording.state).toBe('opted_out');
      const dnr = await t.server.db.query(`SELECT phone, source FROM do_not_record WHERE phone = $1`, [calledPhone]);
      expect(dnr.rows).toEqual([{ phone: calledPhone, source: 'keypad' }]);

      // Twilio started a recording at the bridge (record-from-answer); the server stopped it at its first
      // callback and has Twilio delete it; it was never downloaded nor transcribed.
      for (const r of result.recordings) {
        await t.server.ctx.jobs.drain(['recording.twilio-delete']);
        expect(t.sandbox.recording(r.sid)?.status ?? 'deleted').toBe('deleted');
        const types = await jobsOf(result.callSid, r.sid);
        expect(types.filter((ty) => ty === 'recording.download' || ty.startsWith('analysis.'))).toEqual([]);
      }
      const stored = await t.server.db.query(`SELECT 1 FROM recordings WHERE call_id = $1`, [result.callSid]);
      expect(stored.rows).toEqual([]);

      // Either way round, later calls with that number are not recorded and say so.
      const again = await t.sandbox.placeCall({ from: calledPhone, to: P, callee: { ringSec: 1 }, talkSec: 10 });
      expect(again.heard.caller[0].text).toBe(NOT_RECORDED_NOTICE);
      expect(again.recordings).toEqual([]);
    });
  }

  it('on a live call the recording Twilio starts at the bridge is stopped through its API at once', async () => {
    const assessorId = await addAssessor(t, 'asr-d', 'Assessor d', '+447700900144');
    const lead = await addLead(t, 'lead-d', { name: 'Customer d', phone: '+447700900134' }, [assessorId]);
    // Real time: the stop has to reach the sandbox while the parties are still talking.
    const live = t.sandbox.startCall({
      from: '+447700900134',
      to: lead.assignments[0].poolNumber,
      timing: 'real',
      talkSec: 'manual',
      callee: { ringSec: 0, input: [{ digits: '9', afterPrompts: true }] },
    });
    await live.whenBridged;
    const recordingSid = await until(
      async () =>
        (
          await t.server.db.query<{ sid: string }>(
            `SELECT event ->> 'recordingSid' AS sid FROM call_events WHERE call_sid = $1 AND event ->> 'type' = 'recording'`,
            [live.callSid],
          )
        ).rows[0]?.sid,
      (sid) => !!sid,
    );
    await until(
      async () => t.sandbox.recording(recordingSid!)?.status,
      (status) => status === 'stopped' || status === 'completed',
    );
    // Stopped while the call was still live: the parties have not hung up yet.
    expect(t.sandbox.recording(recordingSid!)?.stoppedAt).not.toBeNull();
    live.hangup('caller');
    await live.result;
    await until(
      () => callDoc(t, live.callSid),
      (d) => d?.status === 'completed',
    );
    await t.server.ctx.jobs.drain(['recording.twilio-delete']);
    expect(t.sandbox.recording(recordingSid!)?.status ?? 'deleted').toBe('deleted');
  });

  it('another key, or none, during the whisper changes nothing: the call is recorded', async () => {
    const assessorId = await addAssessor(t, 'asr-c', 'Assessor c', '+447700900143');
    const lead = await addLead(t, 'lead-c', { name: 'Customer c', phone: '+447700900133' }, [assessorId]);
    const P = lead.assignments[0].poolNumber;
    for (const input of [['1'], []]) {
      const result = await t.sandbox.placeCall({
        from: '+447700900133',
        to: P,
        callee: { ringSec: 1, input },
        talkSec: 15,
      });
      expect(result.heard.callee.map((h) => h.text)).toEqual(expect.arrayContaining([RECORDING_NOTICE]));
      expect(result.heard.callee.map((h) => h.text)).not.toContain(OPTED_OUT_NOTICE);
      expect(result.recordings).toHaveLength(1);
      const doc = await until(
        () => callDoc(t, result.callSid),
        (d) => d?.status === 'completed',
      );
      expect(doc!.recording.state).not.toBe('opted_out');
    }
    const dnr = await t.server.db.query(`SELECT phone FROM do_not_record WHERE phone = ANY($1::text[])`, [
      ['+447700900133', '+447700900143'],
    ]);
    expect(dnr.rows).toEqual([]);
    // The prompt offered the key in words.
    expect(CALLED_OPT_OUT_PROMPT).toMatch(/Press 9/);
  });
});
