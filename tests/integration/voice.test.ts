import type { Request } from 'express';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc } from '../../shared/schemas';
import { isValidTwilioRequest } from '../../sync-server/src/http/twilio-signature';
import {
  fallbackTwiml,
  NOT_RECORDED_NOTICE,
  OPTED_OUT_NOTICE,
  RECORDING_NOTICE,
} from '../../sync-server/src/twilio/voice';
import { startTestServer } from '../helpers/server';
import {
  addAssessor,
  addLead,
  addNumbers,
  api,
  callDoc,
  startTelephony,
  until,
  type LeadOut,
  type Telephony,
} from './voice-setup';

/**
 * Calls end to end over HTTP: the sandbox plays both phones and posts Twilio's signed webhooks to the real
 * server, which answers TwiML and logs each call.
 */
const POOL = ['+447700900801', '+447700900802', '+447700900803'];
const CUSTOMER = '+447700900123';
const ASSESSOR = '+447700900111';
const OTHER_ASSESSOR = '+447700900112';

let t: Telephony;
let lead: LeadOut;
let assessorId: string;

beforeAll(async () => {
  // No room to buy (shared/pool P12), so an assessor's sessions share these three numbers.
  t = await startTelephony({ POOL_MONTHLY_BUDGET_PENCE: '300' });
  await addNumbers(t, POOL);
  assessorId = await addAssessor(t, 'asr-1', 'Dan Price', ASSESSOR);
  await addAssessor(t, 'asr-2', 'Amy Lee', OTHER_ASSESSOR);
  lead = await addLead(t, 'lead-1', { name: 'John Smith', phone: CUSTOMER }, ['asr-1', 'asr-2']);
});
afterAll(async () => {
  await t?.close();
});

const poolFor = (id: string) => lead.assignments.find((a) => a.assessorId === id)!.poolNumber;

/**
 * Talk time is what Twilio reports for the dialled leg (CallDuration, from answer): it includes the few
 * seconds of recording notice the called party hears before the bridge.
 */
function reportedTalk(result: { requests: Array<{ url: string; params: Record<string, string> }> }): number {
  const done = result.requests.find(
    (r) => r.url.includes('/twilio/voice/leg-status') && r.params.CallStatus === 'completed',
  );
  return Number(done?.params.CallDuration);
}

