import type { AppContext } from '../context';
import { createMediaStorage, type MediaStorage } from './storage';

/**
 * What the recordings, retention and erasure code needs. A running server provides it from its AppContext;
 * the CLI (`erase`, `retention run`) builds one over its own database connection.
 */
export type MediaDeps = Pick<AppContext, 'config' | 'db' | 'log' | 'jobs' | 'now'> & { storage: MediaStorage };

// One storage client per server instance (not per request); keyed by the instance's context so tests can run
// several servers in one process with different storage.
const storageByContext = new WeakMap<AppContext, MediaStorage>();

export function mediaDeps(ctx: AppContext): MediaDeps {
  let storage = storageByContext.get(ctx);
  if (!storage) {
    storage = createMediaStorage(ctx.config);
    storageByContext.set(ctx, storage);
  }
  return { config: ctx.config, db: ctx.db, log: ctx.log, jobs: ctx.jobs, now: () => ctx.now(), storage };
}
