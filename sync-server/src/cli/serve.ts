import type { Config } from '../config';
import { startServer, type RunningServer } from '../server';

/**
 * Runs the server until SIGINT/SIGTERM, then shuts down gracefully. In sandbox mode (no Twilio credentials)
 * the local Twilio sandbox starts too, and an empty database is filled with the demo.
 */
export async function runServe(config: Config, hooks: { onReady?: (s: RunningServer) => void } = {}): Promise<RunningServer> {
  const server = await startServer(config);
  if (server.bootstrapAdmin) {
    console.log(
      `\n  First start: created the admin account (shown once; change it with the CLI)\n` +
        `    email:    ${server.bootstrapAdmin.email}\n    password: ${server.bootstrapAdmin.password}\n`,
    );
  }
  const stop = async (signal: string) => {
    server.ctx.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  hooks.onReady?.(server);
  return server;
}
