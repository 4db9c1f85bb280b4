import crypto from 'node:crypto';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { newSid } from './ids';
import type { NumberRegistry, OwnedNumber } from './numbers';
import type { PhoneRegistry } from './phones';
import type { RecordingRecord, RecordingStore, SpokenLine } from './recordings';
import { SCRIPTS, VOICEMAIL_LINES, fillService, scriptById, type Role } from './scripts';
import { estimateDuration, voiceForNumber, type SpeechSynthesizer } from './speech';
import {
  parseVoiceTwiml,
  TwimlParseError,
  type DialVerb,
  type GatherVerb,
  type HttpMethod,
  type NumberTarget,
  type PromptVerb,
  type RecordVerb,
  type TwimlWarning,
  type VoiceVerb,
} from './twiml';
import {
  CallbackOutbox,
  rfc2822,
  seededRandom,
  type CallbackChaos,
  type WebhookClient,
  type WebhookKind,
  type WebhookLogEntry,
} from './webhooks';

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
 * contain, the way a person answers the question actually asked ("extension", "opt out"). Answers without
 * `when` go to the Gathers in order; null is a Gather left unanswered.
 */
export type GatherAnswer = string | { digits: string; afterSec?: number; when?: string } | null;

function takeAnswer(inputs: GatherAnswer[], verb: GatherVerb): GatherAnswer {
  const prompt = verb.prompts
    .map((p) => (p.kind === 'Say' ? p.text : ''))
    .join(' ')
    .toLowerCase();
  const targeted = inputs.findIndex(
    (a) => a !== null && typeof a === 'object' && a.when !== undefined && prompt.includes(a.when.toLowerCase()),
  );
  if (targeted >= 0) return inputs.splice(targeted, 1)[0];
  const next = inputs.findIndex((a) => a === null || typeof a === 'string' || a.when === undefined);
  return next >= 0 ? inputs.splice(next, 1)[0] : null;
}

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

const E164 = /^\+[1-9]\d{6,14}$/;

/** Words per second of Twilio's text-to-speech, near enough to time prompts. */
function sayDuration(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.round((0.4 + words / 2.6) * 10) / 10;
}

function promptDuration(p: PromptVerb): number {
  const loops = p.kind === 'Pause' ? 1 : p.loop === 0 ? 3 : p.loop;
  if (p.kind === 'Say') return sayDuration(p.text) * loops;
  if (p.kind === 'Play') return 3 * loops;
  return p.length;
}

function countryOf(number: string): string {
  if (number.startsWith('+44')) return 'GB';
  if (number.startsWith('+1')) return 'US';
  if (number.startsWith('+353')) return 'IE';
  return '';
}

type Flow = 'continue' | 'stop';

class CallClock {
  private t: number;
  private realMark: number | null = null;

  constructor(
    start: number,
    readonly mode: 'real' | 'virtual',
  ) {
    this.t = start;
  }

  now(): number {
    return this.realMark === null ? this.t : this.t + (Date.now() - this.realMark);
  }

  /** Lets `sec` seconds of call time pass, or less if `woken` fires first; returns the seconds that passed. */
  async pass(sec: number, woken: Promise<void>): Promise<number> {
    if (sec <= 0) return 0;
    if (this.mode === 'virtual' && Number.isFinite(sec)) {
      this.t += sec * 1000;
      await yieldToLoop();
      return sec;
    }
    // Real time passes: always in real timing, and in virtual timing for an open-ended wait (a manual hangup).
    const ac = new AbortController();
    const mark = Date.now();
    this.realMark = mark;
    const timer = Number.isFinite(sec)
      ? sleep(sec * 1000, undefined, { signal: ac.signal }).catch(() => undefined)
      : new Promise<void>(() => undefined);
    await Promise.race([timer, woken]);
    ac.abort();
    const elapsed = Math.min(Date.now() - mark, Number.isFinite(sec) ? sec * 1000 : Infinity);
    this.t += elapsed;
    this.realMark = null;
    return elapsed / 1000;
  }
}

export class CallSimulation {
  readonly parent: LegRecord;
  private readonly clock: CallClock;
  private readonly virtual: boolean;
  private readonly requests: WebhookLogEntry[] = [];
  private readonly warnings: TwimlWarning[] = [];
  private readonly outbox: CallbackOutbox;
  private readonly callerInput: GatherAnswer[];
  private readonly heard: CallResult['heard'] = { caller: [], callee: [] };
  private readonly dials: DialOutcome[] = [];
  private readonly made: RecordingRecord[] = [];
  private readonly random: () => number;
  private readonly sequence = new Map<string, number>();
  private callerGone = false;
  private hungUpBy: CallResult['hungUpBy'] = null;
  private rejected: 'busy' | 'no-answer' | null = null;
  private bridged: { child: LegRecord; recording: RecordingRecord | null } | null = null;
  private wakers = new Set<() => void>();
  private pendingInterrupt: 'caller' | 'callee' | 'api' | null = null;
  private bridgedSignal: { promise: Promise<void>; resolve: () => void };
  private readonly callerVoice: string;

