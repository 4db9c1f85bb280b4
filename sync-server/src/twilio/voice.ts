import twilio from 'twilio';
import type { CallEvent, LegStatus, RoutedInfo } from '../../../shared/call-state';
import { parseTwilioTimestamp } from '../../../shared/call-state';
import { isWithheld } from '../../../shared/phone';
import { resolveContact, type PoolSession, type Route } from '../../../shared/pool';
import type { Service } from '../../../shared/schemas';
import type { AppContext } from '../context';
import type { Queryable } from '../db';
import { getSession, poolPolicy, routingCandidates, touchSessionRow } from '../pool/store';
import { getCall, recordCallEvents, setCallSession } from './calls';
import { inboundWriter } from './inbound-batch';
import { keepEarlyCallbacks, recordingFollowUp } from './pending';
import { TwilioRest } from '../twilio-rest/rest';

/**
 * Voice webhooks: the TwiML that routes a call into a pool number to the other party of its session, with
 * the recording announcement and opt-out, and the callbacks that log it.
 *   <Gather>  https://www.twilio.com/docs/voice/twiml/gather
 *   <Dial>    https://www.twilio.com/docs/voice/twiml/dial (record, recordingStatusCallback, action, answerOnBridge)
 *   <Number>  https://www.twilio.com/docs/voice/twiml/number (url = whisper to the called party; statusCallback)
 */
const { VoiceResponse } = twilio.twiml;
type Params = Record<string, string | undefined>;

export const SAY = { voice: 'Polly.Amy', language: 'en-GB' } as const;
export const RECORDING_NOTICE = 'This call is being recorded for training and quality purposes.';
export const OPT_OUT_KEY = '9';
export const OPT_OUT_PROMPT = `To opt out of recording, press ${OPT_OUT_KEY}.`;
/** The called party's shorter prompt: their notice plays inside the dialled leg's talk time (CallDuration). */
export const CALLED_OPT_OUT_PROMPT = `Press ${OPT_OUT_KEY} to opt out.`;
export const NOT_RECORDED_NOTICE = 'This call is not being recorded.';
export const OPTED_OUT_NOTICE =
  'You have opted out. This call will not be recorded, and calls with this number will not be recorded again.';
export const EXTENSION_PROMPT = 'Please enter the extension of the customer you are calling, then press hash.';
/** Seconds a dialled phone rings before the Dial gives up. */
export const RING_TIMEOUT_SEC = 30;
const MAX_EXTENSION_ATTEMPTS = 3;

export interface VoiceDeps {
  ctx: AppContext;
}

function url(ctx: AppContext, path: string, query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(query).toString();
  return `${ctx.config.publicBaseUrl}${path}${qs ? `?${qs}` : ''}`;
}

function eventTime(ctx: AppContext, p: Params): number {
  return parseTwilioTimestamp(p.Timestamp) ?? ctx.now();
}

// ───────────────────────────── TwiML ─────────────────────────────

interface ConnectPlan {
  session: PoolSession;
  side: 'customer' | 'assessor';
  /** Recorded unless the caller opted out now or either phone is on the do-not-record list. */
  recorded: boolean;
  /** What the caller hears first. */
  intro: 'announce-with-opt-out' | 'not-recorded' | 'opted-out' | 'none';
}

function dialTo(plan: ConnectPlan): string {
  return plan.side === 'customer' ? plan.session.assessorPhone : plan.session.customerPhone;
}