describe('voice through the pool', () => {
  it('customer → assessor: announced to both in an en-GB voice, bridged with the pool number as caller ID, recorded in two channels, logged', async () => {
    const P = poolFor(assessorId);
    const result = await t.sandbox.placeCall({
      from: CUSTOMER,
      to: P,
      callee: { ringSec: 6 },
      talkSec: 75,
      hangup: 'callee',
    });
    expect(result.heard.caller[0]).toMatchObject({ voice: 'Polly.Amy', language: 'en-GB' });
    expect(result.heard.caller[0].text).toContain(RECORDING_NOTICE);
    expect(result.heard.callee.map((h) => h.text)).toContain(RECORDING_NOTICE);
    expect(result.dials).toHaveLength(1);
    expect(result.dials[0]).toMatchObject({ to: ASSESSOR, callerId: P, bridged: true });
    expect(result.recordings[0]).toMatchObject({ channels: 2 });
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'completed' && d.recording.state === 'pending',
    );
    expect(doc).toMatchObject({
      leadId: lead.id,
      assessorId,
      direction: 'customer_to_assessor',
      poolNumber: P,
      district: 'W1',
      service: 'boiler',
      status: 'completed',
      talkSeconds: reportedTalk(result),
      ringSeconds: 6,
      connected: true,
      hungUpBy: 'assessor',
      recording: { state: 'pending', channels: ['customer', 'assessor'] },
    });
    expect(doc!.talkSeconds).toBeGreaterThanOrEqual(75);
    const jobs = await t.server.db.query<{ payload: Record<string, unknown>; dedupe_key: string }>(
      `SELECT payload, dedupe_key FROM jobs WHERE kind = 'recording.download'`,
    );
    expect(jobs.rows).toHaveLength(1);
    expect(jobs.rows[0].dedupe_key).toBe(`recording:${result.recordings[0].sid}`);
    expect(jobs.rows[0].payload).toMatchObject({
      callSid: result.callSid,
      recordingSid: result.recordings[0].sid,
      channels: 2,
      sandbox: true,
    });
  });

  it('assessor → customer: the customer sees the pool number they know for that assessor', async () => {
    const P = poolFor(assessorId);
    const result = await t.sandbox.placeCall({ from: ASSESSOR, to: P, talkSec: 30, hangup: 'caller' });
    expect(result.dials[0]).toMatchObject({ to: CUSTOMER, callerId: P, bridged: true });
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'completed',
    );
    expect(doc).toMatchObject({
      direction: 'assessor_to_customer',
      hungUpBy: 'assessor',
      talkSeconds: reportedTalk(result),
      recording: { channels: ['assessor', 'customer'] },
    });
  });

  it('an unanswered call is logged as no-answer with its ring time and the caller is told', async () => {
    const result = await t.sandbox.placeCall({ from: CUSTOMER, to: poolFor(assessorId), callee: { answer: false } });
    expect(result.heard.caller.at(-1)?.text).toMatch(/could not take your call/);
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'no-answer',
    );
    expect(doc).toMatchObject({
      talkSeconds: 0,
      connected: false,
      hungUpBy: null,
      answeredAt: null,
      recording: { state: 'none' },
    });
    expect(doc!.ringSeconds).toBeGreaterThanOrEqual(29);
  });

  it('a busy line is logged as busy', async () => {
    const result = await t.sandbox.placeCall({ from: CUSTOMER, to: poolFor(assessorId), callee: { busy: true } });
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'busy',
    );
    expect(doc).toMatchObject({ connected: false, talkSeconds: 0 });
  });

  it('a short answered call is completed but not connected', async () => {
    // Talk time includes the called party's notice and opt-out prompt (about 7½ s), so a second of talk stays short.
    const result = await t.sandbox.placeCall({ from: CUSTOMER, to: poolFor(assessorId), talkSec: 1 });
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'completed',
    );
    expect(reportedTalk(result)).toBeLessThan(10);
    expect(doc).toMatchObject({ talkSeconds: reportedTalk(result), connected: false });
  });

  it('a caller outside any session hears a short message and goes to voicemail; nothing reaches a party', async () => {
    const result = await t.sandbox.placeCall({
      from: '+447700900999',
      to: POOL[0],
      voicemail: { text: 'Hello, please call me back.' },
    });
    expect(result.heard.caller[0].text).toMatch(/not linked to an active enquiry/);
    expect(result.dials).toEqual([]);
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d !== null && d.status === 'completed',
    );
    expect(doc).toMatchObject({ leadId: null, direction: null });
  });

  it('with FALLBACK_NUMBER set, a caller outside any session is put through to it from the pool number', () => {
    const ctx = { ...t.server.ctx, config: { ...t.server.ctx.config, FALLBACK_NUMBER: '+442079460990' } };
    const xml = fallbackTwiml(ctx, 'no-session', { callerNotRecorded: false, poolNumber: POOL[0] });
    expect(xml).toMatch(/not linked to an active enquiry/);
    expect(xml).toContain(`<Dial callerId="${POOL[0]}" timeout="30">+442079460990</Dial>`);
    expect(xml).not.toContain('<Record');
  });

  it('a withheld caller hears why and is not connected', async () => {
    const result = await t.sandbox.placeCall({ from: CUSTOMER, to: poolFor(assessorId), withheld: true });
    expect(result.heard.caller[0].text).toMatch(/withheld/);
    expect(result.dials).toEqual([]);
  });

  it('opt-out: the key during the notice stops recording, says so, and that phone is never recorded again', async () => {
    const P = poolFor(assessorId);
    const result = await t.sandbox.placeCall({ from: CUSTOMER, to: P, callerInput: ['9'], talkSec: 40 });
    expect(result.heard.caller.map((h) => h.text)).toContain(OPTED_OUT_NOTICE);
    expect(result.dials[0].bridged).toBe(true);
    expect(result.recordings).toEqual([]);
    expect(result.heard.callee.map((h) => h.text)).toContain(NOT_RECORDED_NOTICE);
    const doc = await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'completed',
    );
    expect(doc!.recording.state).toBe('opted_out');
    const dnr = await t.server.db.query(`SELECT phone FROM do_not_record`);
    expect(dnr.rows).toEqual([{ phone: CUSTOMER }]);
    // Later calls with that phone, either way round, are not recorded and say so.
    const again = await t.sandbox.placeCall({ from: ASSESSOR, to: P, talkSec: 20 });
    expect(again.heard.caller[0].text).toBe(NOT_RECORDED_NOTICE);
    expect(again.recordings).toEqual([]);
    const againDoc = await until(
      () => callDoc(t, again.callSid),
      (d) => d?.status === 'completed',
    );
    expect(againDoc!.recording.state).toBe('opted_out');
  });
});

