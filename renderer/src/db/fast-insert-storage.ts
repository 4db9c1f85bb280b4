import {
  categorizeBulkWriteRows,
  type BulkWriteRow,
  type DexieSettings,
  type DexieStorageInternals,
  type EventBulk,
  type RxDocumentData,
  type RxStorage,
  type RxStorageBulkWriteResponse,
  type RxStorageChangeEvent,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { fromStorageToDexie, type RxStorageDexie, type RxStorageInstanceDexie } from 'rxdb/plugins/storage-dexie';
import type { Subject } from 'rxjs';
import { LazyMeta } from './lazy-meta';

/**
 * A bulk path for the first sync, wrapped around RxDB's Dexie storage.
 *
 * The first sync writes tens of thousands of documents that this device has never seen. RxDB's Dexie storage
 * reads every written id back before writing (to detect conflicts), and the replication reads them once more
 * before that; both reads find nothing and cost as much as the writes (tests/bench/replication.bench.ts).
 * This wrapper keeps, per storage instance, the exact set of ids that may exist:
 *  - it starts empty only when the table is empty at open (a first sync); otherwise the wrapper stays out of
 *    the way for the life of the instance;
 *  - every id written through the instance is added before the write (so the set can only over-approximate);
 *  - `findDocumentsById` for ids outside the set answers "none" without asking IndexedDB;
 *  - a batch of pure inserts of ids outside the set is written with IndexedDB `add` in one transaction,
 *    which itself refuses an existing key: if that ever happens the transaction rolls back, the set is
 *    dropped, and the batch goes through the normal storage path, which reports the conflict as RxDB expects.
 * Everything else (updates, deletes, queries, counts, the change stream) is the Dexie storage's own code.
 *
 * The set is only exact while this page is the only writer of the database: the app opens each user database
 * in one window at a time (app/single-window.ts) and with `multiInstance: false`.
 */
type Internals = Awaited<DexieStorageInternals>;

type DexieInstance<T> = RxStorageInstanceDexie<T>;

/** The instance's change stream: private in RxDB's class, and the bulk path must emit what bulkWrite emits. */
function changesOf<T>(
  instance: DexieInstance<T>,
): Subject<EventBulk<RxStorageChangeEvent<RxDocumentData<T>>, RxStorageDefaultCheckpoint>> {
  return (
    instance as unknown as {
      changes$: Subject<EventBulk<RxStorageChangeEvent<RxDocumentData<T>>, RxStorageDefaultCheckpoint>>;
    }
  ).changes$;
}

export interface BulkPathStats {
  /** Batches written by the bulk path. */
  fastBatches: number;
  /** Batches that went through the storage's normal path while the bulk path was active. */
  normalBatches: number;
  /** Times an id-set lookup answered "not stored" without reading IndexedDB. */
  skippedReads: number;
  /** The bulk path gave up on an instance (a key it did not expect existed). */
  disabled: number;
}

export const bulkPathStats: BulkPathStats = { fastBatches: 0, normalBatches: 0, skippedReads: 0, disabled: 0 };

async function wrapInstance<T>(instance: DexieInstance<T>): Promise<DexieInstance<T>> {
  // Attachments live in a second table the bulk path does not write: leave such collections alone.
  if (instance.schema.attachments) return instance;
  const state: Internals = await instance.internals;
  if ((await state.dexieTable.count()) !== 0) return instance;

  let known: Set<string> | null = new Set<string>();
  const primaryPath = instance.primaryPath as string;
  const idOf = (doc: RxDocumentData<T>) => (doc as Record<string, unknown>)[primaryPath] as string;
  const findDocumentsById = instance.findDocumentsById.bind(instance);
  const bulkWrite = instance.bulkWrite.bind(instance);

  instance.findDocumentsById = async (ids: string[], withDeleted: boolean) => {
    if (known && !instance.closed && ids.every((id) => !known!.has(id))) {
      bulkPathStats.skippedReads++;
      return [];
    }
    return findDocumentsById(ids, withDeleted);
  };

  instance.bulkWrite = async (rows: BulkWriteRow<T>[], context: string): Promise<RxStorageBulkWriteResponse<T>> => {
    const set = known;
    if (!set || instance.closed) return bulkWrite(rows, context);
    const ids = rows.map((r) => idOf(r.document));
    const fresh = rows.every((r) => !r.previous) && ids.every((id) => !set.has(id)) && new Set(ids).size === ids.length;
    for (const id of ids) set.add(id);
    if (!fresh) {
      bulkPathStats.normalBatches++;
      return bulkWrite(rows, context);
    }
    // No document in the database: every row is an insert, none can conflict (categorised as the storage does).
    const categorized = categorizeBulkWriteRows<T>(instance, primaryPath as never, new Map(), rows, context);
    const docs = categorized.bulkInsertDocs.map((row) => fromStorageToDexie<T>(state.booleanIndexes, row.document));
    try {
      await state.dexieDb.transaction('rw', state.dexieTable, () => state.dexieTable.bulkAdd(docs));
    } catch (err) {
      // A key existed after all (someone else wrote to this database): stop guessing, use the normal path.
      if ((err as Error).name !== 'BulkError' && (err as Error).name !== 'ConstraintError') throw err;
      known = null;
      bulkPathStats.disabled++;
      return bulkWrite(rows, context);
    }
    bulkPathStats.fastBatches++;
    if (categorized.eventBulk.events.length > 0 && categorized.newestRow) {
      const last = categorized.newestRow.document;
      categorized.eventBulk.checkpoint = { id: idOf(last), lwt: last._meta.lwt };
      changesOf(instance).next(categorized.eventBulk);
    }
    return { error: categorized.errors };
  };
  return instance;
}

/**
 * Wraps RxDB's Dexie storage with the first-sync bulk path and, unless turned off (benchmark ablation), the
 * lazy replication meta rows (lazy-meta.ts).
 */
export function withBulkInsertPath(
  inner: RxStorageDexie,
  options: { lazyMeta?: boolean } = {},
): RxStorage<DexieStorageInternals, DexieSettings> {
  const lazy = options.lazyMeta === false ? null : new LazyMeta();
  return {
    name: inner.name,
    rxdbVersion: inner.rxdbVersion,
    async createStorageInstance<T>(params: RxStorageInstanceCreationParams<T, DexieSettings>) {
      const instance = await wrapInstance((await inner.createStorageInstance<T>(params)) as DexieInstance<T>);
      return lazy ? (lazy.wrap(instance, params.databaseName) as DexieInstance<T>) : instance;
    },
  };
}