/** Twilio stops the Dial at `timeout`; the called party hears the announcement (whisper) before bridging. */
function appendDial(ctx: AppContext, vr: InstanceType<typeof VoiceResponse>, plan: ConnectPlan): void {
  const dial = vr.dial({
    // The caller ID the called party sees is the pool number they know for the caller.
    callerId: plan.session.poolNumber,
    answerOnBridge: true,
    timeout: RING_TIMEOUT_SEC,
    action: url(ctx, '/twilio/voice/dial-action'),
    method: 'POST',
    ...(plan.recorded
      ? {
          record: 'record-from-answer-dual' as const,
          recordingStatusCallback: url(ctx, '/twilio/voice/recording'),
          recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'] as const,
          recordingStatusCallbackMethod: 'POST',
        }
      : {}),
  } as Parameters<InstanceType<typeof VoiceResponse>['dial']>[0]);
  dial.number(
    {
      url: url(ctx, '/twilio/voice/whisper', { recorded: plan.recorded ? '1' : '0' }),
      method: 'POST',
      statusCallback: url(ctx, '/twilio/voice/leg-status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      statusCallbackMethod: 'POST',
    },
    dialTo(plan),
  );
}

export function connectTwiml(ctx: AppContext, plan: ConnectPlan): string {
  const vr = new VoiceResponse();
  if (plan.intro === 'announce-with-opt-out') {
    // The opt-out key works while the notice plays; with no key Twilio moves straight on to <Dial>
    // (timeout is Twilio's minimum, 1 s, after the prompt).
    const gather = vr.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: 1,
      action: url(ctx, '/twilio/voice/opt-out'),
      method: 'POST',
    });
    gather.say(SAY, `${RECORDING_NOTICE} ${OPT_OUT_PROMPT}`);
  } else if (plan.intro !== 'none') {
    vr.say(SAY, plan.intro === 'opted-out' ? OPTED_OUT_NOTICE : NOT_RECORDED_NOTICE);
  }
  appendDial(ctx, vr, plan);
  return vr.toString();
}

export function extensionTwiml(ctx: AppContext, attempt: number, notice?: string): string {
  const vr = new VoiceResponse();
  if (notice) vr.say(SAY, notice);
  const gather = vr.gather({
    input: ['dtmf'],
    finishOnKey: '#',
    timeout: 5,
    actionOnEmptyResult: true,
    action: url(ctx, '/twilio/voice/extension', { attempt: String(attempt) }),
    method: 'POST',
  });
  gather.say(SAY, EXTENSION_PROMPT);
  return vr.toString();
}

export type FallbackReason = 'withheld' | 'no-session' | 'conflict' | 'extension';

const FALLBACK_MESSAGES: Record<FallbackReason, string> = {
  withheld:
    'Sorry, calls from withheld numbers cannot be connected through this number. Please call again without withholding your number.',
  'no-session': 'Sorry, this number is not linked to an active enquiry for the phone you are calling from.',
  conflict: 'Sorry, we could not work out who you are calling.',
  extension: 'Sorry, that extension was not recognised.',
};

export function fallbackTwiml(
  ctx: AppContext,
  reason: FallbackReason,
  opts: { callerNotRecorded: boolean; poolNumber: string },
): string {
  const vr = new VoiceResponse();
  vr.say(SAY, FALLBACK_MESSAGES[reason]);
  const fallback = ctx.config.FALLBACK_NUMBER;
  if (fallback) {
    vr.say(SAY, 'Transferring you to our support team.');
    vr.dial({ callerId: opts.poolNumber, timeout: RING_TIMEOUT_SEC }, fallback);
  } else if (!opts.callerNotRecorded) {
    vr.say(SAY, 'Please leave a message with your name and the enquiry you are calling about after the tone.');
    vr.record({
      maxLength: 120,
      playBeep: true,
      action: url(ctx, '/twilio/voice/voicemail'),
      method: 'POST',
      recordingStatusCallback: url(ctx, '/twilio/voice/recording'),
      recordingStatusCallbackEvent: ['completed'],
      recordingStatusCallbackMethod: 'POST',
    });
  } else {
    vr.say(SAY, 'Goodbye.');
  }
  vr.hangup();
  return vr.toString();
}

export function sayAndHangup(text: string | null): string {
  const vr = new VoiceResponse();
  if (text) vr.say(SAY, text);
  vr.hangup();
  return vr.toString();
}

export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}

// ───────────────────────────── shared steps ─────────────────────────────

async function onDoNotRecordList(q: Queryable, phones: string[]): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM do_not_record WHERE phone = ANY($1::text[])', [phones]);
  return rows.length > 0;
}

