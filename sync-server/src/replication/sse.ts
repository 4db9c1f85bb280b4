import type { Request, Response } from 'express';
import { SessionWatch } from '../auth/revocation';
import { authenticateSession } from '../auth/tokens';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import type { RequestAuth } from '../http/routes';
import type { ChangeEvent } from './feed';

/**
 * The live half of replication (SPEC R9): a Server-Sent Events response that sends `event: change` for each
 * committed write the listener cares about. Shared by the per-collection stream and the multi-collection
 * stream so both behave identically: `retry:` hint, heartbeat, `event: closed` then end the moment the session
 * or its user is revoked on any instance (auth/revocation.ts) and, for expiry, at the heartbeat's re-check of
 * the session; end on server shutdown. The stream is opened with a single-use ticket (never a session token
 * in the URL) or the Authorization header.
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

/** One revocation watch per server instance, started with its first stream and stopped at shutdown. */
const watches = new WeakMap<AppContext, Promise<SessionWatch>>();

function sessionWatch(ctx: AppContext): Promise<SessionWatch> {
  let watch = watches.get(ctx);
  if (!watch) {
    const w = new SessionWatch(ctx.db, ctx.log);
    watch = w.start().then(() => w);
    watches.set(ctx, watch);
    ctx.shutdown.signal.addEventListener('abort', () => void w.stop(), { once: true });
    watch.catch(() => watches.delete(ctx));
  }
  return watch;
}

export async function serveChangeStream(
  ctx: AppContext,
  req: Request,
  res: Response,
  auth: RequestAuth,
  opts: ChangeStreamOptions,
): Promise<undefined> {
  if (ctx.shutdown.signal.aborted) throw new ApiError('UNAVAILABLE', 'the server is shutting down');
  if (!auth.user) throw new ApiError('FORBIDDEN', 'replication is for staff accounts');
  // Listening for revocations before the stream opens: none may fall between.
  const watch = await sessionWatch(ctx);
  if (res.destroyed) return undefined;
  const session = auth.session;

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
  /** Ends the stream telling the client why; its next request (a pull, a ticket) shows the reason in full. */
  const close = (code: 'UNAUTHENTICATED' | 'TOKEN_REVOKED') => {
    if (ended) return;
    res.write(`event: closed\ndata: ${JSON.stringify({ code })}\n\n`);
    end();
  };
  const stillValid = () =>
    session
      ? authenticateSession(ctx.db, session).then(
          () => true,
          () => false,
        )
      : Promise.resolve(false);
  const unwatch = watch.watch({
    user: auth.user.id,
    session,
    revoked: () => close('TOKEN_REVOKED'),
    recheck: () => void stillValid().then((ok) => ok || close('UNAUTHENTICATED')),
  });
  // A revocation committed after this request was authenticated and before the watch above was not heard.
  void stillValid().then((ok) => ok || close('UNAUTHENTICATED'));
  const heartbeat = setInterval(() => {
    void (async () => {
      // An expired session (or a revocation this instance missed) ends the stream here at the latest.
      const ok = await stillValid();
      if (ended) return;
      if (!ok) {
        close('UNAUTHENTICATED');
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
    unwatch();
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