  constructor(
    private readonly env: CallEnvironment,
    private readonly scenario: CallScenario,
  ) {
    const timing = scenario.timing ?? env.defaultTiming;
    this.virtual = timing === 'virtual';
    const start = this.virtual && scenario.at !== undefined ? new Date(scenario.at).getTime() : Date.now();
    this.clock = new CallClock(start, timing);
    const from = scenario.withheld
      ? typeof scenario.withheld === 'string'
        ? scenario.withheld
        : WITHHELD_FROM
      : scenario.from;
    this.parent = {
      sid: newSid('CA'),
      accountSid: env.accountSid,
      parentSid: null,
      from,
      to: scenario.to,
      direction: 'inbound',
      status: 'ringing',
      startTime: start,
      answerTime: null,
      endTime: null,
      live: this,
    };
    const chaos = { ...env.defaultChaos, ...scenario.callbacks };
    this.outbox = new CallbackOutbox(env.webhooks, chaos, this.requests);
    this.callerInput = [...(scenario.callerInput ?? [])];
    this.random = seededRandom(chaos.seed ?? parseInt(this.parent.sid.slice(2, 10), 16));
    this.callerVoice = scenario.voices?.caller ?? env.phones.get(scenario.from)?.voice ?? voiceForNumber(scenario.from);
    let resolve!: () => void;
    this.bridgedSignal = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    env.registerLeg(this.parent);
  }

  get callSid(): string {
    return this.parent.sid;
  }

  /** Resolves when the caller is connected to the dialled party (never, if they are not). */
  get whenBridged(): Promise<void> {
    return this.bridgedSignal.promise;
  }

  /** Current time on this call's clock (epoch ms). */
  now(): number {
    return this.clock.now();
  }

  /**
   * Ends the call from outside the TwiML: the caller or callee puts the phone down, or the REST API
   * (Calls/{Sid}.json Status=completed) ends it.
   */
  hangup(by: 'caller' | 'callee' | 'api'): void {
    this.pendingInterrupt = by;
    for (const wake of this.wakers) wake();
  }

  /** Hang-up of a specific leg through the REST API. */
  hangupLeg(sid: string): boolean {
    if (sid === this.parent.sid) {
      this.hangup('api');
      return true;
    }
    if (this.bridged?.child.sid === sid) {
      this.hangup('callee');
      return true;
    }
    return false;
  }

  activeRecording(): RecordingRecord | null {
    const r = this.bridged?.recording;
    return r && (r.status === 'in-progress' || r.status === 'paused') ? r : null;
  }

  /** Seconds into recording `r` right now. */
  recordingOffset(r: RecordingRecord): number {
    return Math.max(0, (this.clock.now() - r.startTime) / 1000);
  }

  /** A recording stopped through the REST API is final at once: Twilio processes it and calls back. */
  finishRecording(r: RecordingRecord, at: number): void {
    if (r.status === 'completed' || r.status === 'deleted') return;
    if (r.stoppedAt === null && r.status !== 'stopped') r.stoppedAt = at;
    const end = r.stoppedAt ?? at;
    for (const p of r.paused) if (p[1] === null) p[1] = end;
    r.duration = Math.max(0, Math.round(end));
    r.status = 'completed';
    this.env.recordings.save(r);
    this.env.trackRecording(r.sid, null);
    this.recordingCallback(r, 'completed', r.startTime + end * 1000 + 1000);
  }

  private woken(): { promise: Promise<void>; done: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    if (this.pendingInterrupt) wake();
    this.wakers.add(wake);
    return { promise, done: () => this.wakers.delete(wake) };
  }

  /** Time passes on the call; stops early at the caller's patience limit or an outside hang-up. */
  private async spend(sec: number, opts: { callerMayLeave: boolean } = { callerMayLeave: true }): Promise<boolean> {
    if (this.callerGone) return false;
    let budget = sec;
    let patienceHit = false;
    const patience = this.scenario.callerPatienceSec;
    if (opts.callerMayLeave && patience !== undefined && !this.bridged) {
      const left = (this.parent.startTime + patience * 1000 - this.clock.now()) / 1000;
      if (left < budget) {
        budget = Math.max(0, left);
        patienceHit = true;
      }
    }
    const w = this.woken();
    try {
      await this.clock.pass(budget, w.promise);
    } finally {
      w.done();
    }
    if (this.takeInterrupt()) return false;
    if (patienceHit) {
      this.callerGone = true;
      this.hungUpBy = 'caller';
      return false;
    }
    return true;
  }

  /** Applies an outside hang-up that affects the whole call; a callee hang-up is left for the talk phase. */
  private takeInterrupt(): boolean {
    const i = this.pendingInterrupt;
    if (i === 'caller' || i === 'api') {
      this.pendingInterrupt = null;
      this.callerGone = true;
      this.hungUpBy = i;
      return true;
    }
    return false;
  }

  private answerParent(): void {
    if (this.parent.answerTime === null && !this.callerGone) {
      this.parent.answerTime = this.clock.now();
      this.parent.status = 'in-progress';
    }
  }

  private seconds(): number {
    return Math.round((this.clock.now() - this.parent.startTime) / 100) / 10;
  }