async function routedInfo(q: Queryable, session: PoolSession, side: 'customer' | 'assessor'): Promise<RoutedInfo> {
  const { rows } = await q.query<{ district: string; service: Service }>(
    'SELECT district, service FROM leads WHERE id = $1',
    [session.leadId],
  );
  return {
    sessionId: session.id,
    leadId: session.leadId,
    assessorId: session.assessorId,
    direction: side === 'customer' ? 'customer_to_assessor' : 'assessor_to_customer',
    district: rows[0]?.district ?? null,
    service: rows[0]?.service ?? null,
  };
}

/** The caller reached a session: log the routing, slide the session's expiry, decide the recording. */
async function connect(
  ctx: AppContext,
  tx: Queryable,
  callSid: string,
  route: Extract<Route, { kind: 'session' }>,
  now: number,
  events: CallEvent[],
): Promise<string> {
  const { session, side } = route;
  await setCallSession(tx, callSid, session.id);
  await touchSessionRow(tx, session.id, now, poolPolicy(ctx.config));
  events.push({ type: 'routed', at: now, routed: await routedInfo(tx, session, side) });
  const doNotRecord = await onDoNotRecordList(tx, [session.customerPhone, session.assessorPhone]);
  if (doNotRecord) events.push({ type: 'not-recorded', at: now, reason: 'do-not-record' });
  return connectTwiml(ctx, {
    session,
    side,
    recorded: !doNotRecord,
    intro: doNotRecord ? 'not-recorded' : 'announce-with-opt-out',
  });
}

async function fallback(
  ctx: AppContext,
  tx: Queryable,
  reason: FallbackReason,
  from: string,
  to: string,
  withheld: boolean,
): Promise<string> {
  const callerNotRecorded = withheld ? false : await onDoNotRecordList(tx, [from]);
  return fallbackTwiml(ctx, reason, { callerNotRecorded, poolNumber: to });
}

async function write(ctx: AppContext, tx: Queryable, callSid: string, events: CallEvent[]) {
  return recordCallEvents(tx, callSid, events, {
    now: ctx.now(),
    connectThresholdSec: ctx.config.CONNECT_THRESHOLD_SEC,
  });
}

// ───────────────────────────── handlers ─────────────────────────────

/**
 * POST /twilio/voice — a call into a pool number. New calls go through the group-commit writer
 * (inbound-batch.ts); a retried webhook for a call already logged takes the single-call path below.
 */
export async function handleIncomingCall(ctx: AppContext, p: Params): Promise<string> {
  const callSid = p.CallSid ?? '';
  const from = (p.From ?? '').trim();
  const to = (p.To ?? '').trim();
  if (!callSid || !to) return sayAndHangup('Sorry, something went wrong with this call.');
  const d = await inboundWriter(ctx).submit({ callSid, from, to, now: ctx.now() });
  switch (d.kind) {
    case 'connect':
      return connectTwiml(ctx, {
        session: d.session,
        side: d.side,
        recorded: !d.doNotRecord,
        intro: d.doNotRecord ? 'not-recorded' : 'announce-with-opt-out',
      });
    case 'extension':
      return extensionTwiml(ctx, 1);
    case 'fallback':
      return fallbackTwiml(ctx, d.reason, { callerNotRecorded: d.callerNotRecorded, poolNumber: to });
    case 'known':
      return handleKnownCall(ctx, callSid, from, to);
  }
}

/** A retried voice webhook: answer from the stored state, logging nothing twice (events are keyed). */
async function handleKnownCall(ctx: AppContext, callSid: string, from: string, to: string): Promise<string> {
  const now = ctx.now();
  const policy = poolPolicy(ctx.config);
  return ctx.db.transaction(async (tx) => {
    const events: CallEvent[] = [];
    const withheld = isWithheld(from);
    const candidates = withheld ? [] : await routingCandidates(tx, from, to, now, policy);
    const route = resolveContact(candidates, { from, to }, now, {
      withheld,
      cooldownMs: policy.cooldownMs,
      recentMs: policy.recentMs,
    });
    let twiml: string;
    if (route.kind === 'session') twiml = await connect(ctx, tx, callSid, route, now, events);
    else if (route.kind === 'needs-extension' || route.kind === 'unknown-extension') twiml = extensionTwiml(ctx, 1);
    else twiml = await fallback(ctx, tx, route.reason, from, to, withheld);
    if (events.length) await write(ctx, tx, callSid, events);
    return twiml;
  });
}

