import { addRxPlugin, createRxDatabase, removeRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { CollectionName, DocTypes } from '../../../shared/schemas';
import { APP_DEXIE_SETTINGS, withBulkInsertPath } from './fast-insert-storage';
import { hashForRxdb, sha256Hex } from './hash';
import { collectionDefinitions } from './replication';

// Migration: collections at schema version > 0 need migrationStrategies (shared/schemas); the plugin must be
// present before the first such collection opens.
addRxPlugin(RxDBMigrationSchemaPlugin);

export type RingsideCollections = { [C in CollectionName]: RxCollection<DocTypes[C]> };
export type RingsideDatabase = RxDatabase<RingsideCollections>;

/**
 * One storage object for the app (RxDB keys its caches by storage): Dexie with one index fewer and the
 * first-sync bulk path (fast-insert-storage.ts), and lazy replication meta rows (lazy-meta.ts). Transaction durability stays at the browser's default: `relaxed` measured no
 * faster here (tests/bench/replication.bench.ts) and would risk the last edits on a power cut.
 */
const storage = withBulkInsertPath(getRxStorageDexie(APP_DEXIE_SETTINGS));

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

/**
 * Opens (or creates) the database. One page at a time holds it (app/single-window.ts), so RxDB runs without
 * its cross-tab machinery (`multiInstance: false`): no BroadcastChannel traffic per write, and the bulk path's
 * id set stays exact.
 */
export async function openUserDatabase(serverUrl: string, userId: string): Promise<RingsideDatabase> {
  const db = await createRxDatabase<RingsideCollections>({
    name: databaseName(serverUrl, userId),
    storage,
    multiInstance: false,
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

/**
 * Deletes a user's local database (sign-out). Works whether or not it is open in this page. RxDB's Dexie
 * storage empties its IndexedDB databases but leaves them behind, named after the user; they are deleted
 * too, so nothing on the device tells who used it.
 */
export async function removeUserDatabase(
  serverUrl: string,
  userId: string,
  open: RingsideDatabase | null,
): Promise<void> {
  const name = databaseName(serverUrl, userId);
  if (open && !open.closed) await open.remove();
  else await removeRxDatabase(name, storage, false);
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const leftovers = (await indexedDB.databases())
    .map((d) => d.name ?? '')
    .filter((n) => n.startsWith(`rxdb-dexie-${name}--`));
  await Promise.all(
    leftovers.map(
      (n) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(n);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error ?? new Error(`could not delete ${n}`));
        }),
    ),
  );
}
