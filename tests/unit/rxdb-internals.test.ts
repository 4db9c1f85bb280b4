import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  META_INSTANCE_SCHEMA_TITLE,
  RXDB_VERSION,
  categorizeBulkWriteRows,
  createRxDatabase,
  fillWithDefaultSettings,
  getHeightOfRevision,
  getRxReplicationMetaInstanceSchema,
  type BulkWriteRow,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageMemory, type RxStorageMemoryInstanceCreationOptions } from 'rxdb/plugins/storage-memory';
import {
  RxStorageInstanceDexie,
  fromStorageToDexie,
  getDexieDbWithTables,
  getDexieStoreSchema,
  getRxStorageDexie,
} from 'rxdb/plugins/storage-dexie';
import { BehaviorSubject, Subject, filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { APP_DEXIE_SETTINGS } from '../../renderer/src/db/fast-insert-storage';
import { pulledMeta } from '../../renderer/src/db/lazy-meta';

/**
 * What the app's storage patches rely on inside RxDB (issue 11 part 6). rxdb is pinned to the exact version
 * they were written against; whoever upgrades it runs this file first. Every assertion names the patch that
 * depends on it, so a failure says which file to revisit:
 *  - lazy-meta.ts (lazy replication meta rows),
 *  - fast-insert-storage.ts (the first-sync bulk path and the Dexie index trim),
 *  - replication.ts firstSync (the first-sync writer inside RxDB's first pull).
 * The behaviour itself is covered end to end in the browser by tests/e2e/bulk-path-storage.test.ts; this file
 * runs in Node, so the Dexie parts are checked without IndexedDB (construction, call order, source shape).
 */

const LAZY = 'lazy-meta.ts';
const BULK = 'fast-insert-storage.ts';
const FIRST = 'replication.ts firstSync';
const need = (patch: string, what: string) => `RxDB internals changed: ${patch} relies on ${what}`;

const require = createRequire(import.meta.url);
const rxdbDist = path.dirname(require.resolve('rxdb/plugins/storage-dexie'));

interface Thing {
  id: string;
  name: string;
  active: boolean;
}
const thingSchema: RxJsonSchema<Thing> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    name: { type: 'string', maxLength: 100 },
    active: { type: 'boolean' },
  },
  required: ['id', 'name', 'active'],
  indexes: ['active'],
  additionalProperties: false,
};

/** Memory storage that records what RxDB asks of every storage instance (the calls the patches intercept). */
function recordingStorage() {
  const inner = getRxStorageMemory();
  const writes: Array<{ title: string | undefined; context: string; rows: BulkWriteRow<unknown>[] }> = [];
  const metaLookups: string[][] = [];
  const storage: RxStorage<unknown, RxStorageMemoryInstanceCreationOptions> = {
    name: inner.name,
    rxdbVersion: inner.rxdbVersion,
    async createStorageInstance<T>(params: RxStorageInstanceCreationParams<T, RxStorageMemoryInstanceCreationOptions>) {
      const instance: RxStorageInstance<T, unknown, RxStorageMemoryInstanceCreationOptions> =
        await inner.createStorageInstance<T>(params);
      const title = params.schema.title;
      const bulkWrite = instance.bulkWrite.bind(instance);
      const findDocumentsById = instance.findDocumentsById.bind(instance);
      instance.bulkWrite = (rows, context) => {
        writes.push({ title, context, rows });
        return bulkWrite(rows, context);
      };
      instance.findDocumentsById = (ids, withDeleted) => {
        if (title === META_INSTANCE_SCHEMA_TITLE) metaLookups.push(ids);
        return findDocumentsById(ids, withDeleted);
      };
      return instance;
    },
  };
  return { storage, writes, metaLookups };
}

describe('rxdb version', () => {
  it('is the exact version the storage patches were written against', () => {
    const pkg: { dependencies: Record<string, string> } = JSON.parse(
      fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
    );
    expect(
      pkg.dependencies.rxdb,
      'package.json must pin rxdb exactly (no ^ or ~): the storage patches use its internals',
    ).toBe('17.6.0');
    expect(
      RXDB_VERSION,
      need(`${LAZY}, ${BULK} and ${FIRST}`, 'rxdb 17.6.0; re-check this file after an upgrade'),
    ).toBe('17.6.0');
  });
});

