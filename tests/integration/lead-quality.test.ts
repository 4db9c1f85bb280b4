import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadDoc } from '../../shared/schemas';
import { refreshAllLeadQuality, refreshLeadQuality } from '../../sync-server/src/leads/quality';
import {
  addAssessor,
  addLead,
  addNumbers,
  callDoc,
  startTelephony,
  until,
  type LeadOut,
  type Telephony,
} from './voice-setup';

/**
 * Lead quality kept current by the server (docs/PRODUCT.md "Lead quality"), through the Twilio sandbox and
 * the real webhooks. The grade is written in the same transaction as the callback that gives a call its
 * outcome (or the text that changes it), so each check reads the stored lead right after the sandbox's last
 * callback was answered: no waiting.
 */
const POOL = ['+447700900851', '+447700900852', '+447700900853', '+447700900854'];
const ASSESSOR_A = '+447700900211';
const ASSESSOR_B = '+447700900212';

let t: Telephony;
let a: string;
let b: string;

beforeAll(async () => {
  t = await startTelephony();
  await addNumbers(t, POOL);
  a = await addAssessor(t, 'lq-a', 'Dan Price', ASSESSOR_A);
  b = await addAssessor(t, 'lq-b', 'Amy Lee', ASSESSOR_B);
});
afterAll(async () => {
  await t?.close();
});

async function stored(leadId: string): Promise<{ quality: LeadDoc['quality']; seq: number }> {
  const { rows } = await t.server.db.query<{ doc: LeadDoc; seq: number }>(
    `SELECT doc, seq FROM sync_documents WHERE collection = 'leads' AND id = $1`,
    [leadId],
  );
  return { quality: rows[0].doc.quality, seq: rows[0].seq };
}
const quality = async (leadId: string) => (await stored(leadId)).quality;
const poolOf = (lead: LeadOut, assessorId: string) =>
  lead.assignments.find((x) => x.assessorId === assessorId)!.poolNumber;

