import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callDoc as makeCallDoc } from '../helpers/sync-docs';
import { ApiError } from '../../sync-server/src/http/errors';
import { assertStorable } from '../../sync-server/src/twilio/calls';
import { form, invalidDocuments, postSigned, sidOf, writtenCounts } from './signed-webhooks';
import { addAssessor, addLead, addNumbers, startTelephony, type LeadOut, type Telephony } from './voice-setup';

/**
 * Issue 9, items 5–7: signed webhooks that Twilio would never send. A valid signature proves who signed, not
 * that the values are sane; whatever a signed form carries, the answer is a 4xx with a stable code, nothing
 * is written, and every stored document stays valid against its collection schema.
 */
const CUSTOMER = '+447700900151';
const ASSESSOR = '+447700900161';
let t: Telephony;
let lead: LeadOut;
let P: string;

beforeAll(async () => {
  t = await startTelephony();
  await addNumbers(t, ['+447700900821', '+447700900822']);
  await addAssessor(t, 'asr-hard', 'Hal Hart', ASSESSOR);
  lead = await addLead(t, 'hard-lead', { name: 'Hana Hill', phone: CUSTOMER }, ['asr-hard']);
  P = lead.assignments[0].poolNumber;
});
afterAll(async () => {
  await t?.close();
});

describe('repeated parameters', () => {
  it('a signed text replayed with its MessageSid repeated is refused (400 DUPLICATE_PARAMETER): no second message, no relay job', async () => {
    const body = form({ MessageSid: sidOf('SM', 1), From: CUSTOMER, To: P, Body: 'Is Friday OK?', NumMedia: '0' });
    expect((await postSigned(t, '/twilio/sms', body)).status).toBe(200);
    const before = await writtenCounts(t.server.db);
    const replay = await postSigned(t, '/twilio/sms', `${body}&MessageSid=${sidOf('SM', 1)}`);
    expect([replay.status, replay.code]).toEqual([400, 'DUPLICATE_PARAMETER']);
    expect(await writtenCounts(t.server.db)).toEqual(before);
  });

  it('voice and status webhooks with a repeated key are refused (400 DUPLICATE_PARAMETER), not 500', async () => {
    const before = await writtenCounts(t.server.db);
    const sid = sidOf('CA', 0x51);
    for (const [path, body] of [
      ['/twilio/voice', `${form({ CallSid: sid, From: CUSTOMER, To: P })}&CallSid=${sid}`],
      ['/twilio/voice/status', `${form({ CallSid: sid, CallStatus: 'completed' })}&CallStatus=busy`],
      ['/twilio/voice/extension?attempt=1&attempt=2', form({ CallSid: sid, Digits: '1' })],
    ]) {
      const answer = await postSigned(t, path, body);
      expect([path, answer.status, answer.code]).toEqual([path, 400, 'DUPLICATE_PARAMETER']);
    }
    expect(await writtenCounts(t.server.db)).toEqual(before);
  });

  it('bracketed keys (CallSid[]=…) stay plain keys: no array reaches a handler', async () => {
    const answer = await postSigned(
      t,
      '/twilio/voice',
      `CallSid[]=${sidOf('CA', 0x52)}&To[0]=${encodeURIComponent(P)}`,
    );
    // No CallSid and no To: the caller is told something went wrong, as for any incomplete voice webhook.
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('something went wrong');
  });
});

describe('malformed forms', () => {
  it('more than 1,000 form parameters: 413 TOO_MANY_PARAMETERS', async () => {
    const body = Array.from({ length: 1001 }, (_, i) => `p${i}=${i}`).join('&');
    const answer = await postSigned(t, '/twilio/voice/status', body);
    expect([answer.status, answer.code]).toEqual([413, 'TOO_MANY_PARAMETERS']);
  });

  it('a NUL byte or a lone surrogate in a signed webhook: 400 VALIDATION_FAILED, nothing written', async () => {
    const before = await writtenCounts(t.server.db);
    for (const body of [
      `${form({ MessageSid: sidOf('SM', 2), From: CUSTOMER, To: P })}&Body=a%00b`,
      // A lone surrogate as a client that encodes it as WTF-8 sends it: not valid UTF-8, so the parser keeps the
      // percent-encoding as it is, which is valid text.
      `${form({ MessageSid: sidOf('SM', 3), From: CUSTOMER, To: P })}&Body=%ED%A0%80`,
    ]) {
      const answer = await postSigned(t, '/twilio/sms', body);
      if (body.includes('%00')) expect([answer.status, answer.code]).toEqual([400, 'VALIDATION_FAILED']);
      else expect(answer.status).toBeLessThan(500);
    }
    const after = await writtenCounts(t.server.db);
    expect(after.messages - before.messages).toBeLessThanOrEqual(1);
    expect(await invalidDocuments(t.server.db)).toEqual([]);
  });
});

