import type { RedirectVerb } from '../../twiml';
import type { CallLine, Next } from '../line';
import type { LegRecord } from '../types';

/**
 * <Redirect>: the call goes on with the TwiML at the URL, which replaces the rest of the document. On the
 * caller's leg a failed fetch plays the application error; in the whisper it declines the call.
 */
export async function redirect(
  line: CallLine,
  verb: RedirectVerb,
  docUrl: string,
  side: 'caller' | 'callee',
  leg: LegRecord,
): Promise<Next> {
  const doc = await line.fetchTwiml(
    side === 'caller' ? 'redirect' : 'whisper',
    new URL(verb.url, docUrl).href,
    verb.method,
    line.baseParams(leg, side === 'caller' ? line.liveStatus() : 'in-progress'),
  );
  if (!doc) {
    if (side === 'caller') line.applicationError();
    return 'stop';
  }
  return doc;
}
