import type { NumberRegistry } from '../numbers';
import type { PhoneRegistry } from '../phones';
import type { RecordingStore } from '../recordings';
import type { Role } from '../scripts';
import type { SpeechSynthesizer } from '../speech';
import type { TwimlWarning } from '../twiml';
import type { CallbackChaos, WebhookClient, WebhookLogEntry } from '../webhooks';
import type { CallSimulation } from './simulation';

/**
 * One simulated inbound call: a phone calls one of the account's numbers, the sandbox fetches the number's
 * voice URL and executes the TwiML it gets back verb by verb, the way Twilio does
 * (https://www.twilio.com/docs/voice/twiml), playing both phones from a scenario. The call runs on its own
 * clock: real seconds, or virtual seconds that pass instantly (tests, and the demo's backdated calls).
 */

export type CallStatus =
  'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

/**
 * Digits a party presses at a <Gather>: a string (pressed half a second in, i.e. during the prompt), or timed,
 * or kept for the prompt that asks for it: `when` is a phrase (case-insensitive) the Gather's <Say> must
 * contain, the way a person answers the question actually asked ("extension", "opt out"). `afterPrompts`
 * presses once every prompt of the Gather has played: someone who hears a notice out before pressing (a
 * called party who hears the recording notice and then "press 9 to opt out" in the whisper). Answers without
 * `when` go to the Gathers in order; null is a Gather left unanswered.
 */
export type GatherAnswer = string | { digits: string; afterSec?: number; afterPrompts?: boolean; when?: string } | null;

export interface DialledPartyBehaviour {
  /** Picks up (default: the phone's profile, else true). */
  answer?: boolean;
  busy?: boolean;
  /** Switched off or no coverage: the dialled call fails. */
  unreachable?: boolean;
  /** Seconds the phone rings before it is picked up (default: profile, else 5). */
  ringSec?: number;
  /** Answers to <Gather>s in the whisper (the <Number url> TwiML), in order. */
  input?: GatherAnswer[];
}

export interface ConversationLineInput {
  speaker: 'caller' | 'callee';
  text: string;
}

export interface CallScenario {
  /** The caller's own number (E.164). */
  from: string;
  /** The number dialled: one of the account's numbers. */
  to: string;
  /** Caller ID withheld: From becomes Twilio's anonymous value ("+266696687"), or the string given. */
  withheld?: boolean | string;
  /** Start of the call on its clock (virtual timing only; default now). ISO string or epoch ms. */
  at?: number | string;
  timing?: 'real' | 'virtual';
  /** Answers to the caller-side <Gather>s in order (opt-out key, extension …); missing means no key pressed. */
  callerInput?: GatherAnswer[];
  /** How the dialled party behaves (every <Number> of a <Dial>, unless `callees` names it). */
  callee?: DialledPartyBehaviour;
  callees?: Record<string, DialledPartyBehaviour>;
  /** The caller hangs up if not yet connected this many seconds after the call started. */
  callerPatienceSec?: number;
  /** Seconds of conversation once bridged (default: the script's length plus a goodbye), or 'manual' to end it with hangup(). */
  talkSec?: number | 'manual';
  /** Who ends a connected call (default caller). */
  hangup?: 'caller' | 'callee';
  /** A script id from scripts.ts, or the lines themselves. Default: a script picked from the call SID. */
  conversation?: string | ConversationLineInput[];
  /** Who the caller and callee are, in the scripts' words (default caller = customer). */
  roles?: { caller: Role; callee: Role };
  /** Speaker labels for the transcript (default: the roles). */
  speakers?: { caller?: string; callee?: string };
  /** Fills {service} in scripts. */
  service?: string;
  voices?: { caller?: string; callee?: string };
  /** At a <Record>: what the caller says and whether they hang up afterwards (default true). */
  voicemail?: { text?: string; hangup?: boolean; key?: string };
  callbacks?: CallbackChaos;
}

export interface HeardPrompt {
  /** Seconds since the call started. */
  at: number;
  text: string;
  voice: string | null;
  language: string | null;
  /** A key press cut the prompt short. */
  interrupted: boolean;
}

export interface DialOutcome {
  callSid: string | null;
  to: string;
  callerId: string;
  /** The dialled leg's final status. */
  status: CallStatus;
  /** DialCallStatus as sent to the action URL. */
  dialCallStatus: 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
  bridged: boolean;
  ringSec: number;
  talkSec: number;
  recordingSid: string | null;
}

export interface CallResult {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
  direction: 'inbound';
  status: CallStatus;
  startTime: string;
  answerTime: string | null;
  endTime: string;
  /** Seconds from answer to end (0 when never answered). */
  duration: number;
  hungUpBy: 'caller' | 'callee' | 'application' | 'api' | null;
  heard: { caller: HeardPrompt[]; callee: HeardPrompt[] };
  dials: DialOutcome[];
  recordings: Array<{
    sid: string;
    url: string;
    duration: number | null;
    channels: 1 | 2;
    source: string;
    status: string;
  }>;
  /** Every request the sandbox made for this call, in the order they were answered. */
  requests: WebhookLogEntry[];
  warnings: TwimlWarning[];
}

export interface LegRecord {
  sid: string;
  accountSid: string;
  parentSid: string | null;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound-dial';
  status: CallStatus;
  startTime: number;
  answerTime: number | null;
  endTime: number | null;
  /** The running simulation, while the call is live. */
  live: CallSimulation | null;
}

/** What a call needs from the sandbox around it. */
export interface CallEnvironment {
  accountSid: string;
  baseUrl(): string;
  numbers: NumberRegistry;
  phones: PhoneRegistry;
  recordings: RecordingStore;
  synth: SpeechSynthesizer;
  webhooks: WebhookClient;
  defaultTiming: 'real' | 'virtual';
  defaultChaos: CallbackChaos;
  registerLeg(leg: LegRecord): void;
  trackRecording(sid: string, call: CallSimulation | null): void;
}

/** The value Twilio puts in From when the caller withholds their number ("ANONYMOUS" on a keypad). */
export const WITHHELD_FROM = '+266696687';

/** A dialable number as Twilio accepts it. */
export const E164 = /^\+[1-9]\d{6,14}$/;
