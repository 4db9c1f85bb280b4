import type { CliEnv } from '../cli/env';
import type { Database } from '../db';
import { JobQueue } from '../jobs/queue';
import { createLogger } from '../log';
import type { MediaDeps } from './deps';
import { createMediaStorage } from './storage';

/**
 * MediaDeps for operator commands: the CLI's own database connection and the configured storage. Jobs it
 * enqueues (deleting Twilio's copies) are run by the server's worker; the CLI does not start one.
 */
export function cliMediaDeps(env: CliEnv, db: Database): MediaDeps {
  // Warnings and errors only: the command prints its own result.
  const log = createLogger(env.config.LOG_LEVEL === 'silent' ? 'silent' : 'warn', { cli: true });
  return {
    config: env.config,
    db,
    log,
    jobs: new JobQueue(db, log),
    now: Date.now,
    storage: createMediaStorage(env.config),
  };
}
