import type { Session } from '../state/session';
import type { RxCollection } from 'rxdb';
import type { CollectionName, DocTypes } from '../../../shared/schemas';
import type { RingsideCollections, RingsideDatabase } from './database';
import { databaseName } from './database';
import { firstSyncWriter } from './fast-insert-storage';
import { replicateCollection } from './replication';
import { StreamHub } from './shared-stream';
import { ticketedEventSource } from './stream-ticket';
import { SyncController, type ReplicationHandle } from './sync-controller';
import { PULL_BATCH_SIZE, workingSet, type CollectionPlan } from './working-set';

/**
 * Starts replicating the signed-in user's working set and a controller that reports its state. The token is
 * read on every request, so signing in again (new token) does not need a restart of the database.
 */
/** The later replications start at most this long after the first ones, even if those are still pulling. */
const LATER_START_MAX_MS = 5000;

function collectionOf<C extends CollectionName>(db: RingsideDatabase, name: C): RxCollection<DocTypes[C]> {
  const collections: RingsideCollections = db;
  return collections[name];
}

export function startUserSync(
  db: RingsideDatabase,
  session: Session,
  opts: { token: () => string | null; onSessionEnded(message: string): void },
): SyncController {
  // One connection carries every collection's live stream (see shared-stream.ts for why).
  const hub = new StreamHub(ticketedEventSource(globalThis.EventSource, { token: opts.token }));
  const start = (plan: CollectionPlan): ReplicationHandle => startOne(plan.collection, plan);
  // Generic in the collection, so each plan's name and its own collection stay paired for the type checker.
  const startOne = <C extends CollectionName>(name: C, plan: CollectionPlan): ReplicationHandle =>
    replicateCollection<C>({
      collection: collectionOf(db, name),
      name,
      baseUrl: session.serverUrl,
      token: opts.token,
      scope: plan.scope,
      push: plan.push,
      pullBatchSize: PULL_BATCH_SIZE,
      identifier: databaseName(session.serverUrl, session.user.id),
      EventSource: hub.EventSource,
      firstSyncWriter: () => firstSyncWriter(db.name, name),
    });

  const plans = workingSet(session.user.role);
  const first = plans.filter((p) => p.first).map(start);
  const controller = new SyncController({
    serverUrl: session.serverUrl,
    handles: first,
    expected: plans.length,
    onSessionEnded: opts.onSessionEnded,
    onStopped: () => hub.close(),
  });
  controller.start();
  // The first screen's collections first; then the rest (also when the first ones are slow or offline).
  let timer: ReturnType<typeof setTimeout> | undefined;
  void Promise.race([
    Promise.all(first.map((h) => h.awaitInitialReplication())),
    new Promise((resolve) => (timer = setTimeout(resolve, LATER_START_MAX_MS))),
  ])
    .catch(() => undefined)
    .then(() => {
      clearTimeout(timer);
      if (!controller.isStopped) controller.add(plans.filter((p) => !p.first).map(start));
    });
  return controller;
}
