import type { CallDirection, CallDoc, CallRecording, CallStatus, RecordingState, Service } from './schemas';

/**
 * A call's log document as a pure fold over the callbacks Twilio sent about it.
 *
 * Twilio retries webhooks and does not promise their order, so every field is computed from the *set* of
 * events (minimum of timestamps, a fixed precedence between sources), never from the order of arrival:
 * the same events in any order, each repeated any number of times, give the same document (C1).
 * Events carry their own key; two events with the same key are one event (C2).
 *
 * Sources (https://www.twilio.com/docs/voice/twiml/dial, .../twiml/number, .../api/call-resource#statuscallback):
 * - `created`: the voice webhook for the parent call (caller → pool number).
 * - `routed`: the session the call belongs to, once known (at once, or after the extension was keyed).
 * - `leg`: <Number statusCallback> events of the dialled leg (initiated, ringing, answered → in-progress,
 *   completed with CallDuration, or busy / no-answer / failed / canceled).
 * - `dial-action`: <Dial action> with DialCallStatus, DialCallDuration, and the parent's CallStatus, which
 *   tells who hung up: `completed` = the caller hung up; `in-progress` = the dialled party did.
 * - `parent`: the parent call's own status callback.
 * - `recording`: recordingStatusCallback (in-progress, completed, absent, failed).
 * - `not-recorded` (caller opted out, or a party is on the do-not-record list) and `recording-stopped`
 *   (an admin stopped it on the live call).
 */
export type LegStatus =
  'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export const TERMINAL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

const TERMINAL = new Set<string>(TERMINAL_STATUSES);

export function isTerminal(status: string): status is TerminalStatus {
  return TERMINAL.has(status);
}

/** The event with the first terminal status in TERMINAL_STATUSES order (completed before busy …), if any. */
function firstTerminal<E extends { status: string }>(
  events: readonly E[],
): (E & { status: TerminalStatus }) | undefined {
  return events
    .filter((e): e is E & { status: TerminalStatus } => isTerminal(e.status))
    .sort((a, b) => TERMINAL_STATUSES.indexOf(a.status) - TERMINAL_STATUSES.indexOf(b.status))[0];
}

export interface RoutedInfo {
  sessionId: string;
  leadId: string;
  assessorId: string;
  direction: CallDirection;
  district: string | null;
  service: Service | null;
}

export type CallEvent =
  | { type: 'created'; at: number; poolNumber: string; sandbox: boolean }
  | { type: 'routed'; at: number; routed: RoutedInfo }
  | { type: 'leg'; at: number; legSid: string; status: LegStatus; durationSec: number | null; sequence: number | null }
  | { type: 'dial-action'; at: number; dialStatus: string; dialDurationSec: number | null; parentStatus: string }
  | { type: 'parent'; at: number; status: string; durationSec: number | null }
  | {
      type: 'recording';
      at: number;
      recordingSid: string;
      status: 'in-progress' | 'completed' | 'absent' | 'failed';
      durationSec: number | null;
      channels: number | null;
    }
  | { type: 'not-recorded'; at: number; reason: 'opted-out' | 'do-not-record' }
  | { type: 'recording-stopped'; at: number };

/** The identity of an event: Twilio's retries and our own repeats share it. */
export function eventKey(e: CallEvent): string {
  switch (e.type) {
    case 'created':
    case 'routed':
    case 'dial-action':
    case 'recording-stopped':
      return e.type;
    case 'leg':
      return `leg:${e.legSid}:${e.status}`;
    case 'parent':
      return `parent:${e.status}`;
    case 'recording':
      return `recording:${e.recordingSid}:${e.status}`;
    case 'not-recorded':
      return 'not-recorded';
  }
}

/**
 * Of several events with one key (a retry whose body differs, e.g. a later timestamp), the one kept is the
 * smallest by (at, JSON) so the choice does not depend on arrival order.
 */
