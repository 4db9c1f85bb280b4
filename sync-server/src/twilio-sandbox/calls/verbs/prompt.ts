import type { PromptVerb } from '../../twiml';
import type { CallLine } from '../line';
import { promptDuration } from '../timing';

/**
 * <Say>, <Play> and <Pause>: the party hears the prompt (noted with the second it started) while its length
 * passes. False when the call ended meanwhile.
 */
export async function playPrompt(
  line: CallLine,
  verb: PromptVerb,
  side: 'caller' | 'callee',
  callerMayLeave = true,
): Promise<boolean> {
  if (verb.kind === 'Say')
    line.heard[side].push({
      at: line.seconds(),
      text: verb.text,
      voice: verb.voice,
      language: verb.language,
      interrupted: false,
    });
  if (verb.kind === 'Play')
    line.heard[side].push({
      at: line.seconds(),
      text: `[audio ${verb.url}]`,
      voice: null,
      language: null,
      interrupted: false,
    });
  return line.spend(promptDuration(verb), { callerMayLeave });
}
