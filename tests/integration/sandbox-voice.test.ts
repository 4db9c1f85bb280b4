import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeWav } from '../../sync-server/src/audio/wav';
import { startSandbox, WITHHELD_FROM, type RunningSandbox } from '../../sync-server/src/twilio-sandbox';
import { basic, rms, startTwimlApp, waitFor, xml, type TwimlApp } from './sandbox-helpers';

/**
 * The sandbox against a tiny TwiML application (not Ringside's server): it must behave as Twilio documents
 * for any correct application — signatures, TwiML execution, callbacks with Twilio's names, recordings.
 */

const POOL = '+447700900950';
const CUSTOMER = '+447700900123';
const ASSESSOR = '+447700900111';
const ANNOUNCEMENT = 'This call is being recorded for training and quality purposes.';

let app: TwimlApp;
let sandbox: RunningSandbox;

const dialTwiml = (record = 'record-from-answer-dual') =>
  `<Dial callerId="${POOL}" answerOnBridge="true" timeout="20" record="${record}" action="/twilio/dial-done" ` +
  `recordingStatusCallback="/twilio/recording" recordingStatusCallbackEvent="in-progress completed">` +
  `<Number url="/twilio/whisper" statusCallback="/twilio/leg" statusCallbackEvent="initiated ringing answered completed">${ASSESSOR}</Number></Dial>`;

function ringsideLikeRoutes() {
  app.routes['/twilio/voice'] = () =>
    xml(
      `<Gather numDigits="1" timeout="1" action="/twilio/opt-out"><Say language="en-GB">${ANNOUNCEMENT}</Say></Gather><Redirect>/twilio/connect</Redirect>`,
    );
  app.routes['/twilio/connect'] = () => xml(dialTwiml());
  app.routes['/twilio/opt-out'] = () =>
    xml(`<Say language="en-GB">This call will not be recorded.</Say>${dialTwiml('do-not-record')}`);
  app.routes['/twilio/whisper'] = () => xml(`<Say language="en-GB">${ANNOUNCEMENT}</Say>`);
  app.routes['/twilio/dial-done'] = (p) =>
    p.CallStatus === 'in-progress' ? xml('<Say>The other party has left the call. Goodbye.</Say><Hangup/>') : xml('');
}

beforeAll(async () => {
  app = await startTwimlApp(() => sandbox.authToken);
  sandbox = await startSandbox({ webhookBaseUrl: app.url, timing: 'virtual' });
});
afterAll(async () => {
  await sandbox?.close();
  await app?.close();
});
beforeEach(() => {
  app.hits.length = 0;
  for (const k of Object.keys(app.routes)) delete app.routes[k];
  ringsideLikeRoutes();
});