describe(`${LAZY}: replication meta rows`, () => {
  it('finds a collection’s meta instance by its title and its docData properties', () => {
    const filled = fillWithDefaultSettings(thingSchema);
    const meta = getRxReplicationMetaInstanceSchema(filled, false);
    expect(meta.title, need(LAZY, 'META_INSTANCE_SCHEMA_TITLE naming the meta instance schema')).toBe(
      META_INSTANCE_SCHEMA_TITLE,
    );
    const docData = meta.properties.docData as { properties?: unknown };
    expect(
      JSON.stringify(docData.properties),
      need(LAZY, 'meta schema properties.docData.properties being the collection’s stored schema properties'),
    ).toBe(JSON.stringify(filled.properties));
  });

  it('addresses a document’s meta row as `${id}|0` (itemId, isCheckpoint)', () => {
    const meta = getRxReplicationMetaInstanceSchema(fillWithDefaultSettings(thingSchema), false);
    expect(meta.primaryKey, need(LAZY, 'meta row ids composed of itemId|isCheckpoint (metaId, itemIdOf)')).toEqual({
      key: 'id',
      fields: ['itemId', 'isCheckpoint'],
      separator: '|',
    });
  });

  it('raises the revision height on every write (the pulled stamp compares heights)', async () => {
    const db = await createRxDatabase({ name: 'internals1', storage: getRxStorageMemory(), multiInstance: false });
    try {
      const { things } = await db.addCollections({ things: { schema: thingSchema } });
      const doc = await things.insert({ id: 'a', name: 'one', active: true });
      expect(getHeightOfRevision(doc.toMutableJSON(true)._rev), need(LAZY, 'getHeightOfRevision("1-…") = 1')).toBe(1);
      const patched = await doc.incrementalPatch({ name: 'two' });
      expect(
        getHeightOfRevision(patched.toMutableJSON(true)._rev),
        need(LAZY, 'a local write raising the revision height above the pulled one'),
      ).toBe(2);
      const stored = (await things.storageInstance.findDocumentsById(['a'], false))[0];
      expect(stored?._meta, need(LAZY, '_meta being a plain object that keeps extra keys (rsp, rsm)')).toHaveProperty(
        'lwt',
      );
    } finally {
      await db.remove();
    }
  });

  it('sees a pull as downstream writes followed by meta writes, and a push look up `${id}|0`', async () => {
    const { storage, writes, metaLookups } = recordingStorage();
    const db = await createRxDatabase({ name: 'internals2', storage, multiInstance: false });
    try {
      const { things } = await db.addCollections({ things: { schema: thingSchema } });
      const master = new Map<string, Thing & { _deleted: boolean }>([
        ['p1', { id: 'p1', name: 'pulled', active: true, _deleted: false }],
      ]);
      const pulled$ = new Subject<'RESYNC'>();
      const replication = replicateRxCollection<Thing, { n: number }>({
        replicationIdentifier: 'internals-test',
        collection: things,
        live: true,
        pull: {
          handler: async (checkpoint) =>
            checkpoint?.n === 1
              ? { documents: [], checkpoint }
              : { documents: [...master.values()], checkpoint: { n: 1 } },
          stream$: pulled$.asObservable(),
        },
        push: {
          handler: async (rows) => {
            for (const r of rows) master.set(r.newDocumentState.id, { ...r.newDocumentState });
            return [];
          },
        },
      });
      await replication.awaitInitialReplication();

      const internal = replication.internalReplicationState;
      expect(internal, need(FIRST, 'RxReplicationState.internalReplicationState')).toBeTruthy();
      if (!internal) return;
      const flag = await internal.downstreamBulkWriteFlag;
      expect(flag, need(`${FIRST} and ${LAZY}`, "downstreamBulkWriteFlag starting 'replication-downstream-'")).toMatch(
        /^replication-downstream-/,
      );
      expect(
        internal.firstSyncDone.up instanceof BehaviorSubject,
        need(FIRST, 'internalReplicationState.firstSyncDone.up (a BehaviorSubject<boolean>)'),
      ).toBe(true);
      await firstValueFrom(internal.firstSyncDone.up.pipe(filter(Boolean)));

      const down = writes.find((w) => w.title !== META_INSTANCE_SCHEMA_TITLE && w.context === flag);
      expect(down, need(LAZY, 'the pull writing the collection with the downstreamBulkWriteFlag context')).toBeTruthy();
      const metaWrite = writes.find(
        (w) => w.title === META_INSTANCE_SCHEMA_TITLE && w.context === 'replication-down-write-meta',
      );
      expect(
        metaWrite,
        need(LAZY, "the pull's meta rows written with context 'replication-down-write-meta'"),
      ).toBeTruthy();
      expect(
        metaWrite?.rows.map((r) => r.document),
        need(LAZY, 'a pulled meta row {id: `${itemId}|0`, itemId, isCheckpoint: "0", docData}'),
      ).toContainEqual(
        expect.objectContaining({
          id: 'p1|0',
          itemId: 'p1',
          isCheckpoint: '0',
          docData: expect.objectContaining({ id: 'p1' }),
        }),
      );
      expect(
        writes.indexOf(down!) < writes.indexOf(metaWrite!),
        need(LAZY, 'the pull writing documents before their meta rows (justPulled)'),
      ).toBe(true);

      metaLookups.length = 0;
      await things.findOne('p1').incrementalPatch({ name: 'edited' });
      await replication.awaitInSync();
      expect(master.get('p1')?.name).toBe('edited');
      expect(
        metaLookups.flat(),
        need(LAZY, 'the push reading assumed master states from the meta instance by `${id}|0`'),
      ).toContain('p1|0');
      await replication.cancel();
    } finally {
      await db.remove();
    }
  });
});

