import {
  categorizeBulkWriteRows,
  now,
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
  /** Documents written by first-sync writers. */
  firstSyncDocs: number;
}

export const bulkPathStats: BulkPathStats = {
  fastBatches: 0,
  normalBatches: 0,
  skippedReads: 0,
  disabled: 0,
  firstSyncDocs: 0,
};

/** Whether any object key in a value starts with `|` (which RxDB's Dexie storage renames before storing). */
function hasPipeKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasPipeKey);
  for (const key in value) {
    if (key.charCodeAt(0) === 124 || hasPipeKey((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * RxDB's `fromStorageToDexie` (boolean index fields stored as '0'/'1', keys starting with `|` renamed), without
 * rebuilding every nested object when no key needs renaming: a fifth of the main thread's time in a first
 * sync went to that copy.
 */
function toDexie<T>(booleanIndexes: string[], doc: RxDocumentData<T>): unknown {
  if (booleanIndexes.some((field) => field.includes('.')) || hasPipeKey(doc)) {
    return fromStorageToDexie<T>(booleanIndexes, doc);
  }
  const out: Record<string, unknown> = { ...doc };
  for (const field of booleanIndexes) out[field] = out[field] ? '1' : '0';
  return out;
}

/** RxDB's Dexie `cleanup()`, reading the `[_meta.lwt+id]` index (APP_DEXIE_SETTINGS drops `_meta.lwt`). */
async function cleanup<T>(instance: DexieInstance<T>, state: Internals, minimumDeletedTime: number): Promise<boolean> {
  if (instance.closed) throw new Error(`storage instance ${instance.collectionName} is closed`);
  const primaryPath = instance.primaryPath as string;
  await state.dexieDb.transaction('rw', state.dexieTable, async () => {
    const before = now() - minimumDeletedTime;
    const old = await state.dexieTable
      .where('[_meta.lwt+' + primaryPath + ']')
      .below([before, ''])
      .toArray();
    const ids = old
      .filter((doc: { _deleted: string }) => doc._deleted === '1')
      .map((doc: Record<string, string>) => doc[primaryPath]);
    await state.dexieTable.bulkDelete(ids);
  });
  return true;
}

async function wrapInstance<T>(instance: DexieInstance<T>): Promise<DexieInstance<T>> {
  // Attachments live in a second table the bulk path does not write: leave such collections alone.
  if (instance.schema.attachments) return instance;
  const state: Internals = await instance.internals;
  instance.cleanup = (minimumDeletedTime: number) => cleanup(instance, state, minimumDeletedTime);
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

  /** Writes rows of documents not stored here; false when IndexedDB found one stored after all. */
  async function insertFresh(rows: BulkWriteRow<T>[], context: string, emit = true) {
    // No document in the database: every row is an insert, none can conflict (categorised as the storage does).
    const categorized = categorizeBulkWriteRows<T>(instance, primaryPath as never, new Map(), rows, context);
    const docs = categorized.bulkInsertDocs.map((row) => toDexie<T>(state.booleanIndexes, row.document));
    try {
      await state.dexieDb.transaction('rw', state.dexieTable, () => state.dexieTable.bulkAdd(docs));
    } catch (err) {
      // A key existed after all (someone else wrote to this database): stop guessing, use the normal path.
      if ((err as Error).name !== 'BulkError' && (err as Error).name !== 'ConstraintError') throw err;
      known = null;
      bulkPathStats.disabled++;
      return null;
    }
    bulkPathStats.fastBatches++;
    let checkpoint: RxStorageDefaultCheckpoint | null = null;
    if (categorized.eventBulk.events.length > 0 && categorized.newestRow) {
      const last = categorized.newestRow.document;
      checkpoint = { id: idOf(last), lwt: last._meta.lwt };
      categorized.eventBulk.checkpoint = checkpoint;
      if (emit) changesOf(instance).next(categorized.eventBulk);
    }
    return { errors: categorized.errors, checkpoint, eventBulk: categorized.eventBulk };
  }

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
    const written = await insertFresh(rows, context);
    return written ? { error: written.errors } : bulkWrite(rows, context);
  };

  const key = writerKey(instance.databaseName, instance.collectionName);
  WRITERS.set(key, () => {
    if (!known || known.size > 0 || instance.closed) return null;
    // Change events are handed on in bulks of FIRST_SYNC_EVENTS documents: each bulk costs RxDB a round of
    // work (and its push side a checkpoint write), and nothing reads the collection's events sooner.
    let held: EventBulk<RxStorageChangeEvent<RxDocumentData<T>>, RxStorageDefaultCheckpoint> | null = null;
    const flush = () => {
      if (held && !instance.closed) changesOf(instance).next(held);
      held = null;
    };
    return {
      async insert(docs, context) {
        const set = known;
        const ids = docs.map(idOf);
        if (!set || instance.closed || ids.some((id) => set.has(id)) || new Set(ids).size !== ids.length) {
          throw new Error('first-sync writer: a document is stored already');
        }
        for (const id of ids) set.add(id);
        const written = await insertFresh(
          docs.map((document) => ({ document })),
          context,
          false,
        );
        if (!written || written.errors.length > 0 || !written.checkpoint) {
          throw new Error('first-sync writer: IndexedDB refused the batch');
        }
        bulkPathStats.firstSyncDocs += docs.length;
        if (held) {
          held.events.push(...written.eventBulk.events);
          held.checkpoint = written.checkpoint;
        } else held = written.eventBulk;
        if (held.events.length >= FIRST_SYNC_EVENTS) flush();
        return written.checkpoint;
      },
      flush,
      has: (id) => !!known?.has(id),
    } satisfies FirstSyncWriter<T>;
  });
  const close = instance.close.bind(instance);
  instance.close = () => (WRITERS.delete(key), close());
  return instance;
}

/**
 * Inserts straight into a collection that has never held a document, for the first sync of a replication
 * (replication.ts): the documents arrive in RxDB's stored shape and go to IndexedDB in one transaction per
 * batch, with RxDB's change events, skipping RxDB's per-document replication work.
 */
/** Documents per change-event bulk of a first sync. */
const FIRST_SYNC_EVENTS = 5000;

export interface FirstSyncWriter<T> {
  /**
   * Resolves, once committed, with the storage's changes checkpoint after these documents. `context` is the
   * write context of the change events (the replication's downstream context).
   */
  insert(docs: RxDocumentData<T>[], context: string): Promise<RxStorageDefaultCheckpoint>;
  /** Hands on the change events of every committed insert (the writer holds them back to send in bulk). */
  flush(): void;
  /** Whether this document id has been written (then it needs RxDB's own update path). */
  has(id: string): boolean;
}

const WRITERS = new Map<string, () => FirstSyncWriter<unknown> | null>();
const writerKey = (databaseName: string, collectionName: string) => `${databaseName}\u0000${collectionName}`;

/** The first-sync writer of a collection, or null when it holds (or has held since opening) any document. */
export function firstSyncWriter<T>(databaseName: string, collectionName: string): FirstSyncWriter<T> | null {
  return (WRITERS.get(writerKey(databaseName, collectionName))?.() as FirstSyncWriter<T> | null) ?? null;
}

/**
 * Dexie settings for the app's storage. RxDB's Dexie storage indexes every document by `_meta.lwt` twice:
 * `[_meta.lwt+id]` (changes since a checkpoint: the push side of replication) and `_meta.lwt` alone, which only
 * its `cleanup()` reads. IndexedDB pays for each index on every write (0.80× of a plain table's speed with
 * both, 0.86× without the second: tests/bench/replication.bench.ts), so the tables are declared without the
 * single one and `cleanup()` reads the compound index instead (wrapInstance).
 */
export const APP_DEXIE_SETTINGS: DexieSettings = {
  onCreate(dexie) {
    const version = dexie.version.bind(dexie);
    dexie.version = (n: number) => {
      const v = version(n);
      const stores = v.stores.bind(v);
      v.stores = (schema: Record<string, string | null>) =>
        stores(
          Object.fromEntries(
            Object.entries(schema).map(([table, spec]) => [
              table,
              table === 'docs' && spec
                ? spec
                    .split(',')
                    .filter((part) => part.trim() !== '_meta.lwt')
                    .join(',')
                : spec,
            ]),
          ),
        );
      return v;
    };
  },
};

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
      const instance = await wrapInstance(await inner.createStorageInstance<T>(params));
      return lazy ? (lazy.wrap(instance, params.databaseName) as DexieInstance<T>) : instance;
    },
  };
}
