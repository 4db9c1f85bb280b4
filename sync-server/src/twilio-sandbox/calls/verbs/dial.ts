import type { RecordingRecord } from '../../recordings';
import { voiceForNumber } from '../../speech';
import type { DialVerb } from '../../twiml';
import { conversation } from '../conversation';
import { childCallback, endLeg, type DialledLeg } from '../leg-status';
import type { CallLine, Next } from '../line';
import { finishRecording, isRecording, recordConversation, recordingUrl, startDialRecording } from '../recording';
import { E164, type DialOutcome } from '../types';
import { runWhisper } from './whisper';

/**
 * <Dial>: rings every <Number> at once, connects the first to answer (after its whisper, if any), records
 * as asked, and reports to the action URL; per-leg progress goes to each <Number>'s statusCallback. In steps:
 * place the legs, let them ring, then end them unanswered or connect the one that answered, and report.
 */
export async function dial(line: CallLine, verb: DialVerb, docUrl: string): Promise<Next> {
  const dialStart = line.clock.now();
  const callerId = verb.callerId ?? line.parent.from;
  const legs = placeLegs(line, verb, docUrl, callerId, dialStart);
  const rung = await ring(line, verb, legs, dialStart);

  let dialCallStatus: DialOutcome['dialCallStatus'];
  let talked: Talk = { bridged: false, talkSec: 0, recording: null };
  if (!rung.stillThere) {
    // The caller gave up (or was hung up on) while it rang.
    for (const l of legs) endUnanswered(line, l, 'canceled', rung);
    dialCallStatus = legs.length ? 'canceled' : 'failed';
  } else if (!rung.winner) {
    for (const l of legs) endUnanswered(line, l, 'no-answer', rung);
    dialCallStatus =
      legs.length === 0
        ? 'failed'
        : rung.ringing.length
          ? 'no-answer'
          : legs.some((l) => l.behaviour.busy)
            ? 'busy'
            : 'failed';
  } else {
    talked = await connect(line, verb, docUrl, legs, rung.winner, rung);
    dialCallStatus = 'completed';
  }

  const first = rung.winner ?? legs[0] ?? null;
  const outcome: DialOutcome = {
    callSid: first?.child.sid ?? null,
    to: first?.child.to ?? verb.targets[0]?.number ?? '',
    callerId,
    status: first?.child.status ?? 'failed',
    dialCallStatus,
    bridged: talked.bridged,
    ringSec: Math.round(((rung.winner?.child.answerTime ?? rung.endedAt) - rung.ringStart) / 1000),
    talkSec: talked.talkSec,
    recordingSid: talked.recording?.sid ?? null,
  };
  line.dials.push(outcome);
  return reportToAction(line, verb, docUrl, outcome, first, talked.recording);
}

interface Rung {
  /** When the phones started ringing (a second after dialling). */
  ringStart: number;
  /** When ringing ended: answered, timed out, or the caller left. */
  endedAt: number;
  /** The legs that rang (not busy, not unreachable). */
  ringing: DialledLeg[];
  /** The leg that picked up first within the timeout, if the caller was still there. */
  winner: DialledLeg | null;
  /** False when the caller left (patience, or hung up on) while it rang. */
  stillThere: boolean;
}

interface Talk {
  bridged: boolean;
  talkSec: number;
  recording: RecordingRecord | null;
}