describe('Twilio sandbox: voice', () => {
  it('has its own account SID and auth token and signs every webhook so twilio.validateRequest accepts it', async () => {
    expect(sandbox.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(sandbox.authToken).toMatch(/^[0-9a-f]{32}$/);
    await sandbox.placeCall({ from: CUSTOMER, to: POOL, talkSec: 20 });
    expect(app.hits.length).toBeGreaterThanOrEqual(8);
    expect(app.hits.filter((h) => !h.signatureValid)).toEqual([]);
    // The same request does not verify under another token: the check is real.
    const h = app.hits[0];
    expect(
      twilio.validateRequest(
        '0'.repeat(32),
        twilio.getExpectedTwilioSignature(sandbox.authToken, h.url, h.params),
        h.url,
        h.params,
      ),
    ).toBe(false);
  });

  it('a connected call: voice webhook, announcement, whisper, leg progress, dial action and dual recording with Twilio parameter names', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callee: { ringSec: 7 },
      talkSec: 42,
      hangup: 'caller',
    });
    const voice = app.hitsTo('/twilio/voice')[0].params;
    expect(voice).toMatchObject({
      AccountSid: sandbox.accountSid,
      CallSid: result.callSid,
      From: CUSTOMER,
      To: POOL,
      Direction: 'inbound',
      CallStatus: 'ringing',
      ApiVersion: '2010-04-01',
    });
    expect(result.heard.caller.map((h) => h.text)).toContain(ANNOUNCEMENT);
    expect(result.heard.callee.map((h) => h.text)).toEqual([ANNOUNCEMENT]);

    const legs = app.hitsTo('/twilio/leg').map((h) => h.params);
    expect(legs.map((p) => p.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(legs.map((p) => p.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    const child = legs[3];
    expect(child).toMatchObject({
      ParentCallSid: result.callSid,
      From: POOL,
      To: ASSESSOR,
      Direction: 'outbound-dial',
      CallbackSource: 'call-progress-events',
    });
    expect(Number(child.CallDuration)).toBeGreaterThanOrEqual(42);
    // Timestamps are RFC 2822 and 7 s of ringing separate ringing from answered.
    expect(Date.parse(legs[2].Timestamp) - Date.parse(legs[1].Timestamp)).toBe(7000);

    const action = app.hitsTo('/twilio/dial-done')[0].params;
    expect(action).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: child.CallSid,
      DialBridged: 'true',
      CallStatus: 'completed',
    });
    expect(action.RecordingUrl).toMatch(
      new RegExp(`^${sandbox.url}/2010-04-01/Accounts/${sandbox.accountSid}/Recordings/RE[0-9a-f]{32}$`),
    );

    const recs = app.hitsTo('/twilio/recording').map((h) => h.params);
    expect(recs.map((p) => p.RecordingStatus)).toEqual(['in-progress', 'completed']);
    expect(recs[1]).toMatchObject({
      AccountSid: sandbox.accountSid,
      CallSid: result.callSid,
      RecordingSid: action.RecordingSid,
      RecordingUrl: action.RecordingUrl,
      RecordingChannels: '2',
      RecordingSource: 'DialVerb',
      RecordingDuration: '42',
    });
    expect(result).toMatchObject({
      status: 'completed',
      hungUpBy: 'caller',
      dials: [{ dialCallStatus: 'completed', bridged: true, ringSec: 7, talkSec: 42 }],
    });
  });

  it('the callee hanging up leaves the caller on the line: the dial action says in-progress and its TwiML runs', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      talkSec: 15,
      hangup: 'callee',
    });
    expect(app.hitsTo('/twilio/dial-done')[0].params.CallStatus).toBe('in-progress');
    expect(result.heard.caller.map((h) => h.text)).toContain('The other party has left the call. Goodbye.');
    expect(result.hungUpBy).toBe('application');
  });

  it('pressing the opt-out key during the announcement interrupts it and posts Digits to the gather action', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callerInput: [{ digits: '9', afterSec: 1.2 }],
      talkSec: 12,
    });
    const optOut = app.hitsTo('/twilio/opt-out');
    expect(optOut).toHaveLength(1);
    expect(optOut[0].params).toMatchObject({
      Digits: '9',
      CallSid: result.callSid,
      msg: 'Gather End',
    });
    expect(result.heard.caller.find((h) => h.text === ANNOUNCEMENT)?.interrupted).toBe(true);
    expect(result.heard.caller.map((h) => h.text)).toContain('This call will not be recorded.');
    expect(app.hitsTo('/twilio/connect')).toHaveLength(0);
    expect(result.recordings).toEqual([]);
    expect(app.hitsTo('/twilio/recording')).toHaveLength(0);
  });

  it('no key pressed: the gather times out and the call goes on to the next verb', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      talkSec: 12,
    });
    expect(app.hitsTo('/twilio/opt-out')).toHaveLength(0);
    expect(app.hitsTo('/twilio/connect')).toHaveLength(1);
    expect(result.recordings).toHaveLength(1);
  });

  it('an extension typed at a gather with numDigits is posted as soon as the last digit is pressed', async () => {
    app.routes['/twilio/voice'] = () =>
      xml(
        '<Gather numDigits="3" timeout="6" action="/twilio/extension"><Say>Please enter the extension.</Say></Gather><Say>No extension.</Say>',
      );
    app.routes['/twilio/extension'] = (p) => xml(`<Say>Extension ${p.Digits}</Say>`);
    const result = await sandbox.placeCall({
      from: ASSESSOR,
      to: POOL,
      callerInput: ['123'],
    });
    expect(app.hitsTo('/twilio/extension')[0].params.Digits).toBe('123');
    expect(result.heard.caller.map((h) => h.text)).toContain('Extension 123');
  });

  it('a finishOnKey ends the digits early and is reported in FinishedOnKey', async () => {
    app.routes['/twilio/voice'] = () =>
      xml('<Gather action="/twilio/extension"><Say>Extension then hash.</Say></Gather>');
    app.routes['/twilio/extension'] = () => xml('');
    await sandbox.placeCall({ from: ASSESSOR, to: POOL, callerInput: ['42#'] });
    expect(app.hitsTo('/twilio/extension')[0].params).toMatchObject({
      Digits: '42',
      FinishedOnKey: '#',
    });
  });

  it('an unanswered call ends with no-answer at the dial timeout, with no recording', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callee: { answer: false },
    });
    const legs = app.hitsTo('/twilio/leg').map((h) => h.params);
    expect(legs.map((p) => p.CallStatus)).toEqual(['initiated', 'ringing', 'no-answer']);
    expect(app.hitsTo('/twilio/dial-done')[0].params).toMatchObject({
      DialCallStatus: 'no-answer',
      DialBridged: 'false',
    });
    expect(app.hitsTo('/twilio/dial-done')[0].params.DialCallDuration).toBeUndefined();
    expect(result.dials[0]).toMatchObject({
      status: 'no-answer',
      ringSec: 19,
      bridged: false,
    });
    expect(result.recordings).toEqual([]);
  });

  it('a busy phone gives busy to the leg and the dial action', async () => {
    await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callee: { busy: true },
    });
    expect(app.hitsTo('/twilio/leg').map((h) => h.params.CallStatus)).toEqual(['initiated', 'busy']);
    expect(app.hitsTo('/twilio/dial-done')[0].params.DialCallStatus).toBe('busy');
  });

  it('a caller who gives up while it rings cancels the dialled leg; the dial action still reports, with CallStatus completed', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callee: { ringSec: 25 },
      callerPatienceSec: 12,
    });
    expect(app.hitsTo('/twilio/leg').at(-1)?.params.CallStatus).toBe('canceled');
    expect(app.hitsTo('/twilio/dial-done')[0].params).toMatchObject({
      DialCallStatus: 'canceled',
      CallStatus: 'completed',
    });
    expect(result).toMatchObject({ hungUpBy: 'caller', status: 'completed' });
  });

  it('a withheld caller arrives as Twilio anonymous From', async () => {
    await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      withheld: true,
      talkSec: 10,
    });
    expect(app.hitsTo('/twilio/voice')[0].params).toMatchObject({
      From: WITHHELD_FROM,
      Caller: WITHHELD_FROM,
    });
  });

  it('a whisper that hangs up declines the call: answered but never bridged', async () => {
    app.routes['/twilio/whisper'] = () =>
      xml('<Gather numDigits="1" action="/twilio/accept"><Say>Press 1 to accept.</Say></Gather><Hangup/>');
    const declined = await sandbox.placeCall({ from: CUSTOMER, to: POOL });
    expect(app.hitsTo('/twilio/dial-done')[0].params).toMatchObject({
      DialCallStatus: 'completed',
      DialBridged: 'false',
    });
    expect(declined.recordings).toEqual([]);
    app.hits.length = 0;
    app.routes['/twilio/accept'] = () => xml('');
    const accepted = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callee: { input: ['1'] },
      talkSec: 10,
    });
    expect(app.hitsTo('/twilio/accept')[0].params).toMatchObject({
      Digits: '1',
      Direction: 'outbound-dial',
    });
    expect(accepted.dials[0].bridged).toBe(true);
  });

  it('a called party can hear the whole whisper notice before pressing a key (afterPrompts)', async () => {
    app.routes['/twilio/whisper'] = () =>
      xml(
        '<Gather numDigits="1" action="/twilio/accept"><Say>This call is recorded.</Say><Say>Press 9 to opt out.</Say></Gather>',
      );
    app.routes['/twilio/accept'] = () => xml('<Say>You have opted out.</Say>');
    const early = await sandbox.placeCall({ from: CUSTOMER, to: POOL, callee: { input: ['9'] }, talkSec: 5 });
    // A bare key is pressed half a second in: the notice is cut short and the prompt never heard.
    expect(early.heard.callee.map((h) => [h.text, h.interrupted])).toEqual([
      ['This call is recorded.', true],
      ['You have opted out.', false],
    ]);
    app.hits.length = 0;
    const late = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      callee: { input: [{ digits: '9', afterPrompts: true }] },
      talkSec: 5,
    });
    expect(late.heard.callee.map((h) => [h.text, h.interrupted])).toEqual([
      ['This call is recorded.', false],
      ['Press 9 to opt out.', false],
      ['You have opted out.', false],
    ]);
    expect(app.hitsTo('/twilio/accept')[0].params).toMatchObject({ Digits: '9' });
    expect(late.dials[0].bridged).toBe(true);
  });

  it('virtual timing backdates a call: Timestamps and X-Sandbox-Virtual-Time follow the scenario start', async () => {
    const at = Date.UTC(2026, 0, 5, 9, 30, 0);
    await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      at,
      talkSec: 30,
      callee: { ringSec: 4 },
    });
    const legs = app.hitsTo('/twilio/leg').map((h) => h.params);
    expect(Date.parse(legs[0].Timestamp)).toBeGreaterThanOrEqual(at);
    expect(Date.parse(legs.at(-1)!.Timestamp)).toBeLessThan(at + 120_000);
    expect(app.hitsTo('/twilio/voice')[0].headers.virtualTime).toBe(new Date(at).toISOString());
  });

  it('an application error (500, or not XML) ends the call with Twilio error codes in the warnings', async () => {
    app.routes['/twilio/voice'] = () => ({
      status: 500,
      body: 'oops',
      type: 'text/plain',
    });
    const failed = await sandbox.placeCall({ from: CUSTOMER, to: POOL });
    expect(failed.warnings.map((w) => w.code)).toContain(11200);
    expect(failed.heard.caller.at(-1)?.text).toMatch(/application error/);
    app.routes['/twilio/voice'] = () => ({
      body: '<Response><Say>unclosed</Response>',
    });
    const broken = await sandbox.placeCall({ from: CUSTOMER, to: POOL });
    expect(broken.warnings.map((w) => w.code)).toContain(12100);
  });

  it('reports TwiML attributes Twilio does not define (statusCallback belongs on <Number>, not <Dial>)', async () => {
    app.routes['/twilio/voice'] = () =>
      xml(`<Dial statusCallback="/x" callerId="${POOL}"><Number>${ASSESSOR}</Number></Dial>`);
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      talkSec: 5,
    });
    expect(result.warnings.some((w) => w.code === 12200 && w.message.includes('statusCallback'))).toBe(true);
  });

  it('<Record> takes a voicemail and the action gets RecordingUrl, RecordingDuration and Digits=hangup', async () => {
    app.routes['/twilio/voice'] = () =>
      xml(
        '<Say>Please leave a message.</Say><Record maxLength="60" action="/twilio/voicemail" recordingStatusCallback="/twilio/recording"/>',
      );
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      voicemail: { text: 'Hello, please call me back about the boiler.' },
    });
    const action = app.hitsTo('/twilio/voicemail')[0].params;
    expect(action).toMatchObject({
      Digits: 'hangup',
      RecordingSid: result.recordings[0].sid,
    });
    expect(Number(action.RecordingDuration)).toBeGreaterThanOrEqual(2);
    expect(app.hitsTo('/twilio/recording')[0].params).toMatchObject({
      RecordingSource: 'RecordVerb',
      RecordingChannels: '1',
      RecordingStatus: 'completed',
    });
  });
});

