import type { RejectVerb } from '../../twiml';
import type { CallLine } from '../line';

/** <Hangup>: the application ends the call. */
export function hangup(line: CallLine): 'stop' {
  line.hungUpBy = 'application';
  return 'stop';
}

/** <Reject>: an unanswered call ends busy or unanswered (reason="busy" or "rejected"), never billed. */
export function reject(line: CallLine, verb: RejectVerb): 'stop' {
  if (line.parent.answerTime === null) line.rejected = verb.reason === 'busy' ? 'busy' : 'no-answer';
  line.hungUpBy = 'application';
  return 'stop';
}
