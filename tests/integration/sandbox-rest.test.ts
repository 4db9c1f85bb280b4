import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sync-server/src/twilio-sandbox';
import { basic, startTwimlApp, waitFor, xml, type TwimlApp } from './sandbox-helpers';

/** The sandbox's REST API and texts, driven by the official twilio client and by plain HTTP. */

const CUSTOMER = '+447700900123';
const ASSESSOR = '+447700900111';
const POOL = '+447700900950';

let app: TwimlApp;
let sandbox: RunningSandbox;
let client: twilio.Twilio;

const form = (body: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(body).toString(),
});

async function rest(path: string, init: { method?: string; body?: Record<string, string>; auth?: string } = {}) {
  const headers: Record<string, string> = { authorization: init.auth ?? basic(sandbox.accountSid, sandbox.authToken) };
  let body: string | undefined;
  if (init.body) {
    const f = form(init.body);
    headers['content-type'] = f['content-type'];
    body = f.body;
  }
  return fetch(`${sandbox.url}/2010-04-01/Accounts/${sandbox.accountSid}${path}`, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
}

beforeAll(async () => {
  app = await startTwimlApp(() => sandbox.authToken);
  sandbox = await startSandbox({ webhookBaseUrl: app.url, timing: 'virtual' });
  client = twilio(sandbox.accountSid, sandbox.authToken);
  // The official client talks to whatever base URL its API domain has.
  client.api.baseUrl = sandbox.url;
  sandbox.phones.set({ number: CUSTOMER, label: 'customer' });
  sandbox.phones.set({ number: ASSESSOR, label: 'assessor' });
});
afterAll(async () => {
  await sandbox?.close();
  await app?.close();
});
beforeEach(() => {
  app.hits.length = 0;
});

describe('Twilio sandbox: REST API', () => {
  it('refuses wrong credentials with 401 and Twilio error 20003, and another account with 404', async () => {
    const res = await rest('/Messages.json', {
      body: { To: CUSTOMER, From: POOL, Body: 'hi' },
      auth: basic(sandbox.accountSid, 'f'.repeat(32)),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await res.json()).toMatchObject({ code: 20003, message: 'Authenticate', status: 401 });
    const none = await fetch(`${sandbox.url}/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      method: 'POST',
    });
    expect(none.status).toBe(401);
    const other = await fetch(`${sandbox.url}/2010-04-01/Accounts/AC${'1'.repeat(32)}/Messages.json`, {
      headers: { authorization: basic(sandbox.accountSid, sandbox.authToken) },
    });
    expect(other.status).toBe(404);
  });

  it('sends an SMS created with the official twilio client and reports queued, sent, delivered to StatusCallback', async () => {
    const msg = await client.messages.create({
      to: CUSTOMER,
      from: POOL,
      body: 'Your assessor will call at 10.',
      statusCallback: `${app.url}/twilio/sms-status`,
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    expect(msg.numSegments).toBe('1');
    await sandbox.settled();
    const statuses = app.hitsTo('/twilio/sms-status');
    expect(statuses.map((h) => h.params.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
    expect(statuses.every((h) => h.signatureValid)).toBe(true);
    expect(statuses[2].params).toMatchObject({
      MessageSid: msg.sid,
      SmsSid: msg.sid,
      SmsStatus: 'delivered',
      From: POOL,
      To: CUSTOMER,
      AccountSid: sandbox.accountSid,
    });
    expect(sandbox.phones.inbox(CUSTOMER).at(-1)).toMatchObject({
      sid: msg.sid,
      from: POOL,
      body: 'Your assessor will call at 10.',
    });
    const fetched = await client.messages(msg.sid).fetch();
    expect(fetched.status).toBe('delivered');
  });

  it('an unreachable phone leaves the text undelivered with error 30003', async () => {
    sandbox.phones.set({ number: '+447700900321', unreachable: true });
    const res = await rest('/Messages.json', {
      body: { To: '+447700900321', From: POOL, Body: 'hello', StatusCallback: `${app.url}/twilio/sms-status` },
    });
    expect(res.status).toBe(201);
    await sandbox.settled();
    const last = app.hitsTo('/twilio/sms-status').at(-1)!.params;
    expect(last).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30003' });
  });

  it('validates a message like Twilio: 21604 without To, 21211 for a bad To, 21602 without a body; MMS gets an MM sid', async () => {
    expect((await (await rest('/Messages.json', { body: { From: POOL, Body: 'x' } })).json()).code).toBe(21604);
    expect(
      (await (await rest('/Messages.json', { body: { To: '07700 900123', From: POOL, Body: 'x' } })).json()).code,
    ).toBe(21211);
    expect((await (await rest('/Messages.json', { body: { To: CUSTOMER, From: POOL } })).json()).code).toBe(21602);
    const mms = await client.messages.create({
      to: CUSTOMER,
      from: POOL,
      mediaUrl: [`${sandbox.url}/sandbox/media/photo.png`],
    });
    expect(mms.sid).toMatch(/^MM/);
    expect(mms.numMedia).toBe('1');
  });

  it('searches GB mobile numbers, buys one with its URLs, lists, updates and releases it; sold numbers are not offered again', async () => {
    const found = await client
      .availablePhoneNumbers('GB')
      .mobile.list({ voiceEnabled: true, smsEnabled: true, limit: 3 });
    expect(found).toHaveLength(3);
    expect(found[0].phoneNumber).toMatch(/^\+447700900\d{3}$/);
    expect(found[0].capabilities).toMatchObject({ voice: true, SMS: true });
    const bought = await client.incomingPhoneNumbers.create({
      phoneNumber: found[0].phoneNumber,
      voiceUrl: `${app.url}/bought/voice`,
      smsUrl: `${app.url}/bought/sms`,
      statusCallback: `${app.url}/bought/status`,
    });
    expect(bought.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(bought.voiceUrl).toBe(`${app.url}/bought/voice`);
    const again = await rest('/IncomingPhoneNumbers.json', { body: { PhoneNumber: found[0].phoneNumber } });
    expect((await again.json()).code).toBe(21422);
    const next = await client.availablePhoneNumbers('GB').mobile.list({ limit: 3 });
    expect(next.map((n) => n.phoneNumber)).not.toContain(found[0].phoneNumber);

    // Calls to it go to its voice URL, and its StatusCallback gets the parent call's completed status.
    app.routes['/bought/voice'] = () => xml('<Say>Hello.</Say><Hangup/>');
    const call = await sandbox.placeCall({ from: CUSTOMER, to: found[0].phoneNumber });
    expect(app.hitsTo('/bought/voice')).toHaveLength(1);
    expect(app.hitsTo('/bought/status')[0].params).toMatchObject({
      CallSid: call.callSid,
      CallStatus: 'completed',
      CallbackSource: 'call-progress-events',
    });

    const listed = await client.incomingPhoneNumbers.list({ phoneNumber: found[0].phoneNumber });
    expect(listed.map((n) => n.sid)).toEqual([bought.sid]);
    const updated = await client.incomingPhoneNumbers(bought.sid).update({ smsUrl: `${app.url}/other/sms` });
    expect(updated.smsUrl).toBe(`${app.url}/other/sms`);
    await client.incomingPhoneNumbers(bought.sid).remove();
    expect((await rest(`/IncomingPhoneNumbers/${bought.sid}.json`)).status).toBe(404);
  });

  it('lists a number the account holds without buying it, so the application can point it at itself', async () => {
    const [n] = await client.incomingPhoneNumbers.list({ phoneNumber: '+447700900960' });
    expect(n.phoneNumber).toBe('+447700900960');
    await client.incomingPhoneNumbers(n.sid).update({ voiceUrl: `${app.url}/manual/voice` });
    app.routes['/manual/voice'] = () => xml('<Hangup/>');
    await sandbox.placeCall({ from: CUSTOMER, to: '+447700900960' });
    expect(app.hitsTo('/manual/voice')).toHaveLength(1);
  });

  it('answers the Call resource for the parent and the dialled leg', async () => {
    app.routes['/twilio/voice'] = () => xml(`<Dial callerId="${POOL}"><Number>${ASSESSOR}</Number></Dial>`);
    const call = await sandbox.placeCall({ from: CUSTOMER, to: POOL, talkSec: 33, callee: { ringSec: 3 } });
    const parent = await client.calls(call.callSid).fetch();
    expect(parent).toMatchObject({
      sid: call.callSid,
      status: 'completed',
      direction: 'inbound',
      from: CUSTOMER,
      to: POOL,
    });
    const child = await client.calls(call.dials[0].callSid!).fetch();
    expect(child).toMatchObject({
      parentCallSid: call.callSid,
      status: 'completed',
      direction: 'outbound-dial',
      to: ASSESSOR,
      duration: '33',
    });
    expect(sandbox.phones.callsTo(ASSESSOR).at(-1)).toMatchObject({ callSid: child.sid, answered: true });
  });
});

describe('Twilio sandbox: incoming texts', () => {
  it('posts Twilio incoming-message parameters, signed, and delivers the TwiML <Message> reply to the sender', async () => {
    app.routes['/twilio/sms'] = (p) =>
      xml(`<Message statusCallback="/twilio/reply-status">Got it: ${p.Body}</Message>`);
    const result = await sandbox.sendSms({ from: ASSESSOR, to: POOL, body: 'Running 10 minutes late' });
    const hit = app.hitsTo('/twilio/sms')[0];
    expect(hit.signatureValid).toBe(true);
    expect(hit.params).toMatchObject({
      MessageSid: result.messageSid,
      SmsSid: result.messageSid,
      SmsMessageSid: result.messageSid,
      AccountSid: sandbox.accountSid,
      From: ASSESSOR,
      To: POOL,
      Body: 'Running 10 minutes late',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
    expect(result.replies).toHaveLength(1);
    expect(sandbox.phones.inbox(ASSESSOR).at(-1)).toMatchObject({
      from: POOL,
      body: 'Got it: Running 10 minutes late',
    });
    expect(app.hitsTo('/twilio/reply-status').map((h) => h.params.MessageStatus)).toEqual([
      'queued',
      'sent',
      'delivered',
    ]);
  });

  it('an MMS carries NumMedia, MediaUrl0 and MediaContentType0', async () => {
    app.routes['/twilio/sms'] = () => xml('');
    await sandbox.sendSms({
      from: CUSTOMER,
      to: POOL,
      body: '',
      mediaUrls: [`${sandbox.url}/sandbox/media/boiler.png`],
    });
    expect(app.hitsTo('/twilio/sms')[0].params).toMatchObject({
      NumMedia: '1',
      MediaUrl0: `${sandbox.url}/sandbox/media/boiler.png`,
      MediaContentType0: 'image/png',
    });
    expect(app.hitsTo('/twilio/sms')[0].params.MessageSid).toMatch(/^MM/);
  });

  it('the control API places a call and a text for the CLI, behind the account credentials', async () => {
    app.routes['/twilio/voice'] = () => xml('<Say>Control.</Say>');
    const unauth = await fetch(`${sandbox.url}/sandbox/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unauth.status).toBe(401);
    const res = await fetch(`${sandbox.url}/sandbox/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(sandbox.accountSid, sandbox.authToken) },
      body: JSON.stringify({ from: CUSTOMER, to: POOL }),
    });
    const result = await res.json();
    expect(result.callSid).toMatch(/^CA/);
    expect(result.heard.caller[0].text).toBe('Control.');
    await waitFor(() => app.hitsTo('/twilio/voice').length === 1, 5000, 'the voice webhook');
  });
});

describe('Twilio sandbox: strict numbers', () => {
  it('with ownsAllNumbers off, calls to and texts from numbers the account does not own fail like Twilio', async () => {
    const strict = await startSandbox({ webhookBaseUrl: app.url, timing: 'virtual', ownsAllNumbers: false });
    try {
      const call = await strict.placeCall({ from: CUSTOMER, to: POOL });
      expect(call.status).toBe('failed');
      const res = await fetch(`${strict.url}/2010-04-01/Accounts/${strict.accountSid}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: basic(strict.accountSid, strict.authToken),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ To: CUSTOMER, From: POOL, Body: 'x' }).toString(),
      });
      expect(res.status).toBe(400);
      expect((await res.json()).code).toBe(21606);
    } finally {
      await strict.close();
    }
  });
});
