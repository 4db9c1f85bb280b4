import type { GatherVerb } from '../../twiml';
import type { CallLine, Next } from '../line';
import { promptDuration } from '../timing';
import type { GatherAnswer, LegRecord } from '../types';
import { playPrompt } from './prompt';

/**
 * Which of a party's prepared answers this <Gather> gets: one kept for it (its `when` phrase is in the
 * prompt), else the next one without a phrase; null when none is left.
 */
export function takeAnswer(inputs: GatherAnswer[], verb: GatherVerb): GatherAnswer {
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

/**
 * <Gather>: prompts play; a key press interrupts them; the digits go to the action URL when numDigits is
 * reached, a finishOnKey is pressed, or `timeout` seconds pass after the last key. No input: on to the next
 * verb (or the action with empty Digits when actionOnEmptyResult). The caller gathers on the parent leg; the
 * dialled party gathers in the whisper, on its own leg, and can neither leave at the caller's patience nor
 * hear the application error.
 */
export async function gather(
  line: CallLine,
  verb: GatherVerb,
  docUrl: string,
  inputs: GatherAnswer[],
  side: 'caller' | 'callee',
  leg: LegRecord,
): Promise<Next> {
  const answer = takeAnswer(inputs, verb);
  const promptTotal = verb.prompts.reduce((s, p) => s + promptDuration(p), 0);
  const press =
    answer === null || answer === undefined
      ? null
      : typeof answer === 'string'
        ? { digits: answer, afterSec: 0.5 }
        : { digits: answer.digits, afterSec: answer.afterPrompts ? promptTotal : (answer.afterSec ?? 0.5) };
  const callerMayLeave = side === 'caller';
  let keys: { collected: string; finishedOnKey: string } | 'stop';
  if (press && press.afterSec <= promptTotal + verb.timeout) {
    keys = await pressKeys(line, verb, side, press, callerMayLeave);
  } else {
    keys = { collected: '', finishedOnKey: '' };
    for (const p of verb.prompts) if (!(await playPrompt(line, p, side, callerMayLeave))) return 'stop';
    if (!(await line.spend(verb.timeout, { callerMayLeave }))) return 'stop';
  }
  if (keys === 'stop') return 'stop';
  if (keys.collected === '' && !verb.actionOnEmptyResult) return 'continue';
  const action = new URL(verb.action ?? docUrl, docUrl).href;
  const doc = await line.fetchTwiml(side === 'caller' ? 'gather-action' : 'whisper', action, verb.method, {
    ...line.baseParams(leg, side === 'caller' ? line.liveStatus() : 'in-progress'),
    Digits: keys.collected,
    FinishedOnKey: keys.finishedOnKey,
    msg: 'Gather End',
  });
  if (!doc) {
    if (side === 'caller') line.applicationError();
    return 'stop';
  }
  return doc;
}

/** The prompts up to the key press, which interrupts them; then the keys, 0.3 s apart, until the Gather ends. */
async function pressKeys(
  line: CallLine,
  verb: GatherVerb,
  side: 'caller' | 'callee',
  press: { digits: string; afterSec: number },
  callerMayLeave: boolean,
): Promise<{ collected: string; finishedOnKey: string } | 'stop'> {
  let elapsed = 0;
  for (const p of verb.prompts) {
    if (elapsed >= press.afterSec) break;
    const d = promptDuration(p);
    const cut = elapsed + d > press.afterSec;
    if (p.kind === 'Say')
      line.heard[side].push({
        at: line.seconds(),
        text: p.text,
        voice: p.voice,
        language: p.language,
        interrupted: cut,
      });
    if (!(await line.spend(Math.min(d, press.afterSec - elapsed), { callerMayLeave }))) return 'stop';
    elapsed += Math.min(d, press.afterSec - elapsed);
  }
  if (elapsed < press.afterSec && !(await line.spend(press.afterSec - elapsed, { callerMayLeave }))) return 'stop';
  let collected = '';
  let finishedOnKey = '';
  let submitted = false;
  for (const [i, ch] of [...press.digits].entries()) {
    if (i > 0 && !(await line.spend(0.3, { callerMayLeave }))) return 'stop';
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
  if (!submitted && !(await line.spend(verb.timeout, { callerMayLeave }))) return 'stop';
  return { collected, finishedOnKey };
}