  private baseParams(leg: LegRecord, status: CallStatus): Record<string, string> {
    const p: Record<string, string> = {
      AccountSid: this.env.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: leg.sid,
      CallStatus: status,
      Called: leg.to,
      CalledCity: '',
      CalledCountry: countryOf(leg.to),
      CalledState: '',
      CalledZip: '',
      Caller: leg.from,
      CallerCity: '',
      CallerCountry: countryOf(leg.from),
      CallerState: '',
      CallerZip: '',
      Direction: leg.direction,
      From: leg.from,
      FromCity: '',
      FromCountry: countryOf(leg.from),
      FromState: '',
      FromZip: '',
      To: leg.to,
      ToCity: '',
      ToCountry: countryOf(leg.to),
      ToState: '',
      ToZip: '',
    };
    if (leg.parentSid) p.ParentCallSid = leg.parentSid;
    return p;
  }

  private liveStatus(): CallStatus {
    return this.callerGone ? 'completed' : this.parent.answerTime === null ? 'ringing' : 'in-progress';
  }

  private async request(
    kind: WebhookKind,
    url: string,
    method: HttpMethod,
    params: Record<string, string>,
  ): Promise<WebhookLogEntry> {
    const entry = await this.env.webhooks.send(kind, method, url, params, {
      eventTime: this.clock.now(),
      virtual: this.virtual,
    });
    this.requests.push(entry);
    return entry;
  }

  /** Fetches TwiML; on failure records the error Twilio's debugger would show and returns null. */
  private async fetchTwiml(
    kind: WebhookKind,
    url: string,
    method: HttpMethod,
    params: Record<string, string>,
    fallback?: { url: string; method: HttpMethod },
  ): Promise<{ verbs: VoiceVerb[]; url: string } | null> {
    const entry = await this.request(kind, url, method, params);
    const problem = this.twimlProblem(entry);
    if (!problem) {
      try {
        const parsed = parseVoiceTwiml(entry.body);
        this.warnings.push(...parsed.warnings);
        return { verbs: parsed.verbs, url };
      } catch (err) {
        this.warnings.push({
          code: err instanceof TwimlParseError ? err.code : 12100,
          message: `${url}: ${(err as Error).message}`,
        });
      }
    } else {
      this.warnings.push(problem);
    }
    if (fallback?.url) return this.fetchTwiml(kind, fallback.url, fallback.method, params);
    return null;
  }

  private twimlProblem(entry: WebhookLogEntry): TwimlWarning | null {
    if (entry.error) return { code: 11200, message: `HTTP retrieval failure: ${entry.url}: ${entry.error}` };
    if (entry.status < 200 || entry.status >= 300)
      return { code: 11200, message: `HTTP retrieval failure: ${entry.url} answered ${entry.status}` };
    const type = (entry.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!['text/xml', 'application/xml', 'text/html'].includes(type)) {
      return {
        code: 12300,
        message: `Invalid Content-Type "${entry.contentType ?? ''}" from ${entry.url}; TwiML must be text/xml or application/xml`,
      };
    }
    return null;
  }

  private applicationError(): void {
    this.heard.caller.push({
      at: this.seconds(),
      text: 'We are sorry, an application error has occurred. Goodbye.',
      voice: null,
      language: null,
      interrupted: false,
    });
  }

  async run(): Promise<CallResult> {
    const number = this.env.numbers.lookup(this.scenario.to);
    if (!E164.test(this.scenario.to) || !number) {
      this.warnings.push({ code: 21211, message: `${this.scenario.to} is not a number of this account` });
      this.parent.status = 'failed';
    } else if (!number.voiceUrl) {
      this.warnings.push({ code: 11750, message: `${number.phoneNumber} has no voice URL configured` });
      this.parent.status = 'failed';
    } else {
      const doc = await this.fetchTwiml(
        'voice',
        number.voiceUrl,
        number.voiceMethod,
        this.baseParams(this.parent, 'ringing'),
        {
          url: number.voiceFallbackUrl,
          method: number.voiceFallbackMethod,
        },
      );
      if (doc) await this.execute(doc.verbs, doc.url);
      else {
        this.answerParent();
        this.applicationError();
      }
    }
    return this.finish(number);
  }

  private async finish(number: OwnedNumber | null): Promise<CallResult> {
    const p = this.parent;
    p.endTime = this.clock.now();
    if (p.status !== 'failed') {
      if (p.answerTime !== null) p.status = 'completed';
      else if (this.rejected) p.status = this.rejected;
      else p.status = this.callerGone ? 'canceled' : 'no-answer';
    }
    if (!this.hungUpBy && !this.callerGone) this.hungUpBy = p.status === 'completed' ? 'application' : null;
    p.live = null;
    for (const r of this.made) {
      if (r.status === 'in-progress' || r.status === 'paused')
        this.finishRecording(r, (p.endTime - r.startTime) / 1000);
    }
    const duration = p.answerTime === null ? 0 : Math.round((p.endTime - p.answerTime) / 1000);
    if (number?.statusCallback) {
      this.outbox.post(
        'call-status',
        number.statusCallbackMethod,
        number.statusCallback,
        {
          ...this.baseParams(p, p.status),
          CallbackSource: 'call-progress-events',
          SequenceNumber: String(this.nextSequence(p.sid)),
          Timestamp: rfc2822(p.endTime),
          CallDuration: String(duration),
          Duration: String(Math.ceil(duration / 60)),
        },
        p.endTime,
        this.virtual,
      );
    }
    await this.outbox.drain();
    return {
      callSid: p.sid,
      accountSid: this.env.accountSid,
      from: p.from,
      to: p.to,
      direction: 'inbound',
      status: p.status,
      startTime: new Date(p.startTime).toISOString(),
      answerTime: p.answerTime === null ? null : new Date(p.answerTime).toISOString(),
      endTime: new Date(p.endTime).toISOString(),
      duration,
      hungUpBy: this.hungUpBy,
      heard: this.heard,
      dials: this.dials,
      recordings: this.made.map((r) => ({
        sid: r.sid,
        url: this.recordingUrl(r),
        duration: r.duration,
        channels: r.channels,
        source: r.source,
        status: r.status,
      })),
      requests: this.requests,
      warnings: this.warnings,
    };
  }