export function dedupeEvents(events: readonly CallEvent[]): CallEvent[] {
  const byKey = new Map<string, CallEvent>();
  for (const e of events) {
    const k = eventKey(e);
    const prev = byKey.get(k);
    if (!prev || e.at < prev.at || (e.at === prev.at && JSON.stringify(e) < JSON.stringify(prev))) byKey.set(k, e);
  }
  return [...byKey.values()];
}

/**
 * Recording states only move forward, whoever writes them (webhooks here; the download job writes `stored`
 * or `failed`; erasure writes `deleted`). `opted_out` absorbs everything: such a call keeps no recording.
 */
const RECORDING_RANK: Record<RecordingState, number> = {
  none: 0,
  stopped: 1,
  pending: 2,
  failed: 3,
  stored: 4,
  deleted: 5,
  opted_out: 6,
};

export function laterRecordingState(a: RecordingState, b: RecordingState): RecordingState {
  return RECORDING_RANK[a] >= RECORDING_RANK[b] ? a : b;
}

export interface FoldOptions {
  connectThresholdSec: number;
}

/** The fields of CallDoc the callbacks decide (everything except updatedAt and reviewAssignee). */
export type FoldedCall = Omit<CallDoc, 'updatedAt' | 'reviewAssignee'>;

const minOf = (values: number[]): number | null => (values.length ? Math.min(...values) : null);
const maxOf = (values: number[]): number | null => (values.length ? Math.max(...values) : null);

