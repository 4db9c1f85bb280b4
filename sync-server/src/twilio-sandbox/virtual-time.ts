import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Backdating for sandbox data, honoured only in sandbox mode. The sandbox puts the time of the event on its
 * own clock in `X-Sandbox-Virtual-Time` (ISO 8601) on every webhook of a virtual-time call, and the demo puts
 * the same header on its marketplace API requests. While the server handles such a request, its clock
 * (`ctx.now()`) reads that time, so a demo lead "created 20 days ago" and the calls made about it line up as
 * if they had happened then. Real Twilio never sends the header; outside sandbox mode it is not looked at.
 */
export const VIRTUAL_TIME_HEADER = 'x-sandbox-virtual-time';

interface Stamp {
  at: number;
  enteredAt: number;
  /**
   * False once the response is sent. Work the request started that outlives it (a job worker woken by a
   * timer set during the request inherits this async context) then runs on the real clock again.
   */
  open: boolean;
}

const requestTime = new AsyncLocalStorage<Stamp>();

/** The virtual time of the request being handled, if it carries one; time passes normally from there. */
export function virtualNow(): number | undefined {
  const s = requestTime.getStore();
  return s?.open ? s.at + (Date.now() - s.enteredAt) : undefined;
}

/** The server clock in sandbox mode: the request's virtual time, else the real time. */
export function sandboxClock(): number {
  return virtualNow() ?? Date.now();
}

/** Runs one HTTP request's handling on the time its X-Sandbox-Virtual-Time header names (if any). */
export function withRequestTime(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
  const raw = req.headers[VIRTUAL_TIME_HEADER];
  const at = typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (!Number.isFinite(at)) return handle();
  const stamp: Stamp = { at, enteredAt: Date.now(), open: true };
  res.once('close', () => {
    stamp.open = false;
  });
  requestTime.run(stamp, handle);
}
