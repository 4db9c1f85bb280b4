import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db';
import type { JobQueue } from './jobs/queue';
import type { ChangeFeed } from './replication/feed';

/**
 * Everything a request handler or job may use, created once per server instance (no module-level state,
 * so tests can run many instances in one process).
 */
export interface AppContext {
  config: Config;
  db: Database;
  log: Logger;
  jobs: JobQueue;
  feed: ChangeFeed;
  /** The server clock in ms; replaceable in tests. */
  now(): number;
  /** Aborted when the server begins a graceful shutdown; long-lived responses (SSE) end on it. */
  shutdown: AbortController;
}
