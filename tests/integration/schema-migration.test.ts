import crypto from 'node:crypto';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionDefinition, replicateCollection, type SyncHttpError } from '../../renderer/src/db/replication';
import { LazyMeta } from '../../renderer/src/db/lazy-meta';
import { coursesV1AddDistricts, type CourseDocV0 } from '../../renderer/src/db/migrations';
import { COLLECTIONS, type CourseDoc } from '../../shared/schemas';
import { readMigrations } from '../../sync-server/src/db/migrate';
import { getDocument, putDocuments } from '../../sync-server/src/replication/store';
import { startTestServer, type TestServer } from '../helpers/server';
import { T0, staff } from '../helpers/sync-docs';

addRxPlugin(RxDBMigrationSchemaPlugin);

/**
 * A real schema migration end to end (replication SPEC R3, R3a; STYLE: every migration step is tested by name):
 * courses went from schema version 0 to 1 (`coursesV1AddDistricts`, server migration 015). An app still at
 * version 0, holding an edit it has not pushed, meets the updated server: it is refused with 426, stops
 * syncing courses and keeps the edit; once updated it migrates its documents and pushes the edit, which the
 * server accepts as based on the (equally migrated) stored course.
 */

let server: TestServer;
let author: { id: string; token: string };

/** The courses schema as the version-0 app had it: no `districts`. */
const { districts: _added, ...v0Properties } = COLLECTIONS.courses.properties;
const courseSchemaV0: RxJsonSchema<CourseDocV0> = {
  ...COLLECTIONS.courses,
  version: 0,
  primaryKey: 'id',
  properties: v0Properties,
  required: (COLLECTIONS.courses.required ?? []).filter((f): f is keyof CourseDocV0 => f !== 'districts'),
};

const course = (over: Partial<CourseDoc> = {}): CourseDoc => ({
  id: 'course-1',
  updatedAt: 0,
  title: 'Objection handling',
  description: 'Price objections in the first minute',
  authorId: author.id,
  pricing: { kind: 'free', pricePence: 0 },
  items: [],
  published: false,
  createdAt: T0,
  districts: [],
  ...over,
});

/**
 * The server before its update: this very server answering for courses at version 0. Its stored courses are
 * the version-0 documents (the test removes `districts` from them below); only the version in the URL differs.
 */
const serverBeforeUpdate: typeof fetch = (input, init) =>
  globalThis.fetch(String(input).replace('/sync/courses/0/', '/sync/courses/1/'), init);

type Storage = ReturnType<typeof getRxStorageMemory>;

/** Memory storage with the app's lazy replication meta rows (renderer/src/db/lazy-meta.ts), as the app's storage has. */
function lazyMetaStorage(): Storage {
  const inner = getRxStorageMemory();
  const lazy = new LazyMeta();
  return {
    ...inner,
    async createStorageInstance(params) {
      const instance = await inner.createStorageInstance(params);
      lazy.wrap(instance, params.databaseName); // patches the instance in place
      return instance;
    },
  };
}

async function openApp(name: string, storage: Storage, version: 0 | 1) {
  const db: RxDatabase = await createRxDatabase({ name, storage, multiInstance: false });
  const definition =
    version === 0
      ? { ...collectionDefinition('courses'), schema: courseSchemaV0, migrationStrategies: {} }
      : collectionDefinition('courses');
  await db.addCollections({ courses: definition });
  return db;
}

function replicate(db: RxDatabase, fetchFn?: typeof fetch) {
  return replicateCollection({
    collection: db.collections.courses as RxCollection<CourseDoc>,
    name: 'courses',
    baseUrl: server.url,
    token: author.token,
    identifier: db.name,
    // As the app runs it (no stream here: Node has no EventSource, so each run pulls and pushes once).
    live: true,
    retryTime: 100,
    fetch: fetchFn,
  });
}

beforeAll(async () => {
  server = await startTestServer();
  author = await staff(server, 'author', 'cora');
});
afterAll(async () => {
  await server?.close();
});

