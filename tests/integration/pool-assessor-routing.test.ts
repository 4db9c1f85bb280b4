import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../shared/pool';
import { REPLIES } from '../../sync-server/src/twilio/sms';
import { EXTENSION_PROMPT, RECORDING_NOTICE } from '../../sync-server/src/twilio/voice';
import { addAssessor, addLead, addNumbers, startTelephony, until, type LeadOut, type Telephony } from './voice-setup';

/**
 * Issue 17: an assessor calling or texting a pool number is prompted for an extension only when the number
 * alone is ambiguous (shared/pool P3, P10). One pool number and no room to buy, so every session shares it.
 */
const P = '+447700900951';
const ASSESSOR = '+447700900961';
const CUSTOMERS = ['+447700900971', '+447700900972', '+447700900973'];

let t: Telephony;
const leads: LeadOut[] = [];

beforeAll(async () => {
  t = await startTelephony({ POOL_MONTHLY_BUDGET_PENCE: '100' });
  await addNumbers(t, [P]);
  await addAssessor(t, 'asr-recent', 'Rita Moss', ASSESSOR);
  for (let i = 0; i < CUSTOMERS.length; i++)
    leads.push(await addLead(t, `recent-${i}`, { name: `Customer ${i}`, phone: CUSTOMERS[i] }, ['asr-recent']));
});
afterAll(async () => {
  await t?.close();
});

const session = (i: number) => leads[i].assignments[0];

/** Moves a session's assignment and last interaction `days` back, as if it had been quiet since. */
async function age(i: number, days: number) {
  const at = Date.now() - days * DAY_MS;
  await t.server.db.query(
    'UPDATE pool_sessions SET created_at = $2, last_activity_at = $2 WHERE lead_id = $1 AND assessor_phone = $3',
    [leads[i].id, at, ASSESSOR],
  );
}

describe('an assessor calling a shared pool number', () => {
  it('every session shares the one number, each listed with an extension', () => {
    for (let i = 0; i < CUSTOMERS.length; i++) {
      expect(session(i).poolNumber).toBe(P);
      expect(session(i).extension).toMatch(/^\d{3}$/);
    }
  });

  it('with several recent sessions the number is ambiguous: asked for the extension (never "press 0"), keyed reaches that customer', async () => {
    const result = await t.sandbox.placeCall({
      from: ASSESSOR,
      to: P,
      callerInput: [`${session(1).extension}#`, null],
      talkSec: 5,
    });
    expect(result.heard.caller[0].text).toBe(EXTENSION_PROMPT);
    expect(EXTENSION_PROMPT).not.toMatch(/\b0\b|zero/i);
    expect(result.dials).toHaveLength(1);
    expect(result.dials[0]).toMatchObject({ to: CUSTOMERS[1], callerId: P, bridged: true });
  });

  it('with exactly one live and recent session, a bare call connects it at once, with the recording notice', async () => {
    await age(0, 5);
    await age(1, 5);
    const result = await t.sandbox.placeCall({ from: ASSESSOR, to: P, callerInput: [null], talkSec: 5 });
    expect(result.heard.caller.map((h) => h.text).join(' ')).not.toMatch(/extension/);
    expect(result.heard.caller[0].text).toContain(RECORDING_NOTICE);
    expect(result.dials).toHaveLength(1);
    expect(result.dials[0]).toMatchObject({ to: CUSTOMERS[2], callerId: P, bridged: true });
    const { rows } = await t.server.db.query<{ lead_id: string }>(
      'SELECT s.lead_id FROM calls c JOIN pool_sessions s ON s.id = c.session_id WHERE c.call_sid = $1',
      [result.callSid],
    );
    expect(rows[0].lead_id).toBe(leads[2].id);
  });

  it("a customer's missed call makes their session recent again: the bare call is ambiguous, so the extension is asked", async () => {
    const missed = await t.sandbox.placeCall({
      from: CUSTOMERS[0],
      to: P,
      callee: { answer: false },
    });
    expect(missed.dials[0]).toMatchObject({ to: ASSESSOR });
    const result = await t.sandbox.placeCall({
      from: ASSESSOR,
      to: P,
      callerInput: [`${session(0).extension}#`, null],
      talkSec: 5,
    });
    expect(result.heard.caller[0].text).toBe(EXTENSION_PROMPT);
    expect(result.dials[0]).toMatchObject({ to: CUSTOMERS[0], bridged: true });
  });

  it('a listing without an extension (made before every session had one) is connected at once, never prompted', async () => {
    await t.server.db.query('UPDATE pool_sessions SET extension = NULL WHERE lead_id = $1', [leads[1].id]);
    const result = await t.sandbox.placeCall({ from: ASSESSOR, to: P, callerInput: [null], talkSec: 5 });
    expect(result.heard.caller.map((h) => h.text).join(' ')).not.toMatch(/extension/);
    expect(result.dials[0]).toMatchObject({ to: CUSTOMERS[1], bridged: true });
    await t.server.db.query('UPDATE pool_sessions SET extension = $2 WHERE lead_id = $1', [
      leads[1].id,
      session(1).extension,
    ]);
  });
});

describe('an assessor texting a shared pool number', () => {
  const inbox = (phone: string) => t.sandbox.phones.inbox(phone);
  const relay = () => t.server.ctx.jobs.drain(['sms.relay']);

  it('with two recent sessions a bare text is held back with a one-line request; a leading extension picks the customer', async () => {
    // sessions 0 (missed call above) and 2 are recent
    const held = await t.sandbox.sendSms({ from: ASSESSOR, to: P, body: 'On my way' });
    expect(held.replies.map((r) => r.body)).toEqual([REPLIES.needsExtension]);
    expect(REPLIES.needsExtension).not.toMatch(/\b0\b/);
    expect(await relay()).toBe(0);
    await t.sandbox.sendSms({ from: ASSESSOR, to: P, body: `${session(2).extension} On my way` });
    expect(await relay()).toBe(1);
    const got = await until(
      async () => inbox(CUSTOMERS[2]),
      (box) => box.length === 1,
    );
    expect(got[0]).toMatchObject({ from: P, body: 'On my way' });
  });

  it('with exactly one recent session a bare text reaches that customer without asking', async () => {
    await age(0, 5);
    await age(1, 5);
    const before = (await inbox(CUSTOMERS[2])).length;
    const sent = await t.sandbox.sendSms({ from: ASSESSOR, to: P, body: 'Running 10 minutes late' });
    expect(sent.replies).toEqual([]);
    expect(await relay()).toBe(1);
    const got = await until(
      async () => inbox(CUSTOMERS[2]),
      (box) => box.length === before + 1,
    );
    expect(got.at(-1)).toMatchObject({ from: P, body: 'Running 10 minutes late' });
    expect(await inbox(CUSTOMERS[0])).toHaveLength(0);
    expect(await inbox(CUSTOMERS[1])).toHaveLength(0);
  });
});