describe(`${BULK}: the first-sync bulk path`, () => {
  it('categorizes fresh rows as inserts with change events and a newest row (categorizeBulkWriteRows)', async () => {
    const schema = fillWithDefaultSettings(thingSchema);
    const instance = await getRxStorageMemory().createStorageInstance<Thing>({
      databaseName: 'internals3',
      collectionName: 'things',
      databaseInstanceToken: 'token',
      schema,
      options: {},
      multiInstance: false,
      devMode: false,
    });
    try {
      const rows: BulkWriteRow<Thing>[] = ['x', 'y'].map((id, i) => ({
        document: {
          id,
          name: id,
          active: true,
          _deleted: false,
          _attachments: {},
          _rev: '1-a',
          _meta: pulledMeta(1000 + i),
        } satisfies RxDocumentData<Thing>,
      }));
      const c = categorizeBulkWriteRows<Thing>(instance, 'id', new Map(), rows, 'ctx');
      const why = need(BULK, 'categorizeBulkWriteRows(instance, primaryPath, docsInDb, rows, context)');
      expect(
        c.bulkInsertDocs.map((r) => r.document.id),
        why,
      ).toEqual(['x', 'y']);
      expect(c.errors, why).toEqual([]);
      expect(
        c.eventBulk.events.map((e) => [e.operation, e.documentId]),
        why,
      ).toEqual([
        ['INSERT', 'x'],
        ['INSERT', 'y'],
      ]);
      expect(c.newestRow?.document.id, why).toBe('y');
    } finally {
      await instance.remove();
    }
  });

  it('stores booleans of boolean indexes as "0"/"1" and renames keys starting with "|" (toDexie)', () => {
    const stored = { _deleted: false, _attachments: {}, _rev: '1-a', _meta: { lwt: 1 } };
    const doc = { id: 'a', active: true, nested: { '|odd': 1 }, ...stored };
    expect(fromStorageToDexie(['active'], doc), need(BULK, 'fromStorageToDexie: booleans as "1"/"0"')).toMatchObject({
      active: '1',
    });
    const plain = { id: 'b', active: false, name: 'n', ...stored };
    expect(
      fromStorageToDexie(['active'], plain),
      need(BULK, 'fromStorageToDexie changing nothing else in a document without "|" keys (the fast copy)'),
    ).toEqual({ ...plain, active: '0' });
    expect(
      JSON.stringify(fromStorageToDexie([], doc)),
      need(BULK, 'keys starting with "|" being renamed'),
    ).not.toContain('|odd');
  });

  it('indexes the docs table by [_meta.lwt+id] and _meta.lwt, and the app drops only the second', async () => {
    const schema = fillWithDefaultSettings(thingSchema);
    const parts = getDexieStoreSchema(schema)
      .split(',')
      .map((p) => p.trim());
    expect(parts, need(BULK, 'the compound index [_meta.lwt+id] (changes since a checkpoint, cleanup)')).toContain(
      '[_meta.lwt+id]',
    );
    expect(parts, need(BULK, 'the single _meta.lwt index that APP_DEXIE_SETTINGS removes')).toContain('_meta.lwt');

    // getDexieDbWithTables: onCreate runs before version(1).stores({docs, …}); open is stopped before IndexedDB.
    const stored: Array<Record<string, string | null>> = [];
    const stop = new Error('stop before IndexedDB');
    const settings = {
      indexedDB: {
        open: () => {
          throw stop;
        },
      },
      IDBKeyRange: { bound: () => stop, lowerBound: () => stop, upperBound: () => stop },
      async onCreate(dexie: Parameters<NonNullable<typeof APP_DEXIE_SETTINGS.onCreate>>[0], name: string) {
        // Recorded beneath the app's own wrapper, so this sees what reaches Dexie.
        const version = dexie.version.bind(dexie);
        dexie.version = (n: number) => {
          const v = version(n);
          const stores = v.stores.bind(v);
          v.stores = (s: Record<string, string | null>) => (stored.push(s), stores(s));
          return v;
        };
        dexie.open = () => {
          throw stop;
        };
        await APP_DEXIE_SETTINGS.onCreate?.(dexie, name);
      },
    };
    await expect(getDexieDbWithTables('internals4', 'things', settings, schema)).rejects.toBe(stop);
    expect(stored, need(BULK, 'getDexieDbWithTables calling settings.onCreate before version(1).stores')).toHaveLength(
      1,
    );
    expect(
      stored[0]?.docs?.split(',').map((p) => p.trim()),
      need(BULK, 'APP_DEXIE_SETTINGS seeing the docs table schema'),
    ).toEqual(parts.filter((p) => p !== '_meta.lwt'));
  });

  it('keeps the Dexie instance fields the wrapper reads (internals, changes$, primaryPath, cleanup)', () => {
    const schema = fillWithDefaultSettings(thingSchema);
    const internals = new Promise<never>(() => undefined);
    const instance = new RxStorageInstanceDexie<Thing>(
      getRxStorageDexie(),
      'internals5',
      'things',
      schema,
      internals,
      {},
      {},
      false,
    );
    expect(instance.internals, need(BULK, 'RxStorageInstanceDexie.internals (the Dexie state promise)')).toBe(
      internals,
    );
    expect(
      (instance as unknown as { changes$?: unknown }).changes$ instanceof Subject,
      need(BULK, 'the private RxStorageInstanceDexie.changes$ Subject that bulk inserts emit on (changesOf)'),
    ).toBe(true);
    expect(instance.primaryPath, need(BULK, 'RxStorageInstanceDexie.primaryPath')).toBe('id');
    expect(
      typeof instance.cleanup,
      need(BULK, 'RxStorageInstanceDexie.cleanup (replaced to read [_meta.lwt+id])'),
    ).toBe('function');
    // The Dexie state's shape: IndexedDB is not available here, so read what getDexieDbWithTables returns.
    const helper = fs.readFileSync(path.join(rxdbDist, 'dexie-helper.js'), 'utf8');
    for (const field of [
      'dexieDb,',
      'dexieTable: dexieDb[DEXIE_DOCS_TABLE_NAME]',
      'booleanIndexes: getBooleanIndexes(schema)',
    ]) {
      expect(helper, need(BULK, `the Dexie state {dexieDb, dexieTable, booleanIndexes} (${field})`)).toContain(field);
    }
  });
});