/** POST /twilio/voice/extension — the digits an assessor keyed on a shared number. */
export async function handleExtension(ctx: AppContext, p: Params, attempt: number): Promise<string> {
  const callSid = p.CallSid ?? '';
  const now = ctx.now();
  const policy = poolPolicy(ctx.config);
  return ctx.db.transaction(async (tx) => {
    const call = await getCall(tx, callSid);
    if (!call) return sayAndHangup('Sorry, something went wrong with this call.');
    if (call.session_id) {
      // A retried request after the call was already routed: answer the same way, log nothing twice.
      const session = await getSession(tx, call.session_id);
      if (session) {
        const side = session.customerPhone === call.from_phone ? 'customer' : 'assessor';
        const events: CallEvent[] = [];
        const twiml = await connect(ctx, tx, callSid, { kind: 'session', session, side }, now, events);
        await write(ctx, tx, callSid, events);
        return twiml;
      }
    }
    const candidates = await routingCandidates(tx, call.from_phone, call.to_number, now, policy);
    const digits = (p.Digits ?? '').replace(/[^0-9]/g, '');
    const route = resolveContact(candidates, { from: call.from_phone, to: call.to_number, digits }, now, {
      cooldownMs: policy.cooldownMs,
      recentMs: policy.recentMs,
    });
    if (route.kind === 'session') {
      const events: CallEvent[] = [];
      const twiml = await connect(ctx, tx, callSid, route, now, events);
      await write(ctx, tx, callSid, events);
      return twiml;
    }
    if ((route.kind === 'needs-extension' || route.kind === 'unknown-extension') && attempt < MAX_EXTENSION_ATTEMPTS) {
      return extensionTwiml(
        ctx,
        attempt + 1,
        route.kind === 'unknown-extension' ? FALLBACK_MESSAGES.extension : 'We did not receive an extension.',
      );
    }
    const reason: FallbackReason = route.kind === 'out-of-session' ? route.reason : 'extension';
    return fallback(ctx, tx, reason, call.from_phone, call.to_number, false);
  });
}

/** POST /twilio/voice/opt-out — a key pressed during the recording notice. */
export async function handleOptOut(ctx: AppContext, p: Params): Promise<string> {
  const callSid = p.CallSid ?? '';
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const call = await getCall(tx, callSid);
    const session = call?.session_id ? await getSession(tx, call.session_id) : null;
    if (!call || !session) return sayAndHangup('Sorry, something went wrong with this call.');
    const side = session.customerPhone === call.from_phone ? 'customer' : 'assessor';
    if ((p.Digits ?? '') !== OPT_OUT_KEY) {
      // Another key: no opt-out; connect as announced.
      const recorded = !(await onDoNotRecordList(tx, [session.customerPhone, session.assessorPhone]));
      return connectTwiml(ctx, { session, side, recorded, intro: 'none' });
    }
    await tx.query(
      `INSERT INTO do_not_record (phone, created_at, call_sid, source) VALUES ($1, $2, $3, 'keypad') ON CONFLICT (phone) DO NOTHING`,
      [call.from_phone, now, callSid],
    );
    await write(ctx, tx, callSid, [{ type: 'not-recorded', at: now, reason: 'opted-out' }]);
    ctx.log.info({ callSid }, 'caller opted out of recording; number added to the do-not-record list');
    return connectTwiml(ctx, { session, side, recorded: false, intro: 'opted-out' });
  });
}

/**
 * POST /twilio/voice/whisper — played to the called party before the calls are bridged. When the call is to be
 * recorded they are offered the same opt-out key as the caller, while the notice plays; with no key the whisper
 * ends and Twilio bridges the call.
 */
