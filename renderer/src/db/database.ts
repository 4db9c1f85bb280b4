import { addRxPlugin, createRxDatabase, removeRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { CollectionName, DocTypes } from '../../../shared/schemas';
import { hashForRxdb, sha256Hex } from './hash';
import { collectionDefinitions } from './replication';

// Migration: collections at schema version > 0 need migrationStrategies (shared/schemas); the plugin must be
// present before the first such collection opens. Leader election: several tabs of one user share one
// database and only the leader tab replicates.
addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBLeaderElectionPlugin);

export type RingsideCollections = { [C in CollectionName]: RxCollection<DocTypes[C]> };
export type RingsideDatabase = RxDatabase<RingsideCollections>;

/**
 * Dexie settings. `relaxed` durability lets IndexedDB commit without waiting for the disk flush: replicated
 * documents can always be pulled again from the server, and local edits are kept by the replication's own
 * checkpoints, so a power cut costs at most a re-pull. Chosen from tests/bench/replication.bench.ts.
 */
export const DEXIE_SETTINGS = { chromeTransactionDurability: 'relaxed' } as const;

/** One storage object for the app: RxDB keys its internal caches by storage instance. */
const storage = getRxStorageDexie(DEXIE_SETTINGS);

/**
 * The database of one signed-in user on one server. The name is derived from both, so two accounts (or one
 * account on two servers) on the same device never see each other's documents, and signing in again as the
 * same user reopens the same local data (with any edits made offline).
 */
export function databaseName(serverUrl: string, userId: string): string {
  const server = sha256Hex(serverUrl.toLowerCase()).slice(0, 10);
  const user = userId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 40);
  return `rs_${server}_${user}`;
}

export interface OpenOptions {
  /** Several tabs of the same user share the database (BroadcastChannel). Off for single-window shells. */
  multiInstance?: boolean;
}

export async function openUserDatabase(
  serverUrl: string,
  userId: string,
  opts: OpenOptions = {},
): Promise<RingsideDatabase> {
  const db = await createRxDatabase<RingsideCollections>({
    name: databaseName(serverUrl, userId),
    storage,
    multiInstance: opts.multiInstance ?? true,
    eventReduce: true,
    hashFunction: hashForRxdb,
    closeDuplicates: true,
    // A burst of pulled documents reruns each live query once per 50 ms instead of once per write batch.
    liveQueryUpdateThrottleTime: 50,
  });
  try {
    // All eleven collections, each with its shared schema and conflict handler; the role decides which
    // of them replicate (db/session-sync.ts).
    await db.addCollections(collectionDefinitions());
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** Deletes a user's local database (sign-out). Works whether or not it is open in this page. */
export async function removeUserDatabase(
  serverUrl: string,
  userId: string,
  open: RingsideDatabase | null,
): Promise<void> {
  if (open && !open.closed) {
    await open.remove();
    return;
  }
  await removeRxDatabase(databaseName(serverUrl, userId), storage, true);
}
