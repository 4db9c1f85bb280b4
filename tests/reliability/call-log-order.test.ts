import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldCall, mergeCallDoc, type CallEvent } from '../../shared/call-state';
import type { CallDoc } from '../../shared/schemas';
import {
  addAssessor,
  addLead,
  addNumbers,
  callDoc,
  startTelephony,
  type LeadOut,
  type Telephony,
} from '../integration/voice-setup';
import { fmt, PROBE_TIMEOUT, report, scaled } from './size';
import { formBody, signedForm } from './twilio-sign';
import { seededRandom } from '../../shared/random';

/**
 * The order-proof call log (issue 9, C1/C2 of shared/call-state.ts) under load: many calls, each a realistic
 * set of Twilio callbacks (voice webhook, the dialled leg's statuses, the Dial action, the parent's status,
 * the recording), signed with the real Twilio signature, delivered with ~20 % of callbacks displaced and ~8 %
 * sent twice — the voice webhook itself sometimes after the parent call's early status callback. Every call's
 * stored document must equal the fold of its callbacks in their true order.
 *
 * The server's clock is held still for the run: events without a Twilio Timestamp (voice webhook, Dial action,
 * recording) take the server's time, so with a moving clock the arrival order would legitimately change them.
 */
const CALLS = scaled(200);
const IN_FLIGHT = 8;
const SEED = Number(process.env.RINGSIDE_FUZZ_SEED ?? 20261203);
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

let t: Telephony;
const routes: Array<{ from: string; to: string; leadId: string; assessorId: string; direction: CallDoc['direction'] }> =
  [];
let district: string | null = null;
let optOutRoute: (typeof routes)[number];

beforeAll(async () => {
  t = await startTelephony();
  await addNumbers(t, ['+447700900701', '+447700900702', '+447700900703', '+447700900704', '+447700900705']);
  const phoneOf = new Map([
    [await addAssessor(t, 'order-a', 'Ann Order', '+447700900711'), '+447700900711'],
    [await addAssessor(t, 'order-b', 'Bob Order', '+447700900712'), '+447700900712'],
  ]);
  const leads: LeadOut[] = [];
  for (let i = 0; i < 2; i++)
    leads.push(
      await addLead(t, `order-lead-${i}`, { name: `Cus ${i}`, phone: `+44770090072${i}` }, ['order-a', 'order-b']),
    );
  for (const [i, lead] of leads.entries()) {
    for (const a of lead.assignments) {
      const assessorPhone = phoneOf.get(a.assessorId)!;
      routes.push({
        from: `+44770090072${i}`,
        to: a.poolNumber,
        leadId: lead.id,
        assessorId: a.assessorId,
        direction: 'customer_to_assessor',
      });
      // Calls back from the assessor only where no extension is needed (shared numbers ask for one).
      if (!a.extension)
        routes.push({
          from: assessorPhone,
          to: a.poolNumber,
          leadId: lead.id,
          assessorId: a.assessorId,
          direction: 'assessor_to_customer',
        });
    }
  }
  // Opting out puts the caller's number on the do-not-record list, which changes every later call of its
  // sessions: opt-outs come only from a customer of their own, who makes nothing but opted-out calls.
  const optOutLead = await addLead(t, 'order-opt-out', { name: 'Opal Out', phone: '+447700900729' }, ['order-a']);
  optOutRoute = {
    from: '+447700900729',
    to: optOutLead.assignments[0].poolNumber,
    leadId: optOutLead.id,
    assessorId: optOutLead.assignments[0].assessorId,
    direction: 'customer_to_assessor',
  };
  const { rows } = await t.server.db.query<{ district: string }>('SELECT district FROM leads LIMIT 1');
  district = rows[0].district;
  // Hold the clock still (see above); leads and sessions were made just now, so their sessions stay open.
  t.server.ctx.now = () => NOW;
}, PROBE_TIMEOUT);

afterAll(async () => {
  await t?.close();
});

interface Callback {
  path: string;
  params: Record<string, string | number>;
  /** The event the server derives from it (null: no event, e.g. the opt-out prompt's other keys). */
  events: CallEvent[];
}

const stamp = (ms: number) => new Date(ms).toUTCString();