export function handleWhisper(ctx: AppContext, recorded: boolean): string {
  const vr = new VoiceResponse();
  if (!recorded) {
    vr.say(SAY, NOT_RECORDED_NOTICE);
    return vr.toString();
  }
  const gather = vr.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: 1,
    action: url(ctx, '/twilio/voice/whisper-opt-out'),
    method: 'POST',
  });
  gather.say(SAY, RECORDING_NOTICE);
  gather.say(SAY, CALLED_OPT_OUT_PROMPT);
  return vr.toString();
}

/**
 * POST /twilio/voice/whisper-opt-out — a key the called party pressed during their notice (the request is for
 * the dialled leg; ParentCallSid is the logged call). The opt-out key has the caller's opt-out's effect: the
 * called number joins the do-not-record list and the call is logged `opted_out`, so the recording Twilio starts
 * at the bridge is stopped at its first callback and deleted at Twilio when it completes, never downloaded, and
 * nothing of it reaches an AI provider (handleRecordingStatus, pending.ts recordingFollowUp).
 */
export async function handleWhisperOptOut(ctx: AppContext, p: Params): Promise<string> {
  const parentSid = p.ParentCallSid ?? '';
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const call = parentSid ? await getCall(tx, parentSid) : null;
    const session = call?.session_id ? await getSession(tx, call.session_id) : null;
    // Someone asked not to be recorded and we cannot tell which call: better not connected than recorded.
    if (!call || !session) return sayAndHangup('Sorry, something went wrong with this call.');
    if ((p.Digits ?? '') !== OPT_OUT_KEY) return emptyTwiml();
    const called = session.customerPhone === call.from_phone ? session.assessorPhone : session.customerPhone;
    await tx.query(
      `INSERT INTO do_not_record (phone, created_at, call_sid, source) VALUES ($1, $2, $3, 'keypad') ON CONFLICT (phone) DO NOTHING`,
      [called, now, parentSid],
    );
    await write(ctx, tx, parentSid, [{ type: 'not-recorded', at: now, reason: 'opted-out' }]);
    ctx.log.info({ callSid: parentSid }, 'called party opted out of recording; number added to the do-not-record list');
    const vr = new VoiceResponse();
    vr.say(SAY, OPTED_OUT_NOTICE);
    return vr.toString();
  });
}

/**
 * A recording that started on a call already opted out (the called party pressed the key during the whisper,
 * before Twilio's bridge started it): stopped at once through Twilio's API. Should that fail, nothing is lost:
 * the completed recording is deleted at Twilio unheard (recordingFollowUp).
 */
async function stopUnwantedRecording(ctx: AppContext, callSid: string, recordingSid: string): Promise<void> {
  const creds = ctx.config.twilio;
  if (!creds) return;
  try {
    await new TwilioRest(creds).stopRecording(callSid, recordingSid);
    ctx.log.info({ callSid, recordingSid }, 'stopped the recording of an opted-out call');
  } catch (err) {
    ctx.log.warn(
      { callSid, recordingSid, err },
      'could not stop the recording of an opted-out call; it is deleted when it completes',
    );
  }
}

