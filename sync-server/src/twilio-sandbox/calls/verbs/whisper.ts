import type { VoiceVerb } from '../../twiml';
import type { CallLine } from '../line';
import type { GatherAnswer, LegRecord } from '../types';
import { gather } from './gather';
import { playPrompt } from './prompt';
import { redirect } from './redirect';

/** How deep a whisper may follow Gather actions and Redirects before the sandbox gives up on it. */
const MAX_WHISPER_DOCUMENTS = 10;

/**
 * The whisper: the <Number url> TwiML, run on the answered leg and heard only by the dialled party (the caller
 * still hears ringing). The dialled party answers its <Gather>s from `input` (DialledPartyBehaviour.input, a
 * phrase in `when` keeps an answer for the prompt that asks for it, e.g. a notice that asks them to press a
 * key). True when the whisper lets the call connect; false when it hung up (declined) or the caller left.
 */
export async function runWhisper(
  line: CallLine,
  verbs: VoiceVerb[],
  docUrl: string,
  input: GatherAnswer[],
  child: LegRecord,
  depth = 0,
): Promise<boolean> {
  for (const verb of verbs) {
    if (line.callerGone) return false;
    switch (verb.kind) {
      case 'Say':
      case 'Play':
      case 'Pause':
        if (!(await playPrompt(line, verb, 'callee'))) return false;
        break;
      case 'Gather': {
        const next = await gather(line, verb, docUrl, input, 'callee', child);
        if (next === 'stop') return false;
        if (next !== 'continue')
          return depth < MAX_WHISPER_DOCUMENTS && runWhisper(line, next.verbs, next.url, input, child, depth + 1);
        break;
      }
      case 'Hangup':
      case 'Reject':
        return false;
      case 'Redirect': {
        const next = await redirect(line, verb, docUrl, 'callee', child);
        if (next === 'stop' || next === 'continue') return false;
        return depth < MAX_WHISPER_DOCUMENTS && runWhisper(line, next.verbs, next.url, input, child, depth + 1);
      }
      default:
        line.warnings.push({ code: 13217, message: `<${verb.kind}> is not allowed in a <Number url> whisper` });
    }
  }
  return true;
}