describe('extensions on a shared number', () => {
  it('an assessor whose number is shared keys the extension and reaches that customer only', async () => {
    // Five customers for one assessor on three numbers: two sessions carry extensions.
    const made: LeadOut[] = [];
    for (let i = 0; i < 5; i++)
      made.push(await addLead(t, `ext-${i}`, { name: `Customer ${i}`, phone: `+4477009002${i}0` }, ['asr-2']));
    // Numbers on which two of the assessor's sessions are recent (shared/pool P10): a bare call is ambiguous there.
    const shared = await t.server.db.query<{ pool_number: string }>(
      'SELECT pool_number FROM pool_sessions WHERE assessor_phone = $1 GROUP BY pool_number HAVING count(*) > 1',
      [OTHER_ASSESSOR],
    );
    const sharedNumbers = new Set(shared.rows.map((r) => r.pool_number));
    const withExt = made.map((l) => l.assignments[0]).filter((a) => a.extension && sharedNumbers.has(a.poolNumber));
    expect(withExt.length).toBeGreaterThanOrEqual(2);
    const target = withExt[0];
    const customer = `+4477009002${made.findIndex((l) => l.assignments[0] === target)}0`;
    const result = await t.sandbox.placeCall({
      from: OTHER_ASSESSOR,
      to: target.poolNumber,
      callerInput: [`${target.extension}#`, null],
      talkSec: 15,
    });
    expect(result.heard.caller[0].text).toMatch(/extension/);
    expect(result.dials).toHaveLength(1);
    expect(result.dials[0]).toMatchObject({ to: customer, callerId: target.poolNumber, bridged: true });
    // A wrong extension three times: never connected to anyone.
    const wrong = await t.sandbox.placeCall({
      from: OTHER_ASSESSOR,
      to: target.poolNumber,
      callerInput: ['111#', '111#', '111#'],
    });
    expect(wrong.dials).toEqual([]);
    expect(wrong.heard.caller.map((h) => h.text).join(' ')).toMatch(/not recognised/);
  });
});

describe('callbacks out of order and repeated', () => {
  it('the same call gives the same log whether its callbacks arrive in order or shuffled with duplicates', async () => {
    const own = await addLead(t, 'lead-chaos', { name: 'Kim Roe', phone: '+447700900126' }, ['asr-1']);
    const P = own.assignments[0].poolNumber;
    // An hour back, on whole seconds: Twilio's Timestamps and the server's own clock (which stamps the voice
    // webhook and the Dial action) then agree as they do in production. Months apart, a fold of only some of the
    // callbacks has a ring time past the schema's bound, and the server refuses to write that document.
    const at = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const scenario = {
      from: '+447700900126',
      to: P,
      at,
      callee: { ringSec: 9 },
      talkSec: 42,
      hangup: 'callee' as const,
    };
    const pick = (d: CallDoc) => ({
      status: d.status,
      ringingAt: d.ringingAt,
      answeredAt: d.answeredAt,
      endedAt: d.endedAt,
      ringSeconds: d.ringSeconds,
      talkSeconds: d.talkSeconds,
      connected: d.connected,
      hungUpBy: d.hungUpBy,
      recording: d.recording,
      direction: d.direction,
      leadId: d.leadId,
    });
    const orderly = await t.sandbox.placeCall(scenario);
    const reference = pick(
      (await until(
        () => callDoc(t, orderly.callSid),
        (d) => d?.recording.state === 'pending' && d.status === 'completed',
      )) as CallDoc,
    );
    for (const seed of [1, 2, 3]) {
      const messy = await t.sandbox.placeCall({ ...scenario, callbacks: { duplicate: 1, reorder: true, seed } });
      expect(messy.requests.some((r) => r.duplicate)).toBe(true);
      const doc = await until(
        () => callDoc(t, messy.callSid),
        (d) => d?.recording.state === 'pending' && d.status === 'completed',
      );
      expect(pick(doc!)).toEqual(reference);
    }
  });
});