export function foldCall(callSid: string, input: readonly CallEvent[], opts: FoldOptions): FoldedCall {
  const events = dedupeEvents(input);
  const of = <T extends CallEvent['type']>(type: T) =>
    events.filter((e): e is Extract<CallEvent, { type: T }> => e.type === type);
  const created = of('created')[0] ?? null;
  const routed = of('routed')[0]?.routed ?? null;
  const legs = of('leg');
  const action = of('dial-action')[0] ?? null;
  const parents = of('parent');
  const recordings = of('recording');

  const startedAt = created?.at ?? minOf(events.map((e) => e.at)) ?? 0;
  const legAt = (status: LegStatus) => minOf(legs.filter((l) => l.status === status).map((l) => l.at));
  const initiatedAt = legAt('initiated');
  const ringingAt = legAt('ringing') ?? initiatedAt;
  const legTerminal = firstTerminal(legs);
  const parentTerminal = firstTerminal(parents);

  // Talk time: the dialled leg's CallDuration, else the Dial action's DialCallDuration.
  const talkFromLeg = legTerminal?.status === 'completed' ? legTerminal.durationSec : null;
  const talkFromAction =
    action && (action.dialStatus === 'completed' || action.dialStatus === 'answered') ? action.dialDurationSec : null;
  let talkSeconds = Math.max(0, talkFromLeg ?? talkFromAction ?? 0);

  // Ended: the dialled leg's end, else the Dial action, else the parent's end (calls that never dialled).
  const endedAt = legTerminal?.at ?? action?.at ?? parentTerminal?.at ?? null;
  let answeredAt = legAt('in-progress');
  if (answeredAt === null && talkSeconds > 0 && endedAt !== null) answeredAt = endedAt - talkSeconds * 1000;

  // Final status: the dialled leg decides; then the Dial action; then the parent call (no Dial happened).
  let status: CallStatus;
  if (legTerminal)
    status = legTerminal.status === 'completed' && answeredAt === null ? 'no-answer' : legTerminal.status;
  else if (action && isTerminal(action.dialStatus)) status = action.dialStatus;
  else if (action?.dialStatus === 'answered') status = 'completed';
  else if (parentTerminal) status = parentTerminal.status;
  else if (answeredAt !== null) status = 'in-progress';
  else if (ringingAt !== null) status = 'ringing';
  else status = created ? 'ringing' : 'queued';
  if (status !== 'completed' || answeredAt === null) talkSeconds = 0;

  const ringStart = ringingAt ?? startedAt;
  const ringEnd = answeredAt ?? endedAt;
  const ringSeconds = ringEnd !== null ? Math.max(0, Math.round((ringEnd - ringStart) / 1000)) : 0;

  // Who hung up: only an answered, completed Dial tells (the parent's status in the action request).
  let hungUpBy: CallDoc['hungUpBy'] = null;
  if (routed && action && status === 'completed' && answeredAt !== null) {
    const callerSide = routed.direction === 'customer_to_assessor' ? 'customer' : 'assessor';
    const calleeSide = callerSide === 'customer' ? 'assessor' : 'customer';
    if (action.parentStatus === 'completed') hungUpBy = callerSide;
    else if (action.parentStatus === 'in-progress') hungUpBy = calleeSide;
  }

  // Recording.
  let recState: RecordingState = 'none';
  if (of('recording-stopped').length) recState = laterRecordingState(recState, 'stopped');
  const completedRec = recordings
    .filter((r) => r.status === 'completed')
    .sort((a, b) => (a.recordingSid < b.recordingSid ? -1 : 1));
  if (completedRec.length) recState = laterRecordingState(recState, 'pending');
  // `absent` means the recording held no audio: nothing to keep, and nothing failed.
  else if (recordings.some((r) => r.status === 'failed')) recState = laterRecordingState(recState, 'failed');
  if (of('not-recorded').length) recState = 'opted_out';
  const recDuration = maxOf(completedRec.map((r) => r.durationSec ?? 0).filter((d) => d > 0));
  const channelCount = maxOf(completedRec.map((r) => r.channels ?? 1));
  // Dual-channel Dial recordings: channel 1 is the parent call (the caller), channel 2 the dialled party.
  const callerSide = routed?.direction === 'assessor_to_customer' ? 'assessor' : 'customer';
  const calleeSide = callerSide === 'customer' ? 'assessor' : 'customer';
  const channels: CallRecording['channels'] =
    recState === 'opted_out' || !completedRec.length
      ? []
      : channelCount === 2
        ? [callerSide, calleeSide]
        : [callerSide];

  return {
    id: callSid,
    leadId: routed?.leadId ?? null,
    assessorId: routed?.assessorId ?? null,
    direction: routed?.direction ?? null,
    poolNumber: created?.poolNumber ?? '',
    district: routed?.district ?? null,
    service: routed?.service ?? null,
    startedAt,
    ringingAt,
    answeredAt,
    endedAt,
    ringSeconds,
    talkSeconds,
    status,
    connected: status === 'completed' && answeredAt !== null && talkSeconds >= opts.connectThresholdSec,
    hungUpBy,
    recording: {
      state: recState,
      durationSec: recState === 'opted_out' ? null : recDuration,
      channels,
      storedAt: null,
    },
    sandbox: created?.sandbox ?? false,
  };
}

/**
 * The stored document after a refold: callback-derived fields from the fold; the reviewer assignment and
 * the recording's storage facts kept from the stored document; the recording state never moves backwards.
 */
export function mergeCallDoc(existing: CallDoc | null, folded: FoldedCall, now: number): CallDoc {
  const prevRec = existing?.recording ?? null;
  const state = prevRec ? laterRecordingState(prevRec.state, folded.recording.state) : folded.recording.state;
  const recording: CallRecording =
    state === 'opted_out'
      ? { state, durationSec: null, channels: [], storedAt: null }
      : {
          state,
          durationSec: folded.recording.durationSec ?? prevRec?.durationSec ?? null,
          channels: folded.recording.channels.length ? folded.recording.channels : (prevRec?.channels ?? []),
          storedAt: prevRec?.storedAt ?? null,
        };
  return { ...folded, recording, reviewAssignee: existing?.reviewAssignee ?? null, updatedAt: now };
}

/** Twilio's `Timestamp` parameter (RFC 2822, e.g. `Mon, 16 Aug 2010 03:45:01 +0000`) in ms, or null. */
export function parseTwilioTimestamp(value: string | undefined | null): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