describe('Twilio sandbox: callback delivery on purpose', () => {
  it('duplicate=1 delivers every status callback twice with the same idempotency token', async () => {
    await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      talkSec: 10,
      callbacks: { duplicate: 1, seed: 7 },
    });
    const legs = app.hitsTo('/twilio/leg');
    expect(legs).toHaveLength(8);
    const tokens = legs.map((h) => h.headers.idempotency);
    expect(new Set(tokens).size).toBe(4);
    // The dial action steers the call, so it is never duplicated.
    expect(app.hitsTo('/twilio/dial-done')).toHaveLength(1);
  });

  it('reorder delivers the same callbacks in another order after the call, reproducibly for a seed', async () => {
    const orders: string[][] = [];
    for (let i = 0; i < 2; i++) {
      app.hits.length = 0;
      await sandbox.placeCall({
        from: CUSTOMER,
        to: POOL,
        talkSec: 10,
        callbacks: { reorder: true, seed: 42 },
      });
      const cbs = app.hits.filter((h) => h.path === '/twilio/leg' || h.path === '/twilio/recording');
      orders.push(cbs.map((h) => `${h.path}:${h.params.CallStatus ?? h.params.RecordingStatus}`));
      // Held back until the call ended: every one arrives after the dial action.
      const actionAt = app.hits.findIndex((h) => h.path === '/twilio/dial-done');
      expect(app.hits.findIndex((h) => h.path === '/twilio/leg')).toBeGreaterThan(actionAt);
    }
    expect(orders[0]).toEqual(orders[1]);
    expect([...orders[0]].sort()).toEqual([
      '/twilio/leg:completed',
      '/twilio/leg:in-progress',
      '/twilio/leg:initiated',
      '/twilio/leg:ringing',
      '/twilio/recording:completed',
      '/twilio/recording:in-progress',
    ]);
    expect(orders[0]).not.toEqual([
      '/twilio/leg:initiated',
      '/twilio/leg:ringing',
      '/twilio/leg:in-progress',
      '/twilio/recording:in-progress',
      '/twilio/leg:completed',
      '/twilio/recording:completed',
    ]);
  });
});