describe('courses 0 → 1: coursesV1AddDistricts', () => {
  it('gives every course an empty districts list (every area) and changes nothing else', () => {
    const { districts: _d, ...v0 } = course();
    expect(coursesV1AddDistricts(v0)).toEqual({ ...v0, districts: [] });
  });

  it('server migration 015 does the same to stored courses, and is safe to run twice', async () => {
    const file = readMigrations().find((m) => m.version === 15);
    expect(file?.name).toBe('courses_districts');
    await server.db.transaction((tx) => putDocuments(tx, 'courses', [course({ id: 'course-sql' })], T0));
    await server.db.query(
      `UPDATE sync_documents SET doc = doc - 'districts' WHERE collection = 'courses' AND id = 'course-sql'`,
    );
    const before = await server.db.query<{ doc: CourseDocV0 }>(
      `SELECT doc FROM sync_documents WHERE collection = 'courses' AND id = 'course-sql'`,
    );
    await server.db.exec(file!.sql);
    await server.db.exec(file!.sql);
    expect(await getDocument(server.db, 'courses', 'course-sql')).toEqual(coursesV1AddDistricts(before.rows[0]!.doc));
  });

  it('R3a: an old app gets 426 and keeps its unpushed edit; updated, it migrates and pushes the edit', () =>
    oldAppMeetsUpdatedServer('plain', getRxStorageMemory));

  // The app's storage keeps a pulled document's replication meta row "virtual" (lazy-meta.ts); RxDB's migration
  // moves only stored rows, so lazy-meta.ts carries the virtual state across itself.
  it('R3a with the app’s lazy meta rows: the edit survives the migration too', () =>
    oldAppMeetsUpdatedServer('lazy', lazyMetaStorage));
});

/** An app at courses version 0 with an unpushed edit meets the updated server, then is updated itself. */
async function oldAppMeetsUpdatedServer(prefix: string, makeStorage: () => Storage) {
  const edited = `${prefix}-edited`;
  const untouched = `${prefix}-untouched`;
  // The server before its update holds version-0 courses, which the old app pulls.
  await server.db.transaction((tx) =>
    putDocuments(tx, 'courses', [course({ id: edited }), course({ id: untouched, title: 'First contact' })], T0),
  );
  await server.db.query(`UPDATE sync_documents SET doc = doc - 'districts' WHERE collection = 'courses'`);
  const storage = makeStorage();
  const name = `app${crypto.randomBytes(6).toString('hex')}`;
  const oldApp = await openApp(name, storage, 0);
  const before = replicate(oldApp, serverBeforeUpdate);
  await before.awaitInitialReplication();
  await before.cancel();
  const pulled = await oldApp.collections.courses!.findOne(edited).exec();
  expect(pulled?.toJSON()).not.toHaveProperty('districts');

  // Offline, the author renames one course.
  await pulled!.incrementalPatch({ title: 'Objection handling (2026 edition)' });

  // The server is updated: migration 015 runs over its stored documents.
  await server.db.exec(readMigrations().find((m) => m.version === 15)!.sql);

  // The old app comes back online: refused with 426, it stops syncing courses and keeps the edit.
  const refused = replicate(oldApp);
  const errors: SyncHttpError[] = [];
  refused.errors$.subscribe((e) => errors.push(e));
  await firstValueFrom(refused.outdated$.pipe(filter(Boolean)));
  expect(errors[0]).toMatchObject({ status: 426, code: 'SCHEMA_OUTDATED' });
  await firstValueFrom(refused.state.canceled$.pipe(filter(Boolean)));
  expect(refused.state.isStopped()).toBe(true);
  expect((await oldApp.collections.courses!.findOne(edited).exec())?.title).toBe('Objection handling (2026 edition)');
  expect((await getDocument(server.db, 'courses', edited))?.title).toBe('Objection handling');
  await oldApp.close();

  // The updated app opens the same local database: RxDB runs coursesV1AddDistricts over it.
  const newApp = await openApp(name, storage, 1);
  const migrated = await newApp.collections.courses!.findOne(edited).exec();
  expect(migrated?.toJSON()).toMatchObject({ title: 'Objection handling (2026 edition)', districts: [] });

  // It pushes the edit, based on the migrated master state, and the server takes it (no conflict).
  const after = replicate(newApp);
  await after.awaitInitialReplication();
  await after.awaitInSync();
  expect(await getDocument(server.db, 'courses', edited)).toMatchObject({
    title: 'Objection handling (2026 edition)',
    districts: [],
  });

  // A course pulled before the update and edited after it is based on its migrated master state too.
  await (await newApp.collections.courses!.findOne(untouched).exec())!.incrementalPatch({ districts: ['W1'] });
  await after.awaitInSync();
  expect(await getDocument(server.db, 'courses', untouched)).toMatchObject({
    title: 'First contact',
    districts: ['W1'],
  });
  await after.cancel();
  await newApp.close();
}