const LEG_STATUSES = [
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const satisfies readonly LegStatus[];

function isLegStatus(value: string): value is LegStatus {
  return LEG_STATUSES.some((s) => s === value);
}

/** POST /twilio/voice/leg-status — <Number statusCallback> for the dialled leg. */
export async function handleLegStatus(ctx: AppContext, p: Params): Promise<void> {
  const parent = p.ParentCallSid ?? '';
  const raw = p.CallStatus === 'queued' ? 'initiated' : (p.CallStatus ?? '');
  if (!parent || !isLegStatus(raw)) {
    ctx.log.warn(
      { callSid: p.CallSid, status: p.CallStatus },
      'leg status callback without a parent call or with an unknown status',
    );
    return;
  }
  const event: CallEvent = {
    type: 'leg',
    at: eventTime(ctx, p),
    legSid: p.CallSid ?? parent,
    status: raw,
    durationSec: seconds(p.CallDuration),
    sequence: p.SequenceNumber !== undefined ? Number(p.SequenceNumber) : null,
  };
  await ctx.db.transaction((tx) => logOrKeep(ctx, tx, parent, [event]));
}

/** POST /twilio/voice/dial-action — the Dial ended; what the caller hears next. */
export async function handleDialAction(ctx: AppContext, p: Params): Promise<string> {
  const callSid = p.CallSid ?? '';
  const dialStatus = p.DialCallStatus ?? 'failed';
  const event: CallEvent = {
    type: 'dial-action',
    at: ctx.now(),
    dialStatus,
    dialDurationSec: seconds(p.DialCallDuration),
    parentStatus: p.CallStatus ?? '',
  };
  if (callSid) await ctx.db.transaction((tx) => logOrKeep(ctx, tx, callSid, [event]));
  if (dialStatus === 'completed' || dialStatus === 'answered' || p.CallStatus === 'completed')
    return sayAndHangup(null);
  return sayAndHangup('Sorry, they could not take your call just now. Please try again later.');
}

/** POST /twilio/voice/status — the parent call's own status callback (the number's StatusCallback). */
export async function handleCallStatus(ctx: AppContext, p: Params): Promise<void> {
  const callSid = p.CallSid ?? '';
  if (!callSid || !p.CallStatus) return;
  const event: CallEvent = {
    type: 'parent',
    at: eventTime(ctx, p),
    status: p.CallStatus,
    durationSec: seconds(p.CallDuration),
  };
  // Before its voice webhook, the status is kept (pending.ts) rather than logging a call with no pool number.
  await ctx.db.transaction((tx) => logOrKeep(ctx, tx, callSid, [event]));
}

const RECORDING_STATUSES = new Set(['in-progress', 'completed', 'absent', 'failed']);

/** POST /twilio/voice/recording — recordingStatusCallback of the Dial (or of a voicemail <Record>). */
export async function handleRecordingStatus(ctx: AppContext, p: Params): Promise<void> {
  const callSid = p.CallSid ?? '';
  const recordingSid = p.RecordingSid ?? '';
  const status = p.RecordingStatus ?? '';
  if (!callSid || !recordingSid || !RECORDING_STATUSES.has(status)) {
    ctx.log.warn({ callSid, recordingSid, status }, 'recording callback without call, recording or a known status');
    return;
  }
  const channels = p.RecordingChannels !== undefined ? Number(p.RecordingChannels) : null;
  const event: Extract<CallEvent, { type: 'recording' }> = {
    type: 'recording',
    at: ctx.now(),
    recordingSid,
    status: status as 'in-progress' | 'completed' | 'absent' | 'failed',
    durationSec: seconds(p.RecordingDuration),
    channels,
  };
  const detail = { recordingUrl: p.RecordingUrl ?? '' };
  const optedOut = await ctx.db.transaction(async (tx) => {
    const { doc, missing } = await write(ctx, tx, callSid, [event]);
    if (missing === 'unknown') {
      // Before the voice webhook: kept, downloaded once the call is known. Never deleted at Twilio for this.
      await keepEarlyCallbacks(ctx, tx, callSid, [event], detail);
      return false;
    }
    if (!doc) {
      ctx.log.warn({ callSid, recordingSid }, "recording callback for an erased call; deleting Twilio's copy");
      await ctx.jobs.enqueue(tx, 'recording.twilio-delete', { recordingSid });
      return false;
    }
    await recordingFollowUp(ctx, tx, callSid, doc, event, detail);
    return doc.recording.state === 'opted_out';
  });
  if (optedOut && status === 'in-progress') await stopUnwantedRecording(ctx, callSid, recordingSid);
}

/** Twilio's whole seconds; -1 (unknown) is no duration. */
function seconds(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Logs callbacks on their call; keeps them when the call is not logged yet; ignores them for an erased call. */
async function logOrKeep(ctx: AppContext, tx: Queryable, callSid: string, events: CallEvent[]): Promise<void> {
  const { missing } = await write(ctx, tx, callSid, events);
  if (missing === 'unknown') await keepEarlyCallbacks(ctx, tx, callSid, events);
  else if (missing === 'erased')
    ctx.log.warn({ callSid, type: events[0]?.type }, 'callback for an erased call; ignored');
}
