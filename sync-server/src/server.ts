import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { authenticate, redeemStreamTicket } from './auth/tokens';
import { countUsers, createUser } from './auth/users';
import { generatePassword } from './auth/passwords';
import type { Config } from './config';
import type { AppContext } from './context';
import { openDatabase, type Database } from './db';
import { migrate } from './db/migrate';
import { keepStatistics } from './db/statistics';
import { createApp } from './http/app';
import { JobQueue } from './jobs/queue';
import { createLogger } from './log';
import { allRoutes, registerJobs } from './modules';
import { ChangeFeed } from './replication/feed';

export interface RunningServer {
  ctx: AppContext;
  url: string;
  port: number;
  /** Credentials of the admin created on first start (only when they were generated, never stored). */
  bootstrapAdmin: { email: string; password: string } | null;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Use an already open database (tests share one PGlite per file); it is not closed by close(). */
  db?: Database;
  log?: Logger;
  /** Start the background job worker (default: config.JOBS). */
  jobs?: boolean;
  now?: () => number;
  /**
   * Runs around the handling of every HTTP request (sandbox mode uses it to put a request on the sandbox's
   * virtual clock, see twilio-sandbox/virtual-time.ts).
   */
  aroundRequest?: (req: http.IncomingMessage, res: http.ServerResponse, handle: () => void) => void;
}

/** First start: create an admin account, from ADMIN_EMAIL/ADMIN_PASSWORD or with a generated password. */
async function bootstrapAdmin(ctx: AppContext): Promise<{ email: string; password: string } | null> {
  if ((await countUsers(ctx.db)) > 0) return null;
  const email = ctx.config.ADMIN_EMAIL ?? 'admin@ringside.local';
  const password = ctx.config.ADMIN_PASSWORD ?? generatePassword();
  await createUser(ctx.db, { email, password, role: 'admin', name: 'Administrator' });
  return ctx.config.ADMIN_PASSWORD ? null : { email, password };
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL, {}, config.LOG_FORMAT);
  const ownsDb = !opts.db;
  const db = opts.db ?? (await openDatabase(config.database, { kind: 'server', command: 'serve' }));
  try {
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'applied migrations');
    // PGlite has no autovacuum, so its planner has no statistics unless we gather them; without them it
    // has chosen pathological plans for scoped pulls. Cheap on PostgreSQL too.
    await db.exec('ANALYZE');
  } catch (err) {
    if (ownsDb) await db.close();
    throw err;
  }
  const statistics = keepStatistics(db, log);
  const feed = new ChangeFeed(db, log);
  const jobs = new JobQueue(db, log);
  const ctx: AppContext = { config, db, log, jobs, feed, now: opts.now ?? Date.now, shutdown: new AbortController() };
  await feed.start();
  registerJobs(ctx);
  const admin = await bootstrapAdmin(ctx);
  if (opts.jobs ?? config.JOBS) await jobs.start();

  const app = createApp(ctx, allRoutes(ctx), { authenticate, redeemStreamTicket });
  const around = opts.aroundRequest;
  const server = http.createServer(around ? (req, res) => around(req, res, () => app(req, res)) : app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  log.info({ url, database: db.kind, sandbox: config.sandbox }, 'sync server listening');

  let closing: Promise<void> | null = null;
  return {
    ctx,
    url,
    port,
    bootstrapAdmin: admin,
    close() {
      // Graceful: stop accepting, end live streams, let in-flight requests finish, then close the database.
      closing ??= (async () => {
        ctx.shutdown.abort();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await jobs.stop();
        await feed.stop();
        await statistics.stop();
        if (ownsDb) await db.close();
        log.info('sync server stopped');
      })();
      return closing;
    },
  };
}
