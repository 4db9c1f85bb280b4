import { newSid } from '../ids';
import type { RecordingRecord } from '../recordings';
import { voiceForNumber } from '../speech';
import { parseVoiceTwiml, TwimlParseError, type HttpMethod, type TwimlWarning, type VoiceVerb } from '../twiml';
import { seededRandom } from '../../../../shared/random';
import { CallbackOutbox, type WebhookKind, type WebhookLogEntry } from '../webhooks';
import { CallClock } from './clock';
import type { CallSimulation } from './simulation';
import {
  WITHHELD_FROM,
  type CallEnvironment,
  type CallResult,
  type CallScenario,
  type CallStatus,
  type DialOutcome,
  type GatherAnswer,
  type LegRecord,
} from './types';
import { errorMessage } from '../../../../shared/objects';

/** A TwiML document fetched for the call: its verbs, and its URL (relative URLs in it resolve against it). */
export interface TwimlDoc {
  verbs: VoiceVerb[];
  url: string;
}

/** What a verb leaves the call to do: go on to the next verb, stop, or run the document it fetched instead. */
export type Next = 'continue' | 'stop' | TwimlDoc;

/**
 * The state of one call that the verb executors share: its clock, the parent leg, what each party heard, the
 * legs dialled and recordings made, and who has hung up; with the primitives they all use (time passing,
 * answering, requests to the application). The executors (verbs/) change it; CallSimulation drives them.
 */
export class CallLine {
  readonly parent: LegRecord;
  readonly clock: CallClock;
  readonly virtual: boolean;
  readonly requests: WebhookLogEntry[] = [];
  readonly warnings: TwimlWarning[] = [];
  readonly outbox: CallbackOutbox;
  /** The caller's answers to <Gather>s not yet asked. */
  readonly callerInput: GatherAnswer[];
  readonly heard: CallResult['heard'] = { caller: [], callee: [] };
  readonly dials: DialOutcome[] = [];
  /** Recordings made on this call, in order. */
  readonly made: RecordingRecord[] = [];
  /** Seeded from the callbacks' chaos seed or the call SID: the conversation's pauses. */
  readonly random: () => number;
  readonly callerVoice: string;
  callerGone = false;
  hungUpBy: CallResult['hungUpBy'] = null;
  /** A <Reject> before answering: the parent's final status. */
  rejected: 'busy' | 'no-answer' | null = null;
  /** The dialled leg the caller is talking to, and the <Dial>'s recording, while bridged. */
  bridged: { child: LegRecord; recording: RecordingRecord | null } | null = null;
  /** An outside hang-up not yet applied. */
  pendingInterrupt: 'caller' | 'callee' | 'api' | null = null;
  private readonly wakers = new Set<() => void>();
  private readonly sequence = new Map<string, number>();
  private readonly bridgedSignal: { promise: Promise<void>; resolve: () => void };

