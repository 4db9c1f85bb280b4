import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLIES } from '../../sync-server/src/twilio/sms';
import {
  addAssessor,
  addLead,
  addNumbers,
  messageDocs,
  startTelephony,
  until,
  type LeadOut,
  type Telephony,
} from './voice-setup';

/** Texts end to end: the sandbox's phones text pool numbers; the server relays through the sandbox's REST API. */
const CUSTOMER = '+447700900131';
const ASSESSOR = '+447700900141';
let t: Telephony;
let lead: LeadOut;
let P: string;

beforeAll(async () => {
  // No room to buy (shared/pool P12), so the assessor's sessions share these two numbers.
  t = await startTelephony({ POOL_MONTHLY_BUDGET_PENCE: '200' });
  await addNumbers(t, ['+447700900811', '+447700900812']);
  await addAssessor(t, 'asr-sms', 'Dan Price', ASSESSOR);
  lead = await addLead(t, 'sms-lead', { name: 'John Smith', phone: CUSTOMER }, ['asr-sms']);
  P = lead.assignments[0].poolNumber;
});
afterAll(async () => {
  await t?.close();
});

const inbox = (phone: string) => t.sandbox.phones.inbox(phone);
const relay = () => t.server.ctx.jobs.drain(['sms.relay']);

describe('SMS through the pool', () => {
  it('customer → assessor: relayed from the pool number with the customer named, delivery status logged', async () => {
    const sent = await t.sandbox.sendSms({ from: CUSTOMER, to: P, body: 'Hi, is Tuesday OK?' });
    expect(sent.replies).toEqual([]);
    expect(await relay()).toBe(1);
    const got = await until(
      async () => inbox(ASSESSOR),
      (box) => box.length === 1,
    );
    expect(got[0]).toMatchObject({ from: P });
    expect(got[0].body).toMatch(/^John Smith \(ext \d{3}\): Hi, is Tuesday OK\?$/);
    const doc = await until(
      () => messageDocs(t),
      (docs) => docs.some((d) => d.id === sent.messageSid && d.status === 'delivered'),
    );
    expect(doc.find((d) => d.id === sent.messageSid)).toMatchObject({
      leadId: lead.id,
      direction: 'customer_to_assessor',
      poolNumber: P,
      body: 'Hi, is Tuesday OK?',
      mediaCount: 0,
    });
  });

  it('assessor → customer: relayed from the pool number the customer knows', async () => {
    const sent = await t.sandbox.sendSms({ from: ASSESSOR, to: P, body: 'Tuesday at 10 works.' });
    await relay();
    const got = await until(
      async () => inbox(CUSTOMER),
      (box) => box.length === 1,
    );
    expect(got[0]).toMatchObject({ from: P, body: 'Tuesday at 10 works.' });
    await until(
      () => messageDocs(t),
      (docs) =>
        docs.some(
          (d) => d.id === sent.messageSid && d.direction === 'assessor_to_customer' && d.status === 'delivered',
        ),
    );
  });

  it('a retried webhook for the same message relays it once', async () => {
    const before = inbox(ASSESSOR).length;
    const sent = await t.sandbox.sendSms({ from: CUSTOMER, to: P, body: 'Once only', callbacks: { duplicate: 1 } });
    await relay();
    await until(
      async () => inbox(ASSESSOR),
      (box) => box.length === before + 1,
    );
    const { rows } = await t.server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE id = $1', [
      sent.messageSid,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('STOP suppresses texts to that phone from every pool number; START lifts it', async () => {
    const stop = await t.sandbox.sendSms({ from: CUSTOMER, to: P, body: 'STOP' });
    expect(stop.replies.map((r) => r.body)).toEqual([REPLIES.stopped]);
    expect(inbox(ASSESSOR).map((m) => m.body)).not.toContain('John Smith: STOP');
    const blocked = await t.sandbox.sendSms({ from: ASSESSOR, to: P, body: 'Are you there?' });
    expect(blocked.replies.map((r) => r.body)).toEqual([REPLIES.suppressed]);
    expect(await relay()).toBe(0);
    expect(inbox(CUSTOMER).map((m) => m.body)).not.toContain('Are you there?');
    expect((await messageDocs(t)).find((d) => d.id === blocked.messageSid)?.status).toBe('suppressed');
    const start = await t.sandbox.sendSms({ from: CUSTOMER, to: P, body: 'start' });
    expect(start.replies.map((r) => r.body)).toEqual([REPLIES.started]);
    await t.sandbox.sendSms({ from: ASSESSOR, to: P, body: 'Welcome back' });
    await relay();
    await until(
      async () => inbox(CUSTOMER),
      (box) => box.some((m) => m.body === 'Welcome back'),
    );
    expect(inbox(CUSTOMER).map((m) => m.body)).not.toContain('Are you there?');
  });

  it('refuses a picture with a clear reply, and passes on the text that came with one', async () => {
    const pic = await t.sandbox.sendSms({
      from: CUSTOMER,
      to: P,
      body: '',
      mediaUrls: ['https://example.com/boiler.jpg'],
    });
    expect(pic.replies.map((r) => r.body)).toEqual([REPLIES.mediaRefused]);
    expect((await messageDocs(t)).find((d) => d.id === pic.messageSid)).toMatchObject({
      status: 'refused',
      mediaCount: 1,
    });
    const before = inbox(ASSESSOR).length;
    const both = await t.sandbox.sendSms({
      from: CUSTOMER,
      to: P,
      body: 'Photo of the boiler',
      mediaUrls: ['https://example.com/boiler.jpg'],
    });
    expect(both.replies.map((r) => r.body)).toEqual([REPLIES.mediaDropped]);
    await relay();
    const got = await until(
      async () => inbox(ASSESSOR),
      (box) => box.length === before + 1,
    );
    expect(got.at(-1)).toMatchObject({ mediaUrls: [] });
    expect(got.at(-1)?.body).toMatch(/^John Smith \(ext \d{3}\): Photo of the boiler$/);
  });

  it('a text from a phone outside any session is answered and not passed on', async () => {
    const stray = await t.sandbox.sendSms({ from: '+447700900150', to: P, body: 'Hello?' });
    expect(stray.replies.map((r) => r.body)).toEqual([REPLIES.noSession]);
    expect(await relay()).toBe(0);
  });

  it('an assessor on a shared number starts the text with the extension; without it the text is held back', async () => {
    // Three more customers for the same assessor on two numbers: some sessions carry extensions.
    const more: LeadOut[] = [];
    for (let i = 0; i < 3; i++)
      more.push(await addLead(t, `sms-more-${i}`, { name: `Cust ${i}`, phone: `+44770090016${i}` }, ['asr-sms']));
    // A number on which two of the assessor's sessions are recent (shared/pool P10): genuinely ambiguous.
    const shared = await t.server.db.query<{ pool_number: string }>(
      'SELECT pool_number FROM pool_sessions WHERE assessor_phone = $1 GROUP BY pool_number HAVING count(*) > 1',
      [ASSESSOR],
    );
    const sharedNumbers = new Set(shared.rows.map((r) => r.pool_number));
    const a = more
      .map((l, i) => ({ ...l.assignments[0], phone: `+44770090016${i}` }))
      .find((x) => x.extension && sharedNumbers.has(x.poolNumber))!;
    expect(a).toBeDefined();
    const held = await t.sandbox.sendSms({ from: ASSESSOR, to: a.poolNumber, body: 'On my way' });
    expect(held.replies.map((r) => r.body)).toEqual([REPLIES.needsExtension]);
    expect(await relay()).toBe(0);
    await t.sandbox.sendSms({ from: ASSESSOR, to: a.poolNumber, body: `${a.extension} On my way` });
    await relay();
    const got = await until(
      async () => inbox(a.phone),
      (box) => box.length === 1,
    );
    expect(got[0]).toMatchObject({ from: a.poolNumber, body: 'On my way' });
  });
});
