import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadQuality } from '../../shared/lead-quality';
import { TERMINAL_STATUSES } from '../../shared/call-state';
import { CALL_STATUSES, MESSAGE_STATUSES, type CallDoc, type MessageDoc } from '../../shared/schemas';
import { callQualityKey, messageQualityKey } from '../../sync-server/src/leads/quality';
import { makeCall, makeMessage } from '../helpers/docs';

/**
 * The server skips recomputing a lead's quality when a callback leaves the call's (or text's) quality key
 * unchanged (sync-server/src/leads/quality.ts); a call counts once it has its final outcome. That is only
 * sound if the key holds everything leadQuality reads: replacing any ended call or any text of a lead by one
 * with the same key, whatever else differs, must give the same grade and evidence. Pure; kept next to the
 * server tests it guards.
 */
const ASSESSORS = ['as-1', 'as-2', 'as-3'];
const DIRECTIONS = ['customer_to_assessor', 'assessor_to_customer'] as const;
// Mostly assessors calling a quiet customer, so that the suspect rules (the subtle ones) are exercised often.
const directionArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(DIRECTIONS[1]) },
  { weight: 1, arbitrary: fc.constant(DIRECTIONS[0]) },
);

const callArb: fc.Arbitrary<CallDoc> = fc
  .record({
    assessorId: fc.constantFrom(...ASSESSORS),
    direction: directionArb,
    status: fc.constantFrom(...CALL_STATUSES),
    answeredAt: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null }),
    ringingAt: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null }),
    endedAt: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null }),
    startedAt: fc.integer({ min: 0, max: 1e9 }),
    ringSeconds: fc.integer({ min: 0, max: 60 }),
    talkSeconds: fc.integer({ min: 0, max: 900 }),
    connected: fc.boolean(),
    hungUpBy: fc.constantFrom('customer' as const, 'assessor' as const, null),
    id: fc.nat(),
  })
  .map((r) => makeCall({ ...r, id: `CA${r.id.toString(16)}`, leadId: 'lead-1' }));

const endedCallArb: fc.Arbitrary<CallDoc> = fc
  .tuple(callArb, fc.constantFrom(...TERMINAL_STATUSES))
  .map(([c, status]) => ({ ...c, status }));

const messageArb: fc.Arbitrary<MessageDoc> = fc
  .record({
    assessorId: fc.constantFrom(...ASSESSORS),
    direction: directionArb,
    status: fc.constantFrom(...MESSAGE_STATUSES),
    sentAt: fc.integer({ min: 0, max: 1e9 }),
    body: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    id: fc.nat(),
  })
  .map((r) => ({
    ...r,
    id: `SM${r.id.toString(16)}`,
    updatedAt: 0,
    leadId: 'lead-1',
    poolNumber: '+447700900001',
    mediaCount: 0,
    sandbox: true,
  }));

describe('lead quality keys', () => {
  it('an ended call replaced by any ended call with the same quality key leaves the grade and evidence unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(callArb, { maxLength: 5 }),
        fc.array(messageArb, { maxLength: 2 }),
        endedCallArb,
        endedCallArb,
        (calls, messages, a, b) => {
          fc.pre(callQualityKey(a) === callQualityKey(b));
          expect(leadQuality([...calls, b], messages)).toEqual(leadQuality([...calls, a], messages));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a text replaced by any text with the same quality key leaves the grade and evidence unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(callArb, { maxLength: 6 }),
        fc.array(messageArb, { maxLength: 6 }),
        messageArb,
        messageArb,
        (calls, messages, a, b) => {
          fc.pre(messageQualityKey(a) === messageQualityKey(b));
          expect(leadQuality(calls, [...messages, b])).toEqual(leadQuality(calls, [...messages, a]));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the keys tell apart what the grade does read (answered, failed, undeliverable, direction, assessor)', () => {
    const ended = makeCall({ status: 'no-answer', answeredAt: null, ringSeconds: 30 });
    const sameOutcome: CallDoc = { ...ended, status: 'busy', ringSeconds: 2, hungUpBy: 'assessor' };
    expect(callQualityKey(sameOutcome)).toBe(callQualityKey(ended));
    expect(callQualityKey({ ...ended, status: 'completed', answeredAt: 10 })).not.toBe(callQualityKey(ended));
    expect(callQualityKey({ ...ended, status: 'failed' })).not.toBe(callQualityKey(ended));
    expect(callQualityKey({ ...ended, direction: 'customer_to_assessor' })).not.toBe(callQualityKey(ended));
    expect(callQualityKey({ ...ended, assessorId: 'as-2' })).not.toBe(callQualityKey(ended));
    // A call without its outcome yet is not counted: every callback before the end leaves the key empty.
    for (const status of ['queued', 'ringing', 'in-progress'] as const) {
      expect(callQualityKey({ ...ended, status, answeredAt: status === 'in-progress' ? 10 : null })).toBe('');
    }
    expect(callQualityKey(null)).toBe('');
    expect(callQualityKey(ended)).not.toBe('');
    expect(messageQualityKey(makeMessage({ status: 'sent' }))).toBe(
      messageQualityKey(makeMessage({ status: 'delivered' })),
    );
    expect(messageQualityKey(makeMessage({ status: 'undelivered' }))).not.toBe(
      messageQualityKey(makeMessage({ status: 'sent' })),
    );
  });
});
