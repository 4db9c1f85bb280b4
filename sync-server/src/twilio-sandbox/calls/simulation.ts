import type { OwnedNumber } from '../numbers';
import type { RecordingRecord } from '../recordings';
import type { VoiceVerb } from '../twiml';
import { parentStatusCallback } from './leg-status';
import { CallLine, type Next } from './line';
import { finishRecording, isRecording, recordingUrl } from './recording';
import { E164, type CallEnvironment, type CallResult, type CallScenario, type LegRecord } from './types';
import { dial } from './verbs/dial';
import { gather } from './verbs/gather';
import { hangup, reject } from './verbs/hangup';
import { playPrompt } from './verbs/prompt';
import { record } from './verbs/record';
import { redirect } from './verbs/redirect';

/**
 * One simulated inbound call: fetches the number's voice URL and runs the TwiML verb by verb, each verb by
 * its executor in verbs/ (Say/Play/Pause, Gather, Dial with its whisper, Record, Hangup, Reject, Redirect),
 * then reports the call's end. Outside the TwiML, the REST API and the phones can hang up legs and stop or
 * pause the recording while it runs.
 */
export class CallSimulation {
  private readonly line: CallLine;

  constructor(
    private readonly env: CallEnvironment,
    private readonly scenario: CallScenario,
  ) {
    this.line = new CallLine(env, scenario, this);
    env.registerLeg(this.line.parent);
  }

  get parent(): LegRecord {
    return this.line.parent;
  }

  get callSid(): string {
    return this.line.parent.sid;
  }

  /** Resolves when the caller is connected to the dialled party (never, if they are not). */
  get whenBridged(): Promise<void> {
    return this.line.whenBridged;
  }

  /** Current time on this call's clock (epoch ms). */
  now(): number {
    return this.line.clock.now();
  }

  /**
   * Ends the call from outside the TwiML: the caller or callee puts the phone down, or the REST API
   * (Calls/{Sid}.json Status=completed) ends it.
   */
  hangup(by: 'caller' | 'callee' | 'api'): void {
    this.line.interrupt(by);
  }

  /** Hang-up of a specific leg through the REST API. */
  hangupLeg(sid: string): boolean {
    if (sid === this.line.parent.sid) {
      this.hangup('api');
      return true;
    }
    if (this.line.bridged?.child.sid === sid) {
      this.hangup('callee');
      return true;
    }
    return false;
  }

  activeRecording(): RecordingRecord | null {
    const r = this.line.bridged?.recording ?? null;
    return isRecording(r) ? r : null;
  }

  /** Seconds into recording `r` right now. */
  recordingOffset(r: RecordingRecord): number {
    return Math.max(0, (this.line.clock.now() - r.startTime) / 1000);
  }

  /** A recording stopped through the REST API is final at once: Twilio processes it and calls back. */
  finishRecording(r: RecordingRecord, at: number): void {
    finishRecording(this.line, r, at);
  }

  async run(): Promise<CallResult> {
    const { line, scenario } = this;
    const number = this.env.numbers.lookup(scenario.to);
    if (!E164.test(scenario.to) || !number) {
      line.warnings.push({ code: 21211, message: `${scenario.to} is not a number of this account` });
      line.parent.status = 'failed';
    } else if (!number.voiceUrl) {
      line.warnings.push({ code: 11750, message: `${number.phoneNumber} has no voice URL configured` });
      line.parent.status = 'failed';
    } else {
      const doc = await line.fetchTwiml(
        'voice',
        number.voiceUrl,
        number.voiceMethod,
        line.baseParams(line.parent, 'ringing'),
        {
          url: number.voiceFallbackUrl,
          method: number.voiceFallbackMethod,
        },
      );
      if (doc) await this.execute(doc.verbs, doc.url);
      else {
        line.answerParent();
        line.applicationError();
      }
    }
    return this.finish(number);
  }

  /** Runs a TwiML document on the caller's leg: each verb by its executor, until one stops or replaces it. */
  private async execute(verbs: VoiceVerb[], docUrl: string): Promise<void> {
    const { line } = this;
    for (const verb of verbs) {
      if (line.callerGone) return;
      // Any verb answers the call, except <Reject> and a <Dial answerOnBridge> (answered when bridged).
      if (verb.kind !== 'Reject' && !(verb.kind === 'Dial' && verb.answerOnBridge)) line.answerParent();
      const next = await this.executeVerb(verb, docUrl);
      if (next === 'stop') return;
      if (next !== 'continue') return this.execute(next.verbs, next.url);
    }
  }

  private async executeVerb(verb: VoiceVerb, docUrl: string): Promise<Next> {
    const { line } = this;
    switch (verb.kind) {
      case 'Say':
      case 'Play':
      case 'Pause':
        await playPrompt(line, verb, 'caller');
        return 'continue';
      case 'Gather':
        return gather(line, verb, docUrl, line.callerInput, 'caller', line.parent);
      case 'Dial':
        return dial(line, verb, docUrl);
      case 'Record':
        return record(line, verb, docUrl);
      case 'Hangup':
        return hangup(line);
      case 'Reject':
        return reject(line, verb);
      case 'Redirect':
        return redirect(line, verb, docUrl, 'caller', line.parent);
    }
  }

  /** The call's end: final statuses, open recordings finished, the status callback, and what happened. */
  private async finish(number: OwnedNumber | null): Promise<CallResult> {
    const { line } = this;
    const p = line.parent;
    p.endTime = line.clock.now();
    if (p.status !== 'failed') {
      if (p.answerTime !== null) p.status = 'completed';
      else if (line.rejected) p.status = line.rejected;
      else p.status = line.callerGone ? 'canceled' : 'no-answer';
    }
    if (!line.hungUpBy && !line.callerGone) line.hungUpBy = p.status === 'completed' ? 'application' : null;
    p.live = null;
    for (const r of line.made) if (isRecording(r)) finishRecording(line, r, (p.endTime - r.startTime) / 1000);
    const duration = p.answerTime === null ? 0 : Math.round((p.endTime - p.answerTime) / 1000);
    if (number?.statusCallback) parentStatusCallback(line, number.statusCallback, number.statusCallbackMethod);
    await line.outbox.drain();
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
      hungUpBy: line.hungUpBy,
      heard: line.heard,
      dials: line.dials,
      recordings: line.made.map((r) => ({
        sid: r.sid,
        url: recordingUrl(line, r),
        duration: r.duration,
        channels: r.channels,
        source: r.source,
        status: r.status,
      })),
      requests: line.requests,
      warnings: line.warnings,
    };
  }
}