/** One leg per dialable <Number>, each with its initiated callback. Warns of what the sandbox cannot dial. */
function placeLegs(line: CallLine, verb: DialVerb, docUrl: string, callerId: string, at: number): DialledLeg[] {
  for (const noun of verb.unsupported)
    line.warnings.push({ code: 13201, message: `Dial: the sandbox cannot dial <${noun}>` });
  const badCallerId = !E164.test(callerId) && callerId !== line.parent.from;
  if (badCallerId) line.warnings.push({ code: 13214, message: `Dial: invalid callerId "${callerId}"` });
  // Relative callback URLs resolve against the document that named them, as Twilio resolves them.
  const targets = (badCallerId ? [] : verb.targets.filter((t) => E164.test(t.number))).map((t) => ({
    ...t,
    statusCallback: t.statusCallback ? new URL(t.statusCallback, docUrl).href : null,
  }));
  const legs = targets.map((target) => ({
    target,
    child: line.newChildLeg(callerId, target.number, at),
    behaviour: behaviourFor(line, target.number),
  }));
  for (const l of legs) childCallback(line, l.target, l.child, 'initiated', at);
  return legs;
}

/** How a dialled phone behaves: the scenario's word for it, else the phone's profile, else it answers in 5 s. */
function behaviourFor(line: CallLine, number: string): DialledLeg['behaviour'] {
  const profile = line.env.phones.get(number);
  const b = line.scenario.callees?.[number] ?? line.scenario.callee ?? {};
  return {
    answer: b.answer ?? profile?.answers ?? true,
    busy: b.busy ?? profile?.busy ?? false,
    unreachable: b.unreachable ?? profile?.unreachable ?? false,
    ringSec: b.ringSec ?? profile?.ringSec ?? 5,
    input: [...(b.input ?? [])],
  };
}

/**
 * Ringing starts a second after dialling (the network's post-dial delay); busy and unreachable phones say so
 * then. The quickest phone to pick up within the timeout wins; time passes until then, or the timeout.
 */
async function ring(line: CallLine, verb: DialVerb, legs: DialledLeg[], dialStart: number): Promise<Rung> {
  const ringStart = dialStart + 1000;
  const ringing = legs.filter((l) => !l.behaviour.busy && !l.behaviour.unreachable);
  for (const l of ringing) {
    l.child.status = 'ringing';
    childCallback(line, l.target, l.child, 'ringing', ringStart);
  }
  const timeoutAt = dialStart + verb.timeout * 1000;
  const answering = ringing
    .filter((l) => l.behaviour.answer && ringStart + l.behaviour.ringSec * 1000 < timeoutAt)
    .sort((x, y) => x.behaviour.ringSec - y.behaviour.ringSec);
  const winner = answering[0] ?? null;
  const ringEnd = winner ? ringStart + winner.behaviour.ringSec * 1000 : ringing.length ? timeoutAt : ringStart;
  const stillThere = await line.spend((ringEnd - line.clock.now()) / 1000);
  return { ringStart, endedAt: line.clock.now(), ringing, winner: stillThere ? winner : null, stillThere };
}

/** A leg nobody talked on: busy and unreachable phones ended when ringing began, the others when it stopped. */
function endUnanswered(line: CallLine, l: DialledLeg, otherwise: 'canceled' | 'no-answer', rung: Rung): void {
  const refused = l.behaviour.busy || l.behaviour.unreachable;
  endLeg(
    line,
    l,
    l.behaviour.busy ? 'busy' : l.behaviour.unreachable ? 'failed' : otherwise,
    refused ? rung.ringStart : rung.endedAt,
  );
}

/**
 * The winner answered: the others stop ringing, its whisper runs, and if it lets the call through the caller is
 * connected (and answered, for answerOnBridge), recorded as asked, and they talk until someone hangs up.
 */
async function connect(
  line: CallLine,
  verb: DialVerb,
  docUrl: string,
  legs: DialledLeg[],
  winner: DialledLeg,
  rung: Rung,
): Promise<Talk> {
  const child = winner.child;
  child.answerTime = rung.endedAt;
  child.status = 'in-progress';
  childCallback(line, winner.target, child, 'answered', rung.endedAt);
  for (const l of legs)
    if (l !== winner)
      endLeg(line, l, l.behaviour.busy ? 'busy' : l.behaviour.unreachable ? 'failed' : 'canceled', rung.endedAt);

  let accepted = true;
  if (winner.target.url) {
    const url = new URL(winner.target.url, docUrl).href;
    const doc = await line.fetchTwiml('whisper', url, winner.target.method, line.baseParams(child, 'in-progress'));
    accepted = doc ? await runWhisper(line, doc.verbs, doc.url, winner.behaviour.input, child) : false;
  }
  if (line.callerGone) accepted = false;
  if (!accepted) {
    // Declined in the whisper (or the caller left during it): answered, never connected.
    endLeg(line, winner, 'completed', line.clock.now());
    return { bridged: false, talkSec: 0, recording: null };
  }
  return talk(line, verb, docUrl, winner, rung.ringStart);
}

