import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldCall,
  mergeCallDoc,
  parseTwilioTimestamp,
  type CallEvent,
  type LegStatus,
  type RoutedInfo,
} from '../../shared/call-state';
import type { CallDoc } from '../../shared/schemas';

const T = Date.UTC(2026, 2, 3, 10, 0, 0);
const opts = { connectThresholdSec: 10 };

interface Scenario {
  direction: RoutedInfo['direction'];
  answered: boolean;
  unansweredStatus: 'busy' | 'no-answer' | 'failed' | 'canceled';
  ringSec: number;
  talkSec: number;
  callerHangsUp: boolean;
  recording: 'recorded' | 'opted-out' | 'stopped';
}

/** The callbacks Twilio sends for one masked call, in the order it usually sends them. */
function callbacks(s: Scenario): CallEvent[] {
  const routed: RoutedInfo = {
    sessionId: 's1',
    leadId: 'lead-1',
    assessorId: 'asr-1',
    direction: s.direction,
    district: 'W1',
    service: 'boiler',
  };
  const ev: CallEvent[] = [
    { type: 'created', at: T, poolNumber: '+447700900001', sandbox: true },
    { type: 'routed', at: T + 100, routed },
  ];
  if (s.recording === 'opted-out') ev.push({ type: 'not-recorded', at: T + 2000, reason: 'opted-out' });
  const leg = (status: LegStatus, at: number, durationSec: number | null, sequence: number): CallEvent => ({
    type: 'leg',
    at,
    legSid: 'CAchild',
    status,
    durationSec,
    sequence,
  });
  const dialAt = T + 4000;
  ev.push(leg('initiated', dialAt, null, 0), leg('ringing', dialAt + 1000, null, 1));
  const ringEnd = dialAt + 1000 + s.ringSec * 1000;
  if (s.answered) {
    const end = ringEnd + s.talkSec * 1000;
    ev.push(leg('in-progress', ringEnd, null, 2), leg('completed', end, s.talkSec, 3));
    ev.push({
      type: 'dial-action',
      at: end + 300,
      dialStatus: 'completed',
      dialDurationSec: s.talkSec,
      parentStatus: s.callerHangsUp ? 'completed' : 'in-progress',
    });
    ev.push({ type: 'parent', at: end + 500, status: 'completed', durationSec: Math.round((end + 500 - T) / 1000) });
    if (s.recording === 'stopped') ev.push({ type: 'recording-stopped', at: ringEnd + 1000 });
    if (s.recording !== 'opted-out') {
      ev.push({
        type: 'recording',
        at: ringEnd,
        recordingSid: 'RE1',
        status: 'in-progress',
        durationSec: null,
        channels: 2,
      });
      ev.push({
        type: 'recording',
        at: end + 800,
        recordingSid: 'RE1',
        status: 'completed',
        durationSec: s.talkSec,
        channels: 2,
      });
    }
  } else {
    ev.push(leg(s.unansweredStatus, ringEnd, 0, 2));
    ev.push({
      type: 'dial-action',
      at: ringEnd + 300,
      dialStatus: s.unansweredStatus,
      dialDurationSec: 0,
      parentStatus: 'in-progress',
    });
    ev.push({
      type: 'parent',
      at: ringEnd + 2000,
      status: 'completed',
      durationSec: Math.round((ringEnd + 2000 - T) / 1000),
    });
  }
  return ev;
}

/** What the call log must say, computed from the scenario rather than from the callbacks. */
function expected(s: Scenario): Partial<CallDoc> {
  const callerSide = s.direction === 'customer_to_assessor' ? 'customer' : 'assessor';
  const calleeSide = callerSide === 'customer' ? 'assessor' : 'customer';
  return {
    id: 'CAparent',
    leadId: 'lead-1',
    direction: s.direction,
    status: s.answered ? 'completed' : s.unansweredStatus,
    ringSeconds: s.ringSec,
    talkSeconds: s.answered ? s.talkSec : 0,
    connected: s.answered && s.talkSec >= 10,
    hungUpBy: s.answered ? (s.callerHangsUp ? callerSide : calleeSide) : null,
    startedAt: T,
    ringingAt: T + 5000,
  };
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  direction: fc.constantFrom('customer_to_assessor' as const, 'assessor_to_customer' as const),
  answered: fc.boolean(),
  unansweredStatus: fc.constantFrom('busy' as const, 'no-answer' as const, 'failed' as const, 'canceled' as const),
  ringSec: fc.integer({ min: 0, max: 60 }),
  talkSec: fc.integer({ min: 1, max: 1800 }),
  callerHangsUp: fc.boolean(),
  recording: fc.constantFrom('recorded' as const, 'opted-out' as const, 'stopped' as const),
});

