/**
 * Runs inside Chromium for tests/bench/replication.bench.ts. Served from the sync server's own origin, so the
 * replication uses the real pull endpoint over real HTTP, exactly as the app does.
 *
 * Three ways to land the same call documents in IndexedDB, timed in the same page:
 *  - `dexieBulkPut`: a plain Dexie table, documents already in memory, bulkPut in pages (the baseline);
 *  - `dexiePull`: the same pulls over HTTP as the app, each page bulkPut into a plain Dexie table, the next
 *    pull overlapping the previous write (what a hand-written sync would do);
 *  - `rxdb`: RxDB with Dexie storage and the app's own replicateCollection (renderer/src/db/replication.ts),
 *    with the settings under test.
 */
import Dexie from 'dexie';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  APP_DEXIE_SETTINGS,
  bulkPathStats,
  firstSyncWriter,
  withBulkInsertPath,
} from '../../../renderer/src/db/fast-insert-storage';
import { collectionDefinition, replicateCollection } from '../../../renderer/src/db/replication';
import type { CallDoc } from '../../../shared/schemas';

interface PullPage {
  documents: CallDoc[];
  checkpoint: { seq: number };
}

export interface RxdbOptions {
  token: string;
  batchSize: number;
  push: boolean;
  multiInstance: boolean;
  durability: 'default' | 'relaxed' | 'strict';
  /** The app's first-sync bulk path (renderer/src/db/fast-insert-storage.ts). */
  bulkPath: boolean;
}

export interface RunResult {
  ms: number;
  count: number;
  /** Batches the bulk path wrote (RxDB runs with the bulk path only). */
  fastBatches?: number;
}

async function pullPage(token: string, seq: number, limit: number): Promise<PullPage> {
  const res = await fetch(`/sync/calls/0/pull?seq=${seq}&limit=${limit}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`pull ${res.status}: ${await res.text()}`);
  return (await res.json()) as PullPage;
}

const uid = () => Math.random().toString(36).slice(2, 10);

/**
 * `schema`: the indexes the calls schema declares (primary key and startedAt), the honest baseline for an
 * app table; `rxdb`: the index set RxDB's Dexie storage keeps for the same schema (deletion flag, last write
 * time, and the declared index prefixed with the deletion flag), to tell storage cost from RxDB's own work.
 */
function plainTable(durability: RxdbOptions['durability'], indexes: 'schema' | 'rxdb' = 'schema') {
  const db = new Dexie(`plain_${uid()}`, { chromeTransactionDurability: durability });
  db.version(1).stores({
    calls:
      indexes === 'schema' ? 'id, startedAt' : 'id, [_deleted+id], [_deleted+startedAt+id], [_meta.lwt+id], _meta.lwt',
  });
  return db;
}

let preloaded: CallDoc[] = [];

const bench = {
  /** Fetches every call once so that the bulkPut baseline times only the writes. */
  async preload(token: string, batchSize: number): Promise<number> {
    preloaded = [];
    let seq = 0;
    for (;;) {
      const page = await pullPage(token, seq, batchSize);
      preloaded.push(...page.documents);
      seq = page.checkpoint.seq;
      if (page.documents.length < batchSize) break;
    }
    return preloaded.length;
  },

  async dexieBulkPut(
    batchSize: number,
    durability: RxdbOptions['durability'],
    indexes: 'schema' | 'rxdb' = 'schema',
  ): Promise<RunResult> {
    const db = plainTable(durability, indexes);
    await db.open();
    // RxDB's stored shape (deletion flag as an indexable string, write time, revision) for the `rxdb` variant.
    const docs =
      indexes === 'rxdb'
        ? preloaded.map((d, i) => ({
            ...d,
            _deleted: '0',
            _meta: { lwt: 1_700_000_000_000 + i },
            _rev: '1-bench',
            _attachments: {},
          }))
        : preloaded;
    const t0 = performance.now();
    for (let i = 0; i < docs.length; i += batchSize) await db.table('calls').bulkPut(docs.slice(i, i + batchSize));
    const ms = performance.now() - t0;
    const count = await db.table('calls').count();
    await db.delete();
    return { ms, count };
  },

  async dexiePull(token: string, batchSize: number, durability: RxdbOptions['durability']): Promise<RunResult> {
    const db = plainTable(durability);
    await db.open();
    const t0 = performance.now();
    let seq = 0;
    let write: Promise<unknown> = Promise.resolve();
    for (;;) {
      const page = await pullPage(token, seq, batchSize);
      const docs = page.documents;
      write = write.then(() => db.table('calls').bulkPut(docs));
      seq = page.checkpoint.seq;
      if (docs.length < batchSize) break;
    }
    await write;
    const ms = performance.now() - t0;
    const count = await db.table('calls').count();
    await db.delete();
    return { ms, count };
  },

  async rxdb(o: RxdbOptions): Promise<RunResult> {
    const dexie = getRxStorageDexie({
      chromeTransactionDurability: o.durability,
      ...(o.bulkPath ? APP_DEXIE_SETTINGS : {}),
    });
    const fastBefore = bulkPathStats.fastBatches;
    const db = await createRxDatabase({
      name: `rx_${uid()}`,
      storage: o.bulkPath ? withBulkInsertPath(dexie) : dexie,
      multiInstance: o.multiInstance,
      eventReduce: true,
    });
    await db.addCollections({ calls: collectionDefinition('calls') });
    const collection = db.calls as RxCollection<CallDoc>;
    const t0 = performance.now();
    const rep = replicateCollection({
      collection,
      name: 'calls',
      baseUrl: location.origin,
      token: o.token,
      live: false,
      push: o.push,
      pullBatchSize: o.batchSize,
      firstSyncWriter: o.bulkPath ? () => firstSyncWriter(db.name, 'calls') : undefined,
    });
    await rep.awaitInitialReplication();
    const ms = performance.now() - t0;
    const count = await collection.count().exec();
    await rep.cancel();
    await db.remove();
    return { ms, count, fastBatches: bulkPathStats.fastBatches - fastBefore };
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
document.body.dataset.ready = 'true';