  /** The caller's transcript label: as given, else their role (a caller is a customer unless told otherwise). */
  private callerLabel(): string {
    return this.scenario.speakers?.caller ?? this.scenario.roles?.caller ?? 'customer';
  }

  private nextSequence(sid: string): number {
    const n = this.sequence.get(sid) ?? 0;
    this.sequence.set(sid, n + 1);
    return n;
  }

  private recordingUrl(r: RecordingRecord): string {
    return `${this.env.baseUrl()}/2010-04-01/Accounts/${this.env.accountSid}/Recordings/${r.sid}`;
  }

  /** Executes a TwiML document on the caller's leg. */
  private async execute(verbs: VoiceVerb[], docUrl: string): Promise<void> {
    for (const verb of verbs) {
      if (this.callerGone) return;
      if (verb.kind !== 'Reject' && !(verb.kind === 'Dial' && verb.answerOnBridge)) this.answerParent();
      switch (verb.kind) {
        case 'Say':
        case 'Play':
        case 'Pause':
          await this.play(verb, 'caller');
          break;
        case 'Gather': {
          const next = await this.gather(verb, docUrl, this.callerInput, 'caller', this.parent);
          if (next === 'stop') return;
          if (next !== 'continue') return this.execute(next.verbs, next.url);
          break;
        }
        case 'Dial': {
          const next = await this.dial(verb, docUrl);
          if (next === 'stop') return;
          if (next !== 'continue') return this.execute(next.verbs, next.url);
          break;
        }
        case 'Record': {
          const next = await this.record(verb, docUrl);
          if (next === 'stop') return;
          if (next !== 'continue') return this.execute(next.verbs, next.url);
          break;
        }
        case 'Hangup':
          this.hungUpBy = 'application';
          return;
        case 'Reject':
          if (this.parent.answerTime === null) this.rejected = verb.reason === 'busy' ? 'busy' : 'no-answer';
          this.hungUpBy = 'application';
          return;
        case 'Redirect': {
          const doc = await this.fetchTwiml(
            'redirect',
            new URL(verb.url, docUrl).href,
            verb.method,
            this.baseParams(this.parent, this.liveStatus()),
          );
          if (!doc) return this.applicationError();
          return this.execute(doc.verbs, doc.url);
        }
      }
    }
  }

  private async play(verb: PromptVerb, side: 'caller' | 'callee', callerMayLeave = true): Promise<boolean> {
    if (verb.kind === 'Say')
      this.heard[side].push({
        at: this.seconds(),
        text: verb.text,
        voice: verb.voice,
        language: verb.language,
        interrupted: false,
      });
    if (verb.kind === 'Play')
      this.heard[side].push({
        at: this.seconds(),
        text: `[audio ${verb.url}]`,
        voice: null,
        language: null,
        interrupted: false,
      });
    return this.spend(promptDuration(verb), { callerMayLeave });
  }

