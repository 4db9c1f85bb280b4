import type { RecordVerb } from '../../twiml';
import { VOICEMAIL_LINES, fillService } from '../../scripts';
import { estimateDuration } from '../../speech';
import type { CallLine, Next } from '../line';
import { recordingUrl, voicemailRecording } from '../recording';

/**
 * <Record>: the caller leaves a message (the scenario's, else a voicemail line picked from the call SID) and
 * hangs up, presses a finishOnKey, or falls silent for `timeout`; the action URL gets the recording, also after
 * a hang-up (Digits=hangup), when what it answers is not run.
 */
export async function record(line: CallLine, verb: RecordVerb, docUrl: string): Promise<Next> {
  if (verb.playBeep && !(await line.spend(0.5))) return 'stop';
  const vm = line.scenario.voicemail ?? {};
  const text =
    vm.text ??
    fillService(
      VOICEMAIL_LINES[parseInt(line.parent.sid.slice(2, 6), 16) % VOICEMAIL_LINES.length],
      line.scenario.service,
    );
  const speech = estimateDuration(text, line.callerVoice);
  const start = line.clock.now();
  const speaking = Math.min(verb.maxLength, speech + 0.6);
  // A hang-up from outside while speaking is handled below like the caller's own.
  await line.spend(speaking);
  let digits = '';
  if (line.callerGone || (vm.hangup ?? true)) {
    digits = 'hangup';
    if (!line.callerGone) {
      line.callerGone = true;
      line.hungUpBy = 'caller';
    }
  } else if (vm.key && verb.finishOnKey.includes(vm.key)) {
    digits = vm.key;
  } else {
    await line.spend(verb.timeout);
  }
  const end = line.clock.now();
  const r = voicemailRecording(line, verb, docUrl, { text, speech, speaking, start, end });
  const params = {
    ...line.baseParams(line.parent, line.liveStatus()),
    RecordingUrl: recordingUrl(line, r),
    RecordingSid: r.sid,
    RecordingDuration: String(r.duration),
    Digits: digits,
  };
  const action = new URL(verb.action ?? docUrl, docUrl).href;
  if (line.callerGone) {
    await line.request('record-action', action, verb.method, params);
    return 'stop';
  }
  const doc = await line.fetchTwiml('record-action', action, verb.method, params);
  return doc ?? 'stop';
}