describe('webhook security', () => {
  it("checks signatures exactly as Twilio's published example computes them, against the public URL", () => {
    // Twilio's documented example (the fixture of twilio-node's own tests).
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    const req = {
      originalUrl: '/myapp.php?foo=1&bar=2',
      body: params,
      header: (name: string) =>
        name.toLowerCase() === 'x-twilio-signature' ? 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' : undefined,
    } as unknown as Request;
    expect(isValidTwilioRequest(req, '12345', 'https://mycompany.com')).toBe(true);
    expect(isValidTwilioRequest(req, '12345', 'http://127.0.0.1:8787')).toBe(false);
    expect(
      isValidTwilioRequest(
        { ...req, body: { ...params, Digits: '1235' } } as unknown as Request,
        '12345',
        'https://mycompany.com',
      ),
    ).toBe(false);
  });

  it('behind a reverse proxy, a webhook signed for PUBLIC_BASE_URL is accepted and one signed for the internal address is not', async () => {
    const token = 'c'.repeat(32);
    const proxied = await startTestServer({
      env: {
        TWILIO_ACCOUNT_SID: `AC${'2'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: token,
        PUBLIC_BASE_URL: 'https://ringside.example.co.uk',
      },
    });
    try {
      const params = { CallSid: `CA${'0'.repeat(28)}0001`, From: '+447700900997', To: '+447700900801' };
      const send = (signedFor: string) =>
        fetch(`${proxied.url}/twilio/voice`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(token, signedFor, params),
          },
          body: new URLSearchParams(params),
        });
      expect((await send('https://ringside.example.co.uk/twilio/voice')).status).toBe(200);
      expect((await send(`${proxied.url}/twilio/voice`)).status).toBe(403);
    } finally {
      await proxied.close();
    }
  });

  it('refuses a forged or unsigned webhook with 403 and writes nothing', async () => {
    const before = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls');
    const params = { CallSid: 'CAforged', From: CUSTOMER, To: POOL[0], AccountSid: `AC${'1'.repeat(32)}` };
    const url = `${t.server.url}/twilio/voice`;
    const forged = twilio.getExpectedTwilioSignature('not-the-token-000000000000000000', url, params);
    const attempts: Array<Record<string, string>> = [{ 'x-twilio-signature': forged }, {}];
    for (const headers of attempts) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params),
      });
      expect(res.status).toBe(403);
    }
    const after = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM calls');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('a retried voice webhook gets the same answer and is logged once', async () => {
    const P = poolFor(assessorId);
    const params = {
      CallSid: `CA${'0'.repeat(28)}0002`,
      From: OTHER_ASSESSOR.replace('112', '127'),
      To: P,
      AccountSid: `AC${'1'.repeat(32)}`,
    };
    const own = await addLead(t, 'lead-retry', { name: 'Rita Vale', phone: params.From }, ['asr-1']);
    params.To = own.assignments[0].poolNumber;
    const url = `${t.server.url}/twilio/voice`;
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature('b'.repeat(32), url, params),
        },
        body: new URLSearchParams(params),
      }).then((r) => r.text());
    const [first, second] = [await post(), await post()];
    expect(second).toBe(first);
    expect(first).toContain('<Dial');
    const rows = await t.server.db.query<{ key: string }>(
      'SELECT key FROM call_events WHERE call_sid = $1 ORDER BY key',
      [params.CallSid],
    );
    expect(rows.rows.map((r) => r.key)).toEqual(['created', 'routed']);
  });

  it('accepts a request signed with the auth token for the public URL', async () => {
    const params = {
      CallSid: `CA${'0'.repeat(28)}0003`,
      From: '+447700900998',
      To: POOL[0],
      AccountSid: `AC${'1'.repeat(32)}`,
    };
    const url = `${t.server.url}/twilio/voice`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature('b'.repeat(32), url, params),
      },
      body: new URLSearchParams(params),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toMatch(/<Response>.*not linked to an active enquiry/s);
  });
});

describe('admin recording controls', () => {
  it('an admin stops recording on a live call, then deletes the recording; both audited', async () => {
    const own = await addLead(t, 'lead-live', { name: 'Liv Moore', phone: '+447700900125' }, ['asr-1']);
    const P = own.assignments[0].poolNumber;
    // Real time: the admin acts while the call is live.
    const live = t.sandbox.startCall({
      from: '+447700900125',
      to: P,
      talkSec: 'manual',
      timing: 'real',
      callee: { ringSec: 1 },
    });
    await live.whenBridged;
    await until(
      () => callDoc(t, live.callSid),
      (d) => d?.status === 'in-progress',
    );
    const stopped = await api(t, `/api/calls/${live.callSid}/recording/stop`, undefined, t.admin);
    expect(stopped.status).toBe(200);
    expect(stopped.body!.call.recording.state).toBe('stopped');
    const notAdmin = await api(t, `/api/calls/${live.callSid}/recording/stop`, undefined, t.apiKey);
    expect(notAdmin.status).toBe(403);
    live.hangup('caller');
    const result = await live.result;
    const ended = await until(
      () => callDoc(t, live.callSid),
      (d) => d?.status === 'completed' && d.recording.state === 'pending',
    );
    expect(ended!.recording.channels).toEqual(['customer', 'assessor']);
    const stopAgain = await api(t, `/api/calls/${live.callSid}/recording/stop`, undefined, t.admin);
    expect(stopAgain).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });

    const deleted = await api(t, `/api/calls/${live.callSid}/recording`, undefined, t.admin, 'DELETE');
    expect(deleted.status).toBe(200);
    expect(deleted.body!.call.recording.state).toBe('deleted');
    const jobs = await t.server.db.query<{ dedupe_key: string }>(
      `SELECT dedupe_key FROM jobs WHERE kind = 'recording.twilio-delete'`,
    );
    expect(jobs.rows.map((r) => r.dedupe_key)).toContain(`twilio-delete:${result.recordings[0].sid}`);
    const audit = await t.server.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id`,
      [live.callSid],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['recording.stop', 'recording.delete']);
    // A late recording callback cannot bring the recording back.
    expect((await callDoc(t, live.callSid))!.recording.state).toBe('deleted');
  });
});