  /**
   * <Gather>: prompts play; a key press interrupts them; the digits go to the action URL when numDigits is
   * reached, a finishOnKey is pressed, or `timeout` seconds pass after the last key. No input: on to the next
   * verb (or the action with empty Digits when actionOnEmptyResult).
   */
  private async gather(
    verb: GatherVerb,
    docUrl: string,
    inputs: GatherAnswer[],
    side: 'caller' | 'callee',
    leg: LegRecord,
  ): Promise<Flow | { verbs: VoiceVerb[]; url: string }> {
    const answer = takeAnswer(inputs, verb);
    const press =
      answer === null || answer === undefined
        ? null
        : typeof answer === 'string'
          ? { digits: answer, afterSec: 0.5 }
          : { digits: answer.digits, afterSec: answer.afterSec ?? 0.5 };
    const callerMayLeave = side === 'caller';
    const promptTotal = verb.prompts.reduce((s, p) => s + promptDuration(p), 0);
    let collected = '';
    let finishedOnKey = '';
    let submitted = false;
    if (press && press.afterSec <= promptTotal + verb.timeout) {
      // Prompts up to the key press, which interrupts them.
      let elapsed = 0;
      for (const p of verb.prompts) {
        if (elapsed >= press.afterSec) break;
        const d = promptDuration(p);
        const cut = elapsed + d > press.afterSec;
        if (p.kind === 'Say')
          this.heard[side].push({
            at: this.seconds(),
            text: p.text,
            voice: p.voice,
            language: p.language,
            interrupted: cut,
          });
        if (!(await this.spend(Math.min(d, press.afterSec - elapsed), { callerMayLeave }))) return 'stop';
        elapsed += Math.min(d, press.afterSec - elapsed);
      }
      if (elapsed < press.afterSec && !(await this.spend(press.afterSec - elapsed, { callerMayLeave }))) return 'stop';
      for (const [i, ch] of [...press.digits].entries()) {
        if (i > 0 && !(await this.spend(0.3, { callerMayLeave }))) return 'stop';
        if (verb.finishOnKey.includes(ch)) {
          finishedOnKey = ch;
          submitted = true;
          break;
        }
        collected += ch;
        if (verb.numDigits !== null && collected.length >= verb.numDigits) {
          submitted = true;
          break;
        }
      }
      if (!submitted && !(await this.spend(verb.timeout, { callerMayLeave }))) return 'stop';
    } else {
      for (const p of verb.prompts) if (!(await this.play(p, side, callerMayLeave))) return 'stop';
      if (!(await this.spend(verb.timeout, { callerMayLeave }))) return 'stop';
    }
    if (collected === '' && !verb.actionOnEmptyResult) return 'continue';
    const action = new URL(verb.action ?? docUrl, docUrl).href;
    const doc = await this.fetchTwiml(side === 'caller' ? 'gather-action' : 'whisper', action, verb.method, {
      ...this.baseParams(leg, side === 'caller' ? this.liveStatus() : 'in-progress'),
      Digits: collected,
      FinishedOnKey: finishedOnKey,
      msg: 'Gather End',
    });
    if (!doc) {
      if (side === 'caller') this.applicationError();
      return 'stop';
    }
    return doc;
  }

  private behaviourFor(number: string): Required<Omit<DialledPartyBehaviour, 'input'>> & { input: GatherAnswer[] } {
    const profile = this.env.phones.get(number);
    const b = this.scenario.callees?.[number] ?? this.scenario.callee ?? {};
    return {
      answer: b.answer ?? profile?.answers ?? true,
      busy: b.busy ?? profile?.busy ?? false,
      unreachable: b.unreachable ?? profile?.unreachable ?? false,
      ringSec: b.ringSec ?? profile?.ringSec ?? 5,
      input: [...(b.input ?? [])],
    };
  }

  private childCallback(
    target: NumberTarget,
    child: LegRecord,
    event: 'initiated' | 'ringing' | 'answered' | 'completed',
    at: number,
    extra: Record<string, string> = {},
  ): void {
    if (!target.statusCallback || !target.statusCallbackEvent.has(event)) return;
    this.outbox.post(
      'dial-call-status',
      target.statusCallbackMethod,
      target.statusCallback,
      {
        ...this.baseParams(child, event === 'answered' ? 'in-progress' : child.status),
        CallbackSource: 'call-progress-events',
        SequenceNumber: String(this.nextSequence(child.sid)),
        Timestamp: rfc2822(at),
        ...extra,
      },
      at,
      this.virtual,
    );
  }

  private recordingCallback(r: RecordingRecord, event: 'in-progress' | 'completed', at: number): void {
    if (!r.callback || !r.callback.events.includes(event)) return;
    this.outbox.post(
      'recording-status',
      r.callback.method,
      r.callback.url,
      {
        AccountSid: this.env.accountSid,
        CallSid: r.callSid,
        RecordingSid: r.sid,
        RecordingUrl: this.recordingUrl(r),
        RecordingStatus: event,
        RecordingDuration: event === 'completed' ? String(r.duration ?? 0) : '-1',
        RecordingChannels: String(r.channels),
        RecordingStartTime: rfc2822(r.startTime),
        RecordingSource: r.source,
        RecordingTrack: r.source === 'DialVerb' ? 'both' : 'inbound',
        ErrorCode: '0',
      },
      at,
      this.virtual,
    );
  }

  /** The conversation once bridged: script lines with synthesised timing, starting at `offset` seconds. */
  private async conversation(
    childTo: string,
    calleeVoice: string,
    offset: number,
  ): Promise<{ lines: SpokenLine[]; end: number }> {
    const roles = this.scenario.roles ?? { caller: 'customer', callee: 'assessor' };
    const speakers = {
      caller: this.scenario.speakers?.caller ?? roles.caller,
      callee: this.scenario.speakers?.callee ?? roles.callee,
    };
    let input: ConversationLineInput[];
    if (Array.isArray(this.scenario.conversation)) {
      input = this.scenario.conversation;
    } else {
      const candidates = SCRIPTS.filter((s) => s.opener === roles.caller);
      const script =
        (typeof this.scenario.conversation === 'string' ? scriptById(this.scenario.conversation) : undefined) ??
        candidates[
          parseInt(crypto.createHash('sha1').update(this.parent.sid).digest('hex').slice(0, 8), 16) % candidates.length
        ];
      if (typeof this.scenario.conversation === 'string' && !scriptById(this.scenario.conversation)) {
        this.warnings.push({
          code: 0,
          message: `sandbox: no conversation script "${this.scenario.conversation}"; used ${script.id}`,
        });
      }
      input = script.lines.map((l) => ({
        speaker: l.who === roles.caller ? 'caller' : 'callee',
        text: fillService(l.text, this.scenario.service),
      }));
    }
    const lines: SpokenLine[] = [];
    let t = offset + 0.6;
    for (const line of input) {
      const voice = line.speaker === 'caller' ? this.callerVoice : calleeVoice;
      const duration = estimateDuration(line.text, voice);
      lines.push({
        channel: line.speaker === 'caller' ? 1 : 2,
        speaker: speakers[line.speaker],
        voice,
        text: line.text,
        start: Math.round(t * 100) / 100,
        duration,
      });
      t += duration + 0.3 + this.random() * 0.6;
    }
    void childTo;
    return { lines, end: t };
  }