  constructor(
    readonly env: CallEnvironment,
    readonly scenario: CallScenario,
    /** The simulation this line belongs to: live legs point at it for REST hang-ups and recording updates. */
    readonly owner: CallSimulation,
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
      live: owner,
    };
    const chaos = { ...env.defaultChaos, ...scenario.callbacks };
    this.outbox = new CallbackOutbox(env.webhooks, chaos, this.requests);
    this.callerInput = [...(scenario.callerInput ?? [])];
    this.random = seededRandom(chaos.seed ?? parseInt(this.parent.sid.slice(2, 10), 16));
    this.callerVoice = scenario.voices?.caller ?? env.phones.get(scenario.from)?.voice ?? voiceForNumber(scenario.from);
    let resolve!: () => void;
    this.bridgedSignal = { promise: new Promise<void>((r) => (resolve = r)), resolve };
  }

  /** Resolves when the caller is connected to the dialled party (never, if they are not). */
  get whenBridged(): Promise<void> {
    return this.bridgedSignal.promise;
  }

  bridge(child: LegRecord, recording: RecordingRecord | null): void {
    this.bridged = { child, recording };
    this.bridgedSignal.resolve();
  }

  /** An outside hang-up: wakes whatever wait the call is in. */
  interrupt(by: 'caller' | 'callee' | 'api'): void {
    this.pendingInterrupt = by;
    for (const wake of this.wakers) wake();
  }

  /** A promise an outside hang-up resolves (at once if one is pending); `done` stops listening. */
  woken(): { promise: Promise<void>; done: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    if (this.pendingInterrupt) wake();
    this.wakers.add(wake);
    return { promise, done: () => this.wakers.delete(wake) };
  }

  /** Lets up to `sec` seconds pass, or until an outside hang-up; returns the seconds that passed. */
  async wait(sec: number): Promise<number> {
    const w = this.woken();
    try {
      return await this.clock.pass(sec, w.promise);
    } finally {
      w.done();
    }
  }

  /** Time passes on the call; stops early at the caller's patience limit or an outside hang-up. */
  async spend(sec: number, opts: { callerMayLeave: boolean } = { callerMayLeave: true }): Promise<boolean> {
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
    await this.wait(budget);
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

  answerParent(): void {
    if (this.parent.answerTime === null && !this.callerGone) {
      this.parent.answerTime = this.clock.now();
      this.parent.status = 'in-progress';
    }
  }

  /** Seconds since the call started, to a tenth. */
  seconds(): number {
    return Math.round((this.clock.now() - this.parent.startTime) / 100) / 10;
  }

  /** The caller's transcript label: as given, else their role (a caller is a customer unless told otherwise). */
  callerLabel(): string {
    return this.scenario.speakers?.caller ?? this.scenario.roles?.caller ?? 'customer';
  }

  /** A new leg of this call (a <Dial>'s <Number>), registered so the REST API can see it. */
  newChildLeg(from: string, to: string, at: number): LegRecord {
    const child: LegRecord = {
      sid: newSid('CA'),
      accountSid: this.env.accountSid,
      parentSid: this.parent.sid,
      from,
      to,
      direction: 'outbound-dial',
      status: 'initiated',
      startTime: at,
      answerTime: null,
      endTime: null,
      live: this.owner,
    };
    this.env.registerLeg(child);
    return child;
  }

  /** The parameters Twilio sends with every request about a leg. */
  baseParams(leg: LegRecord, status: CallStatus): Record<string, string> {
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

  /** The parent leg's CallStatus while the call runs. */
  liveStatus(): CallStatus {
    return this.callerGone ? 'completed' : this.parent.answerTime === null ? 'ringing' : 'in-progress';
  }

  /** SequenceNumber of a leg's status callbacks: 0, 1, 2 … per leg. */
  nextSequence(sid: string): number {
    const n = this.sequence.get(sid) ?? 0;
    this.sequence.set(sid, n + 1);
    return n;
  }

  /** A request to the application whose answer is not TwiML to run (or is ignored). */
  async request(
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
  async fetchTwiml(
    kind: WebhookKind,
    url: string,
    method: HttpMethod,
    params: Record<string, string>,
    fallback?: { url: string; method: HttpMethod },
  ): Promise<TwimlDoc | null> {
    const entry = await this.request(kind, url, method, params);
    const problem = twimlProblem(entry);
    if (!problem) {
      try {
        const parsed = parseVoiceTwiml(entry.body);
        this.warnings.push(...parsed.warnings);
        return { verbs: parsed.verbs, url };
      } catch (err) {
        this.warnings.push({
          code: err instanceof TwimlParseError ? err.code : 12100,
          message: `${url}: ${errorMessage(err)}`,
        });
      }
    } else {
      this.warnings.push(problem);
    }
    if (fallback?.url) return this.fetchTwiml(kind, fallback.url, fallback.method, params);
    return null;
  }

  /** What the caller hears when the application fails them. */
  applicationError(): void {
    this.heard.caller.push({
      at: this.seconds(),
      text: 'We are sorry, an application error has occurred. Goodbye.',
      voice: null,
      language: null,
      interrupted: false,
    });
  }
}

function countryOf(number: string): string {
  if (number.startsWith('+44')) return 'GB';
  if (number.startsWith('+1')) return 'US';
  if (number.startsWith('+353')) return 'IE';
  return '';
}

/** Why an answer is not TwiML Twilio would run (11200 retrieval failure, 12300 wrong content type), or null. */
function twimlProblem(entry: WebhookLogEntry): TwimlWarning | null {
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
