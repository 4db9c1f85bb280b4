import type { Request, Response } from 'express';
import { authenticate } from '../auth/tokens';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import type { ChangeEvent } from './feed';

/**
 * The live half of replication (SPEC R9): a Server-Sent Events response that sends `event: change` for each
 * committed write the listener cares about. Shared by the per-collection stream and the multi-collection
 * stream so both behave identically: `retry:` hint, heartbeat, re-check of the session at each heartbeat
 * (`event: closed` then end), end on server shutdown.
 */
export const HEARTBEAT_MS = 25_000;
/** What the EventSource waits before reconnecting after the stream ended (server restart, deploy). */
export const CLIENT_RETRY_MS = 2_000;

export interface ChangeStreamOptions {
  heartbeatMs: number;
  /** Which events this stream carries. */
  matches(event: ChangeEvent): boolean;
  /** The `data:` payload of an event. */
  data(event: ChangeEvent): unknown;
}

export function tokenOf(req: Request): string | null {
  const header = req.header('authorization');
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (m) return m[1];
  return typeof req.query.access_token === 'string' ? req.query.access_token : null;
}

export function serveChangeStream(ctx: AppContext, req: Request, res: Response, opts: ChangeStreamOptions): undefined {
  if (ctx.shutdown.signal.aborted) throw new ApiError('UNAVAILABLE', 'the server is shutting down');
  const secret = tokenOf(req);

  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  // The connection belongs to this stream; when the stream ends (shutdown) the socket goes too, so a graceful
  // shutdown does not wait for keep-alive timeouts.
  res.setHeader('Connection', 'close');
  res.flushHeaders();
  res.write(`retry: ${CLIENT_RETRY_MS}\n: connected\n\n`);

  let ended = false;
  const unsubscribe = ctx.feed.subscribe((event) => {
    if (!ended && opts.matches(event)) res.write(`event: change\ndata: ${JSON.stringify(opts.data(event))}\n\n`);
  });
  const heartbeat = setInterval(() => {
    void (async () => {
      // A session revoked or expired while streaming ends the stream; the client's next pull shows why.
      const stillValid = secret
        ? await authenticate(ctx.db, secret).then(
            () => true,
            () => false,
          )
        : false;
      if (ended) return;
      if (!stillValid) {
        res.write(`event: closed\ndata: ${JSON.stringify({ code: 'UNAUTHENTICATED' })}\n\n`);
        end();
        return;
      }
      res.write(': heartbeat\n\n');
    })();
  }, opts.heartbeatMs);

  const cleanup = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    ctx.shutdown.signal.removeEventListener('abort', end);
  };
  function end() {
    cleanup();
    res.end();
  }
  ctx.shutdown.signal.addEventListener('abort', end, { once: true });
  req.on('close', cleanup);
  res.on('error', cleanup);
  return undefined;
}