  /**
   * <Dial>: rings every <Number> at once, connects the first to answer (after its whisper, if any), records
   * as asked, and reports to the action URL; per-leg progress goes to each <Number>'s statusCallback.
   */
  private async dial(verb: DialVerb, docUrl: string): Promise<Flow | { verbs: VoiceVerb[]; url: string }> {
    const dialStart = this.clock.now();
    const callerId = verb.callerId ?? this.parent.from;
    for (const noun of verb.unsupported)
      this.warnings.push({ code: 13201, message: `Dial: the sandbox cannot dial <${noun}>` });
    let dialCallStatus: DialOutcome['dialCallStatus'] = 'failed';
    let outcome: DialOutcome | null = null;

    const badCallerId = !E164.test(callerId) && callerId !== this.parent.from;
    if (badCallerId) this.warnings.push({ code: 13214, message: `Dial: invalid callerId "${callerId}"` });
    // Relative callback URLs resolve against the document that named them, as Twilio resolves them.
    const targets = (badCallerId ? [] : verb.targets.filter((t) => E164.test(t.number))).map((t) => ({
      ...t,
      statusCallback: t.statusCallback ? new URL(t.statusCallback, docUrl).href : null,
    }));

    const legs = targets.map((target) => {
      const child: LegRecord = {
        sid: newSid('CA'),
        accountSid: this.env.accountSid,
        parentSid: this.parent.sid,
        from: callerId,
        to: target.number,
        direction: 'outbound-dial',
        status: 'initiated',
        startTime: dialStart,
        answerTime: null,
        endTime: null,
        live: this,
      };
      this.env.registerLeg(child);
      return { target, child, behaviour: this.behaviourFor(target.number) };
    });
    for (const l of legs) this.childCallback(l.target, l.child, 'initiated', dialStart);

    // Ringing starts a second after dialling (the network's post-dial delay); busy and unreachable phones say so then.
    const ringStart = dialStart + 1000;
    const ringing = legs.filter((l) => !l.behaviour.busy && !l.behaviour.unreachable);
    for (const l of ringing) {
      l.child.status = 'ringing';
      this.childCallback(l.target, l.child, 'ringing', ringStart);
    }
    const timeoutAt = dialStart + verb.timeout * 1000;
    const answering = ringing
      .filter((l) => l.behaviour.answer && ringStart + l.behaviour.ringSec * 1000 < timeoutAt)
      .sort((x, y) => x.behaviour.ringSec - y.behaviour.ringSec);
    const winner = answering[0] ?? null;
    const ringEnd = winner ? ringStart + winner.behaviour.ringSec * 1000 : ringing.length ? timeoutAt : ringStart;
    const stillThere = await this.spend((ringEnd - this.clock.now()) / 1000);
    const endedAt = this.clock.now();

    const endLeg = (l: (typeof legs)[number], status: CallStatus, at: number) => {
      l.child.status = status;
      l.child.endTime = at;
      l.child.live = null;
      const sip =
        { busy: '486', failed: '404', 'no-answer': '487', canceled: '487', completed: '200' }[status as 'busy'] ??
        '200';
      const duration = l.child.answerTime === null ? 0 : Math.round((at - l.child.answerTime) / 1000);
      this.childCallback(l.target, l.child, 'completed', at, {
        CallDuration: String(duration),
        Duration: String(Math.ceil(duration / 60)),
        SipResponseCode: sip,
      });
      this.env.phones.ring({
        callSid: l.child.sid,
        from: l.child.from,
        to: l.child.to,
        answered: l.child.answerTime !== null,
        at: new Date(l.child.startTime).toISOString(),
      });
    };

    let talkSec = 0;
    let bridged = false;
    let recording: RecordingRecord | null = null;
    let answeredLeg: (typeof legs)[number] | null = null;

    if (!stillThere) {
      // The caller gave up (or was hung up on) while it rang.
      for (const l of legs)
        endLeg(
          l,
          l.behaviour.busy ? 'busy' : l.behaviour.unreachable ? 'failed' : 'canceled',
          l.behaviour.busy || l.behaviour.unreachable ? ringStart : endedAt,
        );
      dialCallStatus = legs.length ? 'canceled' : 'failed';
    } else if (!winner) {
      for (const l of legs)
        endLeg(
          l,
          l.behaviour.busy ? 'busy' : l.behaviour.unreachable ? 'failed' : 'no-answer',
          l.behaviour.busy || l.behaviour.unreachable ? ringStart : endedAt,
        );
      dialCallStatus =
        legs.length === 0
          ? 'failed'
          : ringing.length
            ? 'no-answer'
            : legs.some((l) => l.behaviour.busy)
              ? 'busy'
              : 'failed';
    } else {
      answeredLeg = winner;
      const child = winner.child;
      child.answerTime = endedAt;
      child.status = 'in-progress';
      this.childCallback(winner.target, child, 'answered', endedAt);
      for (const l of legs)
        if (l !== winner)
          endLeg(l, l.behaviour.busy ? 'busy' : l.behaviour.unreachable ? 'failed' : 'canceled', endedAt);

      // The whisper: TwiML on the answered leg, heard only by the dialled party; the caller still hears ringing.
      let accepted = true;
      if (winner.target.url) {
        const url = new URL(winner.target.url, docUrl).href;
        const doc = await this.fetchTwiml('whisper', url, winner.target.method, this.baseParams(child, 'in-progress'));
        accepted = doc ? await this.runWhisper(doc.verbs, doc.url, winner, child) : false;
      }
      if (this.callerGone) accepted = false;
      const calleeVoice =
        this.scenario.voices?.callee ??
        this.env.phones.get(child.to)?.voice ??
        voiceForNumber(child.to, this.callerVoice);

      if (accepted) {
        bridged = true;
        this.answerParent();
        const bridgeAt = this.clock.now();
        if (verb.record !== 'do-not-record') {
          const fromRinging = verb.record.startsWith('record-from-ringing');
          const start = fromRinging ? ringStart : bridgeAt;
          recording = {
            sid: newSid('RE'),
            accountSid: this.env.accountSid,
            callSid: this.parent.sid,
            source: 'DialVerb',
            channels: verb.record.endsWith('-dual') ? 2 : 1,
            startTime: start,
            status: 'in-progress',
            duration: null,
            lines: [],
            paused: [],
            stoppedAt: null,
            callback: verb.recordingStatusCallback
              ? {
                  url: new URL(verb.recordingStatusCallback, docUrl).href,
                  method: verb.recordingStatusCallbackMethod,
                  events: [...verb.recordingStatusCallbackEvent],
                }
              : null,
            speakers: {},
            dateCreated: Date.now(),
            dateUpdated: Date.now(),
          };
          this.made.push(recording);
          this.env.recordings.add(recording);
          this.env.trackRecording(recording.sid, this);
          this.recordingCallback(recording, 'in-progress', bridgeAt);
        }
        this.bridged = { child, recording };
        this.bridgedSignal.resolve();

        const convo = await this.conversation(child.to, calleeVoice, 0);
        if (recording) {
          const shift = (bridgeAt - recording.startTime) / 1000;
          recording.lines = convo.lines.map((l) => ({ ...l, start: Math.round((l.start + shift) * 100) / 100 }));
          recording.speakers = {
            '1': convo.lines.find((l) => l.channel === 1)?.speaker ?? this.callerLabel(),
            '2':
              convo.lines.find((l) => l.channel === 2)?.speaker ??
              this.scenario.speakers?.callee ??
              this.scenario.roles?.callee ??
              'assessor',
          };
          this.env.recordings.save(recording);
        }
        const planned =
          this.scenario.talkSec === 'manual' ? Infinity : (this.scenario.talkSec ?? Math.ceil(convo.end + 1.5));
        const w = this.woken();
        try {
          await this.clock.pass(Math.min(planned, verb.timeLimit), w.promise);
        } finally {
          w.done();
        }
        const endAt = this.clock.now();
        talkSec = Math.round((endAt - bridgeAt) / 1000);
        const interrupt = this.pendingInterrupt;
        this.pendingInterrupt = null;
        const by =
          interrupt ??
          (Number.isFinite(planned) && planned > verb.timeLimit ? 'application' : (this.scenario.hangup ?? 'caller'));
        if (by === 'caller' || by === 'api') {
          this.callerGone = true;
          this.hungUpBy = by;
        } else if (by === 'callee') {
          this.hungUpBy = 'callee';
        }
        if (recording && (recording.status === 'in-progress' || recording.status === 'paused')) {
          this.finishRecording(recording, (endAt - recording.startTime) / 1000);
        }
        this.bridged = null;
        endLeg(winner, 'completed', endAt);
        dialCallStatus = 'completed';
      } else {
        // Declined in the whisper (or the caller left during it): answered, never connected.
        endLeg(winner, 'completed', this.clock.now());
        dialCallStatus = 'completed';
      }
    }

    const first = answeredLeg ?? legs[0] ?? null;
    outcome = {
      callSid: first?.child.sid ?? null,
      to: first?.child.to ?? verb.targets[0]?.number ?? '',
      callerId,
      status: first?.child.status ?? 'failed',
      dialCallStatus,
      bridged,
      ringSec: Math.round(((answeredLeg?.child.answerTime ?? endedAt) - ringStart) / 1000),
      talkSec,
      recordingSid: recording?.sid ?? null,
    };
    this.dials.push(outcome);

    if (!verb.action) return this.callerGone ? 'stop' : 'continue';
    const params: Record<string, string> = {
      ...this.baseParams(this.parent, this.liveStatus()),
      DialCallStatus: dialCallStatus,
      DialBridged: String(bridged),
    };
    if (first) params.DialCallSid = first.child.sid;
    if (first?.child.answerTime != null && first.child.endTime != null) {
      params.DialCallDuration = String(Math.round((first.child.endTime - first.child.answerTime) / 1000));
    }
    if (recording) {
      params.RecordingUrl = this.recordingUrl(recording);
      params.RecordingSid = recording.sid;
      params.RecordingDuration = String(recording.duration ?? 0);
    }
    const action = new URL(verb.action, docUrl).href;
    if (this.callerGone) {
      // Twilio still reports the outcome; what the application answers is not executed.
      await this.request('dial-action', action, verb.method, params);
      return 'stop';
    }
    const doc = await this.fetchTwiml('dial-action', action, verb.method, params);
    if (!doc) {
      this.applicationError();
      return 'stop';
    }
    return doc;
  }

