import crypto from 'node:crypto';
import type { SpokenLine } from '../recordings';
import { SCRIPTS, fillService, scriptById } from '../scripts';
import { estimateDuration } from '../speech';
import type { CallLine } from './line';
import type { ConversationLineInput } from './types';

/**
 * The conversation once the parties are bridged: the scenario's lines, or a script's (named, else picked from
 * the call SID among those the caller's role opens), timed by their synthesised length with short natural
 * pauses, starting at `offset` seconds. `end` is when the last line is over.
 */
export function conversation(
  line: CallLine,
  calleeVoice: string,
  offset: number,
): { lines: SpokenLine[]; end: number } {
  const { scenario } = line;
  const roles = scenario.roles ?? { caller: 'customer', callee: 'assessor' };
  const speakers = {
    caller: scenario.speakers?.caller ?? roles.caller,
    callee: scenario.speakers?.callee ?? roles.callee,
  };
  let input: ConversationLineInput[];
  if (Array.isArray(scenario.conversation)) {
    input = scenario.conversation;
  } else {
    const candidates = SCRIPTS.filter((s) => s.opener === roles.caller);
    const script =
      (typeof scenario.conversation === 'string' ? scriptById(scenario.conversation) : undefined) ??
      candidates[
        parseInt(crypto.createHash('sha1').update(line.parent.sid).digest('hex').slice(0, 8), 16) % candidates.length
      ];
    if (typeof scenario.conversation === 'string' && !scriptById(scenario.conversation)) {
      line.warnings.push({
        code: 0,
        message: `sandbox: no conversation script "${scenario.conversation}"; used ${script.id}`,
      });
    }
    input = script.lines.map((l) => ({
      speaker: l.who === roles.caller ? 'caller' : 'callee',
      text: fillService(l.text, scenario.service),
    }));
  }
  const lines: SpokenLine[] = [];
  let t = offset + 0.6;
  for (const spoken of input) {
    const voice = spoken.speaker === 'caller' ? line.callerVoice : calleeVoice;
    const duration = estimateDuration(spoken.text, voice);
    lines.push({
      channel: spoken.speaker === 'caller' ? 1 : 2,
      speaker: speakers[spoken.speaker],
      voice,
      text: spoken.text,
      start: Math.round(t * 100) / 100,
      duration,
    });
    t += duration + 0.3 + line.random() * 0.6;
  }
  return { lines, end: t };
}