/** The bridged conversation: recorded as <Dial record> asks, for the scenario's talk time or the time limit. */
async function talk(
  line: CallLine,
  verb: DialVerb,
  docUrl: string,
  winner: DialledLeg,
  ringStart: number,
): Promise<Talk> {
  const child = winner.child;
  const calleeVoice =
    line.scenario.voices?.callee ?? line.env.phones.get(child.to)?.voice ?? voiceForNumber(child.to, line.callerVoice);
  line.answerParent();
  const bridgeAt = line.clock.now();
  const recording =
    verb.record !== 'do-not-record' ? startDialRecording(line, verb, docUrl, { ringStart, bridgeAt }) : null;
  line.bridge(child, recording);

  const convo = conversation(line, calleeVoice, 0);
  if (recording) recordConversation(line, recording, convo.lines, bridgeAt);
  const planned = line.scenario.talkSec === 'manual' ? Infinity : (line.scenario.talkSec ?? Math.ceil(convo.end + 1.5));
  await line.wait(Math.min(planned, verb.timeLimit));
  const endAt = line.clock.now();
  const interrupt = line.pendingInterrupt;
  line.pendingInterrupt = null;
  const by =
    interrupt ??
    (Number.isFinite(planned) && planned > verb.timeLimit ? 'application' : (line.scenario.hangup ?? 'caller'));
  if (by === 'caller' || by === 'api') {
    line.callerGone = true;
    line.hungUpBy = by;
  } else if (by === 'callee') {
    line.hungUpBy = 'callee';
  }
  if (isRecording(recording)) finishRecording(line, recording, (endAt - recording.startTime) / 1000);
  line.bridged = null;
  endLeg(line, winner, 'completed', endAt);
  return { bridged: true, talkSec: Math.round((endAt - bridgeAt) / 1000), recording };
}

/**
 * The action URL gets DialCallStatus and the rest; the call goes on with what it answers. Without an action
 * the call goes on to the next verb. A caller already gone is still reported, but the answer is not run.
 */
async function reportToAction(
  line: CallLine,
  verb: DialVerb,
  docUrl: string,
  outcome: DialOutcome,
  first: DialledLeg | null,
  recording: RecordingRecord | null,
): Promise<Next> {
  if (!verb.action) return line.callerGone ? 'stop' : 'continue';
  const params: Record<string, string> = {
    ...line.baseParams(line.parent, line.liveStatus()),
    DialCallStatus: outcome.dialCallStatus,
    DialBridged: String(outcome.bridged),
  };
  if (first) params.DialCallSid = first.child.sid;
  if (first?.child.answerTime != null && first.child.endTime != null) {
    params.DialCallDuration = String(Math.round((first.child.endTime - first.child.answerTime) / 1000));
  }
  if (recording) {
    params.RecordingUrl = recordingUrl(line, recording);
    params.RecordingSid = recording.sid;
    params.RecordingDuration = String(recording.duration ?? 0);
  }
  const action = new URL(verb.action, docUrl).href;
  if (line.callerGone) {
    await line.request('dial-action', action, verb.method, params);
    return 'stop';
  }
  const doc = await line.fetchTwiml('dial-action', action, verb.method, params);
  if (!doc) {
    line.applicationError();
    return 'stop';
  }
  return doc;
}
