import type { HttpMethod, NumberTarget } from '../twiml';
import { rfc2822 } from '../webhooks';
import type { CallLine } from './line';
import type { CallStatus, DialledPartyBehaviour, GatherAnswer, LegRecord } from './types';

/**
 * Legs' progress as Twilio reports it: a dialled <Number>'s statusCallback events (initiated, ringing,
 * answered, completed) and the parent call's final status callback.
 */

/** A dialled leg with the <Number> that placed it and how its phone behaves. */
export interface DialledLeg {
  target: NumberTarget;
  child: LegRecord;
  behaviour: Required<Omit<DialledPartyBehaviour, 'input'>> & { input: GatherAnswer[] };
}

const SIP_RESPONSE: Partial<Record<CallStatus, string>> = {
  busy: '486',
  failed: '404',
  'no-answer': '487',
  canceled: '487',
  completed: '200',
};

export function childCallback(
  line: CallLine,
  target: NumberTarget,
  child: LegRecord,
  event: 'initiated' | 'ringing' | 'answered' | 'completed',
  at: number,
  extra: Record<string, string> = {},
): void {
  if (!target.statusCallback || !target.statusCallbackEvent.has(event)) return;
  line.outbox.post(
    'dial-call-status',
    target.statusCallbackMethod,
    target.statusCallback,
    {
      ...line.baseParams(child, event === 'answered' ? 'in-progress' : child.status),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(line.nextSequence(child.sid)),
      Timestamp: rfc2822(at),
      ...extra,
    },
    at,
    line.virtual,
  );
}

/** Ends a dialled leg: its final status, the completed callback, and the ring on the dialled phone's log. */
export function endLeg(line: CallLine, l: DialledLeg, status: CallStatus, at: number): void {
  l.child.status = status;
  l.child.endTime = at;
  l.child.live = null;
  const duration = l.child.answerTime === null ? 0 : Math.round((at - l.child.answerTime) / 1000);
  childCallback(line, l.target, l.child, 'completed', at, {
    CallDuration: String(duration),
    Duration: String(Math.ceil(duration / 60)),
    SipResponseCode: SIP_RESPONSE[status] ?? '200',
  });
  line.env.phones.ring({
    callSid: l.child.sid,
    from: l.child.from,
    to: l.child.to,
    answered: l.child.answerTime !== null,
    at: new Date(l.child.startTime).toISOString(),
  });
}

/** The parent call's completed (or failed …) status callback to the number's statusCallback. */
export function parentStatusCallback(line: CallLine, url: string, method: HttpMethod): void {
  const p = line.parent;
  const end = p.endTime ?? line.clock.now();
  const duration = p.answerTime === null ? 0 : Math.round((end - p.answerTime) / 1000);
  line.outbox.post(
    'call-status',
    method,
    url,
    {
      ...line.baseParams(p, p.status),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(line.nextSequence(p.sid)),
      Timestamp: rfc2822(end),
      CallDuration: String(duration),
      Duration: String(Math.ceil(duration / 60)),
    },
    end,
    line.virtual,
  );
}
