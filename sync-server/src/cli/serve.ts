import path from 'node:path';
import type { Config } from '../config';
import type { Database } from '../db';
import { DataDirBusyError, readOwner } from '../db/owner';
import type { PgliteDatabase } from '../db/pglite';
import { startControlSocket, type ControlReply, type ControlRequest, type ControlSocket } from './control';
import { startDemo, type DemoOptions, type DemoSummary } from '../demo';
import { createLogger } from '../log';
import { startServer, type RunningServer } from '../server';
import { startSandbox, type RunningSandbox } from '../twilio-sandbox';
import { sandboxClock, withRequestTime } from '../twilio-sandbox/virtual-time';
import { errorCode } from '../../../shared/objects';

export interface ServeHooks {
  onReady?: (s: RunningServer) => void;
  /** Use an already open database (tests); it is not closed on shutdown. */
  db?: Database;
  /** Exit the process on SIGINT/SIGTERM after a graceful shutdown (default true; tests turn it off). */
  handleSignals?: boolean;
  /** A smaller demo (tests). */
  demo?: Pick<DemoOptions, 'leadsPerDay' | 'days' | 'seed' | 'concurrency'>;
  /**
   * Runs operator commands sent over the control socket (the CLI's runInServer). On the embedded database the
   * server is its one owner, so this is how `npm run cli -- …` takes effect while it runs.
   */
  commands?: (request: ControlRequest, server: { config: Config; db: Database }) => Promise<ControlReply>;
}

export interface ServingServer extends RunningServer {
  /** The local Twilio stand-in, in sandbox mode. */
  sandbox: RunningSandbox | null;
  /** The demo filling an empty database in the background (null when it does not run). */
  demo: Promise<DemoSummary | null> | null;
}

/** The sandbox listens next to the server (PORT + 1), so recording URLs stay valid across restarts. */
async function startLocalSandbox(config: Config, log: ReturnType<typeof createLogger>): Promise<RunningSandbox> {
  const common = {
    webhookBaseUrl: config.publicBaseUrl,
    dataDir: path.join(config.dataDir, 'sandbox'),
    host: config.HOST,
    // Pool numbers added by hand are the account's too; their calls and texts come to this server.
    numberDefaults: { voiceUrl: '/twilio/voice', smsUrl: '/twilio/sms', statusCallback: '/twilio/voice/status' },
    log: log.child({ component: 'twilio-sandbox' }),
  };
  const preferred = config.PORT === 0 ? 0 : config.PORT + 1;
  try {
    return await startSandbox({ ...common, port: preferred });
  } catch (err) {
    if (errorCode(err) !== 'EADDRINUSE' || preferred === 0) throw err;
    log.warn(
      { port: preferred },
      'the Twilio sandbox port is taken; using a free one (recording URLs from earlier runs will not resolve)',
    );
    return startSandbox({ ...common, port: 0 });
  }
}

/**
 * Runs the server until SIGINT/SIGTERM, then shuts down gracefully. In sandbox mode (no Twilio credentials)
 * the local Twilio sandbox starts first and its account becomes the server's Twilio credentials before the
 * server takes any webhook; then, on an empty database, the demo fills in the background.
 */
export async function runServe(config: Config, hooks: ServeHooks = {}): Promise<ServingServer> {
  const log = createLogger(config.LOG_LEVEL, {}, config.LOG_FORMAT);
  // Refuse before starting anything (the sandbox would take a port) when the database is someone else's.
  if (!hooks.db && config.database.kind === 'pglite') {
    const owner = readOwner(config.database.dir);
    if (owner?.kind === 'server') throw new DataDirBusyError(config.database.dir, owner);
  }
  let sandbox: RunningSandbox | null = null;
  if (config.sandbox) {
    sandbox = await startLocalSandbox(config, log);
    config.twilio = { accountSid: sandbox.accountSid, authToken: sandbox.authToken, apiBaseUrl: sandbox.url };
  }
  // While the demo fills, background jobs (recording downloads, peaks, transcripts, analysis) wait: the fill
  // shares this process's CPU with them and is several times quicker alone. They start when it is done.
  const deferJobs = !!sandbox && config.DEMO && config.JOBS;
  let server: RunningServer;
  try {
    server = await startServer(config, {
      log,
      db: hooks.db,
      jobs: deferJobs ? false : undefined,
      // Sandbox data may be backdated: requests carrying X-Sandbox-Virtual-Time run on that clock.
      ...(sandbox ? { now: sandboxClock, aroundRequest: withRequestTime } : {}),
    });
  } catch (err) {
    await sandbox?.close();
    throw err;
  }
  let control: ControlSocket | null = null;
  const claim = (server.ctx.db as Partial<PgliteDatabase>).claim;
  if (hooks.commands && claim) {
    const run = hooks.commands;
    try {
      control = await startControlSocket(claim, (request) => run(request, { config, db: server.ctx.db }));
    } catch (err) {
      await server.close();
      await sandbox?.close();
      throw err;
    }
  }
  if (sandbox) {
    // With PORT=0 the public URL is only known now; webhooks are signed for it and sent straight to the server.
    if (!config.PUBLIC_BASE_URL && config.PORT === 0) config.publicBaseUrl = server.url;
    sandbox.setWebhookBaseUrl(config.publicBaseUrl, server.url);
  }
  if (server.bootstrapAdmin) {
    console.log(
      `\n  First start: created the admin account (shown once; change it with the CLI)\n` +
        `    email:    ${server.bootstrapAdmin.email}\n    password: ${server.bootstrapAdmin.password}\n`,
    );
  }

  const demoAbort = new AbortController();
  let demo: Promise<DemoSummary | null> | null = null;
  if (sandbox && config.DEMO) {
    const running = sandbox;
    demo = startDemo({
      ...hooks.demo,
      server,
      sandbox: running,
      config,
      log: log.child({ component: 'demo' }),
      signal: demoAbort.signal,
    }).catch((err: unknown) => {
      log.error({ err }, 'the sandbox demo stopped with an error');
      return null;
    });
  }

  let closing: Promise<void> | null = null;
  if (deferJobs) {
    void (demo ?? Promise.resolve(null)).then(async () => {
      if (!closing) await server.ctx.jobs.start();
    });
  }
  const close = () => {
    closing ??= (async () => {
      demoAbort.abort();
      await demo;
      await control?.close();
      await server.close();
      await sandbox?.close();
    })();
    return closing;
  };
  const serving: ServingServer = { ...server, sandbox, demo, close };
  if (hooks.handleSignals ?? true) {
    const stop = async (signal: string) => {
      server.ctx.log.info({ signal }, 'shutting down');
      await close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  }
  hooks.onReady?.(serving);
  return serving;
}