  /** Runs the whisper on the dialled leg; false when it hung up (declined) instead of letting the call connect. */
  private async runWhisper(
    verbs: VoiceVerb[],
    docUrl: string,
    winner: { behaviour: { input: GatherAnswer[] } },
    child: LegRecord,
    depth = 0,
  ): Promise<boolean> {
    for (const verb of verbs) {
      if (this.callerGone) return false;
      switch (verb.kind) {
        case 'Say':
        case 'Play':
        case 'Pause':
          if (!(await this.play(verb, 'callee'))) return false;
          break;
        case 'Gather': {
          const next = await this.gather(verb, docUrl, winner.behaviour.input, 'callee', child);
          if (next === 'stop') return false;
          if (next !== 'continue') return depth < 10 && this.runWhisper(next.verbs, next.url, winner, child, depth + 1);
          break;
        }
        case 'Hangup':
        case 'Reject':
          return false;
        case 'Redirect': {
          const doc = await this.fetchTwiml(
            'whisper',
            new URL(verb.url, docUrl).href,
            verb.method,
            this.baseParams(child, 'in-progress'),
          );
          return !!doc && depth < 10 && this.runWhisper(doc.verbs, doc.url, winner, child, depth + 1);
        }
        default:
          this.warnings.push({ code: 13217, message: `<${verb.kind}> is not allowed in a <Number url> whisper` });
      }
    }
    return true;
  }