/** Twilio's delivery: any order, some callbacks repeated (a retry of the same request may arrive later). */
const deliveryArb = (events: CallEvent[]) =>
  fc
    .tuple(
      fc.array(fc.record({ index: fc.nat(events.length - 1), delayMs: fc.integer({ min: 0, max: 30_000 }) }), {
        maxLength: 12,
      }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
        minLength: events.length * 2,
        maxLength: events.length * 2,
      }),
    )
    .map(([dups, keys]) => {
      // A retried dial action is stamped on arrival, so its copy carries a later time; others repeat verbatim.
      const copies = dups.map(({ index, delayMs }) => {
        const e = events[index];
        return e.type === 'dial-action' ? { ...e, at: e.at + delayMs } : e;
      });
      const all = [...events, ...copies];
      return all
        .map((e, i) => ({ e, k: keys[i % keys.length] + i * 1e-9 }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.e);
    });

describe('call state fold', () => {
  it('an answered call: talk and ring time, connected, who hung up, recording pending with caller on channel 1', () => {
    const s: Scenario = {
      direction: 'assessor_to_customer',
      answered: true,
      unansweredStatus: 'busy',
      ringSec: 7,
      talkSec: 95,
      callerHangsUp: false,
      recording: 'recorded',
    };
    const doc = foldCall('CAparent', callbacks(s), opts);
    expect(doc).toMatchObject(expected(s));
    expect(doc.recording).toEqual({
      state: 'pending',
      durationSec: 95,
      channels: ['assessor', 'customer'],
      storedAt: null,
    });
  });

  it('a short answered call is completed but not connected', () => {
    const s: Scenario = {
      direction: 'customer_to_assessor',
      answered: true,
      unansweredStatus: 'busy',
      ringSec: 3,
      talkSec: 9,
      callerHangsUp: true,
      recording: 'recorded',
    };
    expect(foldCall('CAparent', callbacks(s), opts)).toMatchObject({
      status: 'completed',
      talkSeconds: 9,
      connected: false,
      hungUpBy: 'customer',
    });
  });

  it('an opted-out call keeps no recording facts', () => {
    const s: Scenario = {
      direction: 'customer_to_assessor',
      answered: true,
      unansweredStatus: 'busy',
      ringSec: 3,
      talkSec: 40,
      callerHangsUp: true,
      recording: 'opted-out',
    };
    expect(foldCall('CAparent', callbacks(s), opts).recording).toEqual({
      state: 'opted_out',
      durationSec: null,
      channels: [],
      storedAt: null,
    });
  });

  it('a duplicate completed callback leaves talk time unchanged', () => {
    const s: Scenario = {
      direction: 'customer_to_assessor',
      answered: true,
      unansweredStatus: 'busy',
      ringSec: 3,
      talkSec: 40,
      callerHangsUp: true,
      recording: 'recorded',
    };
    const ev = callbacks(s);
    const completed = ev.find((e) => e.type === 'leg' && e.status === 'completed');
    expect(foldCall('CAparent', [...ev, completed!, completed!], opts).talkSeconds).toBe(40);
  });

  it('the recording state never moves backwards when the download job has already stored it', () => {
    const s: Scenario = {
      direction: 'customer_to_assessor',
      answered: true,
      unansweredStatus: 'busy',
      ringSec: 3,
      talkSec: 40,
      callerHangsUp: true,
      recording: 'recorded',
    };
    const first = mergeCallDoc(null, foldCall('CAparent', callbacks(s), opts), T + 99_000);
    const stored: CallDoc = {
      ...first,
      recording: { ...first.recording, state: 'stored', storedAt: T + 100_000 },
      reviewAssignee: 'rev-1',
    };
    const again = mergeCallDoc(stored, foldCall('CAparent', callbacks(s), opts), T + 200_000);
    expect(again.recording).toMatchObject({ state: 'stored', storedAt: T + 100_000 });
    expect(again.reviewAssignee).toBe('rev-1');
  });

  it('reads Twilio timestamps', () => {
    expect(parseTwilioTimestamp('Mon, 16 Aug 2010 03:45:01 +0000')).toBe(Date.UTC(2010, 7, 16, 3, 45, 1));
    expect(parseTwilioTimestamp('nonsense')).toBeNull();
  });

  it('property: realistic callback sequences in any order with duplicates give the same final document', () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((s) => fc.tuple(fc.constant(s), deliveryArb(callbacks(s)))),
        ([s, delivered]) => {
          const canonical = foldCall('CAparent', callbacks(s), opts);
          expect(canonical).toMatchObject(expected(s));
          expect(foldCall('CAparent', delivered, opts)).toEqual(canonical);
          // The server refolds after each callback and merges with what it stored: same end result.
          let doc: CallDoc | null = null;
          const seen: CallEvent[] = [];
          for (const e of delivered) {
            seen.push(e);
            doc = mergeCallDoc(doc, foldCall('CAparent', seen, opts), 0);
          }
          expect(doc).toEqual(mergeCallDoc(null, canonical, 0));
        },
      ),
      { numRuns: 400, seed: Number(process.env.CALL_STATE_SEED ?? 7) },
    );
  });
});