describe('parameters that land in documents', () => {
  it.each([
    ['a CallSid that is not CA + 32 hex digits', '/twilio/voice', { CallSid: 'CAnot-a-sid', From: CUSTOMER, To: P }],
    ['a CallSid past 100 characters', '/twilio/voice', { CallSid: `CA${'9'.repeat(400)}`, From: CUSTOMER, To: P }],
    [
      'a pool number past 20 characters',
      '/twilio/voice',
      { CallSid: sidOf('CA', 0x61), From: CUSTOMER, To: `+44${'7'.repeat(30)}` },
    ],
    ['a pool number that is not E.164', '/twilio/voice', { CallSid: sidOf('CA', 0x62), From: CUSTOMER, To: 'pool' }],
    [
      'a MessageSid past 100 characters',
      '/twilio/sms',
      { MessageSid: `SM${'1'.repeat(500)}`, From: CUSTOMER, To: P, Body: 'x' },
    ],
    [
      'a text over 1,600 characters',
      '/twilio/sms',
      { MessageSid: sidOf('SM', 4), From: CUSTOMER, To: P, Body: 'x'.repeat(2001) },
    ],
    [
      'a duration past the schema bound',
      '/twilio/voice/status',
      { CallSid: sidOf('CA', 0x63), CallStatus: 'completed', CallDuration: '99999999999999999999' },
    ],
    [
      'a timestamp in the year 300000',
      '/twilio/voice/leg-status',
      {
        CallSid: sidOf('CA', 0x64),
        ParentCallSid: sidOf('CA', 0x63),
        CallStatus: 'ringing',
        Timestamp: 'Sat, 01 Jan 300000 00:00:00 +0000',
      },
    ],
    [
      'a recording SID of another kind',
      '/twilio/voice/recording',
      { CallSid: sidOf('CA', 0x63), RecordingSid: sidOf('CA', 0x65), RecordingStatus: 'completed' },
    ],
  ])('%s: 400 INVALID_WEBHOOK, nothing written', async (_label, path, params) => {
    const before = await writtenCounts(t.server.db);
    const answer = await postSigned(t, path, form(params as Record<string, string>));
    expect([answer.status, answer.code]).toEqual([400, 'INVALID_WEBHOOK']);
    expect(await writtenCounts(t.server.db)).toEqual(before);
  });

  it('a call document its schema refuses is never written, whatever produced it (the last check before the write)', () => {
    const doc = { ...makeCallDoc(sidOf('CA', 0x66)), poolNumber: `+44${'7'.repeat(30)}` };
    let refused: unknown = null;
    try {
      assertStorable('calls', [doc]);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'INVALID_WEBHOOK', field: 'poolNumber', status: 400 });
  });

  it('after a fuzz of signed webhook parameters every answer is below 500 and every stored document validates against its schema', async () => {
    const known = sidOf('CA', 0x70);
    // One real call the fuzz can aim at.
    expect((await postSigned(t, '/twilio/voice', form({ CallSid: known, From: CUSTOMER, To: P }))).status).toBe(200);
    const nasty = fc.constantFrom(
      '',
      known,
      sidOf('RE', 1),
      sidOf('SM', 9),
      P,
      CUSTOMER,
      '+44' + '7'.repeat(30),
      'CA' + '9'.repeat(200),
      '99999999999999999999',
      '-1',
      '1.5',
      'completed',
      'in-progress',
      'answered',
      'x'.repeat(3000),
      'Mon, 16 Aug 2010 03:45:01 +0000',
      'anonymous',
      'https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE1',
    );
    const keys = fc.constantFrom(
      ...['CallSid', 'ParentCallSid', 'From', 'To', 'CallStatus', 'CallDuration', 'Timestamp', 'SequenceNumber'],
      ...['Digits', 'DialCallStatus', 'DialCallDuration', 'RecordingSid', 'RecordingStatus', 'RecordingDuration'],
      ...['RecordingChannels', 'RecordingUrl', 'Body', 'MessageSid', 'NumMedia'],
    );
    const paths = [
      '/twilio/voice',
      '/twilio/voice/extension?attempt=1',
      '/twilio/voice/opt-out',
      '/twilio/voice/dial-action',
      '/twilio/voice/leg-status',
      '/twilio/voice/status',
      '/twilio/voice/recording',
      '/twilio/sms',
      `/twilio/sms/status?m=${sidOf('SM', 9)}`,
    ];
    const cases = fc.sample(
      fc.tuple(fc.nat(paths.length - 1), fc.dictionary(keys, nasty, { minKeys: 1, maxKeys: 8 })),
      { seed: 9_0007, numRuns: 180 },
    );
    const faults: string[] = [];
    for (const [i, params] of cases) {
      const answer = await postSigned(t, paths[i], form(params));
      if (answer.status >= 500 || (answer.status >= 400 && !answer.code))
        faults.push(`${paths[i]} ${JSON.stringify(params).slice(0, 200)} → ${answer.status} ${answer.code}`);
    }
    expect(faults).toEqual([]);
    expect(await invalidDocuments(t.server.db)).toEqual([]);
  });
});