describe('lead quality through the sandbox', () => {
  it('a new lead is cold; calls move it to warm, then to hot when the customer calls a second assessor', async () => {
    const customer = '+447700900301';
    const lead = await addLead(t, 'lq-1', { name: 'Jane Doe', phone: customer }, [a, b]);
    expect(await quality(lead.id)).toEqual({ grade: 'cold', evidence: ['no contact attempted by anyone'] });

    const first = await t.sandbox.placeCall({ from: ASSESSOR_A, to: poolOf(lead, a), talkSec: 40 });
    expect((await callDoc(t, first.callSid))?.status).toBe('completed');
    expect(await quality(lead.id)).toEqual({ grade: 'warm', evidence: ['assessors called the customer 1 time(s)'] });

    await t.sandbox.placeCall({ from: customer, to: poolOf(lead, a), talkSec: 30 });
    expect(await quality(lead.id)).toEqual({
      grade: 'warm',
      evidence: ['customer called 1 assessor', 'assessors called the customer 1 time(s)'],
    });

    // Unanswered still counts: the customer chose to call a second assessor.
    await t.sandbox.placeCall({ from: customer, to: poolOf(lead, b), callee: { answer: false } });
    expect(await quality(lead.id)).toEqual({ grade: 'hot', evidence: ['customer called 2 assessors'] });
  });

  it('a customer who never answers makes the lead suspect, with the evidence listed', async () => {
    const customer = '+447700900302';
    const lead = await addLead(t, 'lq-2', { name: 'Sam Roe', phone: customer }, [a]);
    const P = poolOf(lead, a);
    await t.sandbox.placeCall({ from: ASSESSOR_A, to: P, callee: { answer: false } });
    await t.sandbox.placeCall({ from: ASSESSOR_A, to: P, callee: { busy: true } });
    // Two unanswered attempts are not yet evidence of a bad number.
    expect(await quality(lead.id)).toEqual({ grade: 'warm', evidence: ['assessors called the customer 2 time(s)'] });
    const third = await t.sandbox.placeCall({ from: ASSESSOR_A, to: P, callee: { answer: false } });
    expect((await callDoc(t, third.callSid))?.status).toBe('no-answer');
    expect(await quality(lead.id)).toEqual({
      grade: 'suspect',
      evidence: ['no calls or texts from the customer', '3 call(s) to the customer were never answered'],
    });

    // The customer answering a later call clears the suspicion.
    await t.sandbox.placeCall({ from: ASSESSOR_A, to: P, talkSec: 20 });
    expect(await quality(lead.id)).toEqual({ grade: 'warm', evidence: ['assessors called the customer 4 time(s)'] });
  });

  it('one call that cannot reach the customer (the number may be invalid) is enough for suspect', async () => {
    const lead = await addLead(t, 'lq-3', { name: 'Nora Field', phone: '+447700900303' }, [b]);
    const r = await t.sandbox.placeCall({ from: ASSESSOR_B, to: poolOf(lead, b), callee: { unreachable: true } });
    expect((await callDoc(t, r.callSid))?.status).toBe('failed');
    expect(await quality(lead.id)).toEqual({
      grade: 'suspect',
      evidence: [
        'no calls or texts from the customer',
        "1 call(s) to the customer's number failed (number may be invalid)",
      ],
    });
  });

  it('a text from the customer is engagement: the lead turns warm', async () => {
    const customer = '+447700900304';
    const lead = await addLead(t, 'lq-4', { name: 'Ola Hart', phone: customer }, [a]);
    await t.sandbox.sendSms({ from: customer, to: poolOf(lead, a), body: 'Is Friday possible?' });
    expect(await quality(lead.id)).toEqual({ grade: 'warm', evidence: ['customer sent 1 text(s)'] });
  });

  it('callbacks that change nothing the grade reads leave the lead document alone', async () => {
    const customer = '+447700900305';
    const lead = await addLead(t, 'lq-5', { name: 'Kit Moss', phone: customer }, [a]);
    await t.sandbox.placeCall({ from: customer, to: poolOf(lead, a), talkSec: 30 });
    const after = await stored(lead.id);
    // Every callback of this call delivered twice, in a shuffled order: same grade, one rewrite per change only.
    const again = await t.sandbox.placeCall({
      from: customer,
      to: poolOf(lead, a),
      talkSec: 30,
      callbacks: { duplicate: 1, reorder: true, seed: 3 },
    });
    expect(again.requests.filter((q) => q.duplicate).length).toBeGreaterThan(0);
    const next = await stored(lead.id);
    expect(next.quality).toEqual({ grade: 'warm', evidence: ['customer called 1 assessor'] });
    // The new call changed the lead once at most (its evidence did not change, so not at all).
    expect(next.seq).toBe(after.seq);
    // And recomputing with nothing new writes nothing.
    expect(await t.server.db.transaction((tx) => refreshLeadQuality(tx, [lead.id], Date.now()))).toEqual([]);
  });

  it('a call counts once it has its outcome: the voice webhook leaves the lead alone, the end of the call grades it', async () => {
    const customer = '+447700900307';
    const lead = await addLead(t, 'lq-7', { name: 'Remy Stone', phone: customer }, [a]);
    const before = await stored(lead.id);
    // Real time, so that the call is live while the lead is read.
    const live = t.sandbox.startCall({
      from: customer,
      to: poolOf(lead, a),
      talkSec: 'manual',
      timing: 'real',
      callee: { ringSec: 1 },
    });
    await live.whenBridged;
    await until(
      () => callDoc(t, live.callSid),
      (d) => d?.status === 'in-progress',
    );
    expect(await stored(lead.id)).toEqual(before);
    live.hangup('caller');
    await live.result;
    expect(await quality(lead.id)).toEqual({ grade: 'warm', evidence: ['customer called 1 assessor'] });
  });

  it('`refreshAllLeadQuality` restores the grade of leads stored without one', async () => {
    const lead = await addLead(t, 'lq-6', { name: 'Pia Lund', phone: '+447700900306' }, [b]);
    await t.sandbox.placeCall({ from: ASSESSOR_B, to: poolOf(lead, b), talkSec: 15 });
    const expected = await quality(lead.id);
    await t.server.db.query(
      `UPDATE sync_documents SET doc = jsonb_set(doc, '{quality}', 'null'::jsonb) WHERE collection = 'leads' AND id = $1`,
      [lead.id],
    );
    expect(await quality(lead.id)).toBeNull();
    const result = await refreshAllLeadQuality(t.server.db, Date.now);
    expect(result.changed).toBe(1);
    expect(await quality(lead.id)).toEqual(expected);
  });
});