  /** <Record>: the caller leaves a message; the action URL gets it (also after a hang-up, with Digits=hangup). */
  private async record(verb: RecordVerb, docUrl: string): Promise<Flow | { verbs: VoiceVerb[]; url: string }> {
    if (verb.playBeep && !(await this.spend(0.5))) return 'stop';
    const vm = this.scenario.voicemail ?? {};
    const text =
      vm.text ??
      fillService(
        VOICEMAIL_LINES[parseInt(this.parent.sid.slice(2, 6), 16) % VOICEMAIL_LINES.length],
        this.scenario.service,
      );
    const speech = estimateDuration(text, this.callerVoice);
    const start = this.clock.now();
    const speaking = Math.min(verb.maxLength, speech + 0.6);
    if (!(await this.spend(speaking))) {
      // Hung up from outside while speaking: handled below like a hang-up.
    }
    let digits = '';
    if (this.callerGone || (vm.hangup ?? true)) {
      digits = 'hangup';
      if (!this.callerGone) {
        this.callerGone = true;
        this.hungUpBy = 'caller';
      }
    } else if (vm.key && verb.finishOnKey.includes(vm.key)) {
      digits = vm.key;
    } else {
      await this.spend(verb.timeout);
    }
    const end = this.clock.now();
    const r: RecordingRecord = {
      sid: newSid('RE'),
      accountSid: this.env.accountSid,
      callSid: this.parent.sid,
      source: 'RecordVerb',
      channels: 1,
      startTime: start,
      status: 'completed',
      // trim-silence is Record's default: the stored message is the speech.
      duration: Math.max(1, Math.round(Math.min(speaking, (end - start) / 1000))),
      lines: [
        {
          channel: 1,
          speaker: this.callerLabel(),
          voice: this.callerVoice,
          text,
          start: 0.3,
          duration: speech,
        },
      ],
      paused: [],
      stoppedAt: null,
      callback: verb.recordingStatusCallback
        ? {
            url: new URL(verb.recordingStatusCallback, docUrl).href,
            method: verb.recordingStatusCallbackMethod,
            events: [...verb.recordingStatusCallbackEvent],
          }
        : null,
      speakers: { '1': this.callerLabel() },
      dateCreated: Date.now(),
      dateUpdated: Date.now(),
    };
    this.made.push(r);
    this.env.recordings.add(r);
    this.recordingCallback(r, 'completed', end + 1000);
    const params = {
      ...this.baseParams(this.parent, this.liveStatus()),
      RecordingUrl: this.recordingUrl(r),
      RecordingSid: r.sid,
      RecordingDuration: String(r.duration),
      Digits: digits,
    };
    const action = new URL(verb.action ?? docUrl, docUrl).href;
    if (this.callerGone) {
      await this.request('record-action', action, verb.method, params);
      return 'stop';
    }
    const doc = await this.fetchTwiml('record-action', action, verb.method, params);
    return doc ?? 'stop';
  }
}