describe('Twilio sandbox: recordings', () => {
  it('serves a dual-channel 8 kHz WAV of synthesised speech: caller on channel 1, callee on channel 2, behind basic auth', async () => {
    const result = await sandbox.placeCall({
      from: CUSTOMER,
      to: POOL,
      conversation: 'customer-booked',
      roles: { caller: 'customer', callee: 'assessor' },
      service: 'boiler',
    });
    const rec = result.recordings[0];
    const noAuth = await fetch(`${rec.url}.wav`);
    expect(noAuth.status).toBe(401);
    expect((await noAuth.json()).code).toBe(20003);
    const auth = {
      headers: { authorization: basic(sandbox.accountSid, sandbox.authToken) },
    };
    const res = await fetch(`${rec.url}.wav`, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/x-wav');
    const wav = decodeWav(Buffer.from(await res.arrayBuffer()));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.channels).toHaveLength(2);
    expect(Math.abs(wav.channels[0].length / 8000 - (rec.duration ?? 0))).toBeLessThan(1);

    const transcript = await (await fetch(`${sandbox.url}/sandbox/transcripts/${rec.sid}.json`, auth)).json();
    expect(transcript.sandbox).toBe(true);
    expect(transcript.segments[0]).toMatchObject({
      speaker: 'customer',
      channel: 1,
    });
    expect(transcript.segments[0].text).toContain('boiler repair');
    // Speech is where the script says: each speaker's channel is loud during their lines, the other quiet.
    for (const s of transcript.segments as Array<{
      channel: 1 | 2;
      start: number;
      end: number;
    }>) {
      const own = rms(wav.channels[s.channel - 1], s.start, s.end);
      const other = rms(wav.channels[2 - s.channel], s.start, s.end);
      expect(own).toBeGreaterThan(500);
      expect(own).toBeGreaterThan(other * 5);
    }
    // The two voices differ.
    expect(transcript.segments.some((s: { channel: number }) => s.channel === 2)).toBe(true);

    const mp3 = await fetch(`${rec.url}.mp3`, auth);
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = Buffer.from(await mp3.arrayBuffer());
    expect(bytes[0]).toBe(0xff);
    expect(bytes[1] & 0xe0).toBe(0xe0);
    // 32 kbit/s: about 4 kB a second.
    expect(bytes.length / 4000).toBeGreaterThan((rec.duration ?? 0) * 0.7);

    const mono = decodeWav(Buffer.from(await (await fetch(`${rec.url}.wav?RequestedChannels=1`, auth)).arrayBuffer()));
    expect(mono.channels).toHaveLength(1);
    const range = await fetch(`${rec.url}.wav`, {
      headers: { ...auth.headers, range: 'bytes=0-43' },
    });
    expect(range.status).toBe(206);
  });

  it('an admin stops recording on a live call: the recording ends then and its completed callback carries the shorter duration', async () => {
    // Real time, so the call is live while the admin acts; no announcements, so it connects within a second.
    app.routes['/twilio/voice'] = () => xml(dialTwiml());
    app.routes['/twilio/whisper'] = () => xml('');
    const sb = await startSandbox({ webhookBaseUrl: app.url, timing: 'real' });
    try {
      const call = sb.startCall({
        from: CUSTOMER,
        to: POOL,
        talkSec: 'manual',
        callee: { ringSec: 0 },
        conversation: 'assessor-callback',
      });
      await Promise.race([call.whenBridged, call.result]);
      const recSid = await waitFor(
        () =>
          app.hitsTo('/twilio/recording').find((h) => h.params.RecordingStatus === 'in-progress')?.params.RecordingSid,
        10_000,
        'the recording in-progress callback',
      );
      expect(recSid).toMatch(/^RE/);
      const auth = basic(sb.accountSid, sb.authToken);
      const stop = await fetch(
        `${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Calls/${call.callSid}/Recordings/Twilio.CURRENT.json`,
        {
          method: 'POST',
          headers: {
            authorization: auth,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'Status=stopped',
        },
      );
      expect(stop.status).toBe(200);
      expect((await stop.json()).status).toBe('stopped');
      // The call itself goes on; end it through the REST API as an admin would.
      const end = await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Calls/${call.callSid}.json`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'Status=completed',
      });
      expect(end.status).toBe(200);
      const result = await call.result;
      expect(result.hungUpBy).toBe('api');
      const completed = app.hitsTo('/twilio/recording').filter((h) => h.params.RecordingStatus === 'completed');
      expect(completed).toHaveLength(1);
      expect(completed[0].params.RecordingSid).toBe(recSid);
      const fetched = await (
        await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Recordings/${recSid}.json`, {
          headers: { authorization: auth },
        })
      ).json();
      expect(fetched).toMatchObject({
        status: 'completed',
        duration: completed[0].params.RecordingDuration,
        source: 'DialVerb',
        channels: 2,
        call_sid: call.callSid,
      });

      const del = await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Recordings/${recSid}.json`, {
        method: 'DELETE',
        headers: { authorization: auth },
      });
      expect(del.status).toBe(204);
      expect(
        (
          await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Recordings/${recSid}.wav`, {
            headers: { authorization: auth },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await fetch(`${sb.url}/2010-04-01/Accounts/${sb.accountSid}/Recordings/${recSid}.json`, {
            method: 'DELETE',
            headers: { authorization: auth },
          })
        ).status,
      ).toBe(404);
    } finally {
      await sb.close();
    }
  });
});