/** One call's callbacks in the order Twilio sends them. */
function scenario(i: number, rnd: () => number): { callSid: string; callbacks: Callback[] } {
  const outcome = (['completed', 'completed', 'completed', 'no-answer', 'busy', 'opted-out'] as const)[
    Math.floor(rnd() * 6)
  ];
  const route = outcome === 'opted-out' ? optOutRoute : routes[i % routes.length];
  const callSid = `CA${i.toString(16).padStart(32, '0')}`;
  const legSid = `CAf${i.toString(16).padStart(31, '0')}`;
  const t0 = NOW - 3_600_000 + i * 1000;
  const ringMs = 2000 + Math.floor(rnd() * 20) * 1000;
  const talk = 5 + Math.floor(rnd() * 120);
  const callerHungUp = rnd() < 0.5;
  const base = { CallSid: callSid, From: route.from, To: route.to };
  const routed = {
    sessionId: 'ignored-by-the-fold',
    leadId: route.leadId,
    assessorId: route.assessorId,
    direction: route.direction!,
    district,
    service: 'boiler' as const,
  };
  const cbs: Callback[] = [
    // Twilio's parent 'initiated' status can race the voice webhook; in true order it comes first.
    {
      path: '/twilio/voice/status',
      params: { ...base, CallStatus: 'initiated', Timestamp: stamp(t0) },
      events: [{ type: 'parent', at: t0, status: 'initiated', durationSec: null }],
    },
    {
      path: '/twilio/voice',
      params: base,
      events: [
        { type: 'created', at: NOW, poolNumber: route.to, sandbox: t.server.ctx.config.sandbox },
        { type: 'routed', at: NOW, routed },
      ],
    },
  ];
  if (outcome === 'opted-out')
    cbs.push({
      path: '/twilio/voice/opt-out',
      params: { ...base, Digits: '9' },
      events: [{ type: 'not-recorded', at: NOW, reason: 'opted-out' }],
    });
  const leg = (status: string, at: number, seq: number, duration?: number): Callback => ({
    path: '/twilio/voice/leg-status',
    params: {
      CallSid: legSid,
      ParentCallSid: callSid,
      CallStatus: status,
      Timestamp: stamp(at),
      SequenceNumber: seq,
      ...(duration !== undefined ? { CallDuration: duration } : {}),
    },
    events: [
      {
        type: 'leg',
        at,
        legSid,
        status: status as 'initiated',
        durationSec: duration ?? null,
        sequence: seq,
      },
    ],
  });
  // Twilio's Timestamp has whole seconds.
  const ringAt = t0 + 2000;
  cbs.push(leg('initiated', t0 + 1000, 0));
  if (outcome !== 'busy') cbs.push(leg('ringing', ringAt, 1));
  let end = ringAt + ringMs;
  let dial: { status: string; duration?: number };
  if (outcome === 'busy') {
    cbs.push(leg('busy', ringAt, 1, 0));
    dial = { status: 'busy' };
    end = ringAt;
  } else if (outcome === 'no-answer') {
    cbs.push(leg('no-answer', end, 2, 0));
    dial = { status: 'no-answer' };
  } else {
    const answered = ringAt + ringMs;
    end = answered + talk * 1000;
    cbs.push(leg('in-progress', answered, 2), leg('completed', end, 3, talk));
    dial = { status: 'completed', duration: talk };
  }
  const parentStatus = dial.status === 'completed' && !callerHungUp ? 'in-progress' : 'completed';
  cbs.push({
    path: '/twilio/voice/dial-action',
    params: {
      ...base,
      DialCallStatus: dial.status,
      CallStatus: parentStatus,
      ...(dial.duration !== undefined ? { DialCallDuration: dial.duration } : {}),
    },
    events: [
      {
        type: 'dial-action',
        at: NOW,
        dialStatus: dial.status,
        dialDurationSec: dial.duration ?? null,
        parentStatus,
      },
    ],
  });
  const parentDuration = Math.round((end - t0) / 1000) + 2;
  cbs.push({
    path: '/twilio/voice/status',
    params: { ...base, CallStatus: 'completed', CallDuration: parentDuration, Timestamp: stamp(end + 2000) },
    events: [{ type: 'parent', at: end + 2000, status: 'completed', durationSec: parentDuration }],
  });
  if (outcome === 'completed') {
    const recordingSid = `RE${i.toString(16).padStart(32, '0')}`;
    cbs.push({
      path: '/twilio/voice/recording',
      params: {
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingStatus: 'completed',
        RecordingDuration: talk,
        RecordingChannels: 2,
        RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/${recordingSid}`,
      },
      events: [{ type: 'recording', at: NOW, recordingSid, status: 'completed', durationSec: talk, channels: 2 }],
    });
  }
  return { callSid, callbacks: cbs };
}

/**
 * Arrival order: ~20 % of callbacks moved to a random other place, ~8 % sent again somewhere later. The voice
 * webhook is answered before Twilio runs its TwiML, so only the parent's own status callbacks can overtake it:
 * it may arrive after 'initiated' (true order puts it after, too) or, displaced, after the parent's final status.
 */
function arrival(cbs: Callback[], rnd: () => number): { order: Callback[]; displaced: number; duplicated: number } {
  const [initiated, voice, ...rest] = cbs;
  const order = [...rest];
  let displaced = 0;
  let duplicated = 0;
  for (let k = 0; k < rest.length; k++) {
    if (rnd() >= 0.2) continue;
    const from = order.indexOf(rest[k]);
    const [cb] = order.splice(from, 1);
    order.splice(Math.floor(rnd() * (order.length + 1)), 0, cb);
    displaced++;
  }
  for (const cb of [...order]) {
    if (rnd() >= 0.08) continue;
    const at = order.indexOf(cb);
    order.splice(at + 1 + Math.floor(rnd() * (order.length - at)), 0, cb);
    duplicated++;
  }
  const head = [initiated];
  // The voice webhook late: after the parent's completed status (which, like 'initiated', logs the call).
  if (rnd() < 0.2) {
    displaced++;
    const parentDone = order.findIndex((c) => c.path === '/twilio/voice/status');
    const others = order.filter((c, idx) => idx !== parentDone);
    return { order: [...head, order[parentDone], voice, ...others], displaced, duplicated };
  }
  if (rnd() < 0.08) {
    duplicated++;
    return { order: [...head, voice, ...order, voice], displaced, duplicated };
  }
  return { order: [...head, voice, ...order], displaced, duplicated };
}

const pick = (d: CallDoc) => {
  const { updatedAt: _u, reviewAssignee: _r, ...rest } = d;
  return rest;
};

describe('order-proof call log', () => {
  it(
    "every call's document equals the fold of its callbacks in true order, whatever order and repetition they arrive in",
    async () => {
      const rnd = seededRandom(SEED);
      const calls = Array.from({ length: CALLS }, (_, i) => {
        const s = scenario(i, rnd);
        return { ...s, ...arrival(s.callbacks, rnd) };
      });
      const { authToken } = t.server.ctx.config.twilio!;
      let sent = 0;
      const refused: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < calls.length) {
            const call = calls[next++];
            for (const cb of call.order) {
              const signed = signedForm(authToken, t.server.ctx.config.publicBaseUrl + cb.path, formBody(cb.params));
              const res = await fetch(t.server.url + cb.path, { method: 'POST', ...signed });
              await res.arrayBuffer();
              sent++;
              if (res.status >= 300) refused.push(`${call.callSid} ${cb.path} → ${res.status}`);
            }
          }
        }),
      );

      const threshold = { connectThresholdSec: t.server.ctx.config.CONNECT_THRESHOLD_SEC };
      const wrong: Array<{ callSid: string; expected: unknown; stored: unknown }> = [];
      for (const call of calls) {
        const expected = pick(
          mergeCallDoc(
            null,
            foldCall(
              call.callSid,
              call.callbacks.flatMap((c) => c.events),
              threshold,
            ),
            NOW,
          ),
        );
        const stored = await callDoc(t, call.callSid);
        if (!stored || !isDeepStrictEqual(pick(stored), expected))
          wrong.push({ callSid: call.callSid, expected, stored: stored && pick(stored) });
      }
      const displaced = calls.reduce((n, c) => n + c.displaced, 0);
      const duplicated = calls.reduce((n, c) => n + c.duplicated, 0);
      const lateVoice = calls.filter((c) => c.order.indexOf(c.callbacks[1]) > 1).length;
      report(
        `call log: ${fmt(CALLS)} calls, ${fmt(sent)} signed callbacks (${fmt(displaced)} displaced, ${fmt(duplicated)} ` +
          `duplicated, ${fmt(lateVoice)} voice webhooks late), ${refused.length} refused, ` +
          `${fmt(CALLS - wrong.length)} of ${fmt(CALLS)} equal to the in-order fold`,
      );
      // Which fields differ, and how often: the shape of a regression at a glance.
      const fields = new Map<string, number>();
      for (const w of wrong) {
        const e = w.expected as Record<string, unknown>;
        const s = (w.stored ?? {}) as Record<string, unknown>;
        const keys = w.stored ? Object.keys(e).filter((k) => !isDeepStrictEqual(e[k], s[k])) : ['(no document)'];
        for (const k of keys) fields.set(k, (fields.get(k) ?? 0) + 1);
      }
      if (fields.size) console.log(`  differing fields: ${[...fields].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
      for (const w of wrong.slice(0, 3)) {
        const e = w.expected as Record<string, unknown>;
        const s = (w.stored ?? {}) as Record<string, unknown>;
        const diff = Object.keys(e).filter((k) => !isDeepStrictEqual(e[k], s[k]));
        console.log(
          `  ${w.callSid}: ${JSON.stringify(Object.fromEntries(diff.map((k) => [k, { expected: e[k], stored: s[k] }])))}`,
        );
      }
      expect(refused).toEqual([]);
      expect(displaced / sent).toBeGreaterThan(0.1);
      expect(duplicated).toBeGreaterThan(0);
      expect(lateVoice).toBeGreaterThan(0);
      expect(wrong.map((w) => w.callSid)).toEqual([]);
    },
    PROBE_TIMEOUT,
  );
});
