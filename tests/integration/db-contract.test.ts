import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../sync-server/src/db';
import {
  MigrationError,
  migrate,
  migrationStatus,
  readMigrations,
  type MigrationFile,
} from '../../sync-server/src/db/migrate';
import { openTestPglite } from '../helpers/pglite-template';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { waitFor } from '../helpers/rxdb-node';

/**
 * The one database interface (sync-server/src/db) behaves the same on PGlite and on PostgreSQL: queries,
 * transactions, LISTEN/NOTIFY and migrations. PGlite always; PostgreSQL whenever reachable (required in CI).
 */
const pgTest = await probePostgres('database contract');

interface Driver {
  name: 'pglite' | 'postgres';
  /** `empty`: a database with nothing in it; otherwise any private database (PGlite: a quick template copy). */
  open(opts?: { empty?: boolean }): Promise<{ db: Database; dispose(): Promise<void> }>;
}

const drivers: Driver[] = [
  {
    name: 'pglite',
    async open(opts = {}) {
      const db = opts.empty ? await openPglite('memory://') : await openTestPglite();
      return { db, dispose: () => db.close() };
    },
  },
];
if (pgTest.available) {
  drivers.push({
    name: 'postgres',
    async open() {
      const database: TestPostgresDatabase = await pgTest.create();
      const db = await openPostgres(database.url);
      return {
        db,
        async dispose() {
          await db.close();
          await database.drop();
        },
      };
    },
  });
}

const fakeMigrations = (sqls: string[]): MigrationFile[] =>
  sqls.map((sql, i) => ({ version: i + 1, name: `m${i + 1}`, sql, checksum: `sum-${i + 1}-${sql.length}-${sql}` }));

describe.each(drivers)('database contract on $name', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await driver.open());
    await db.exec(`CREATE TABLE contract_items (id text PRIMARY KEY, n bigint NOT NULL, body jsonb)`);
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('reports its kind', () => {
    expect(db.kind).toBe(driver.name);
  });

  it('runs parameterised queries, returns int8 as numbers and jsonb as objects, and counts affected rows', async () => {
    await db.query('INSERT INTO contract_items (id, n, body) VALUES ($1, $2, $3), ($4, $5, $6)', [
      'a',
      9_007_199_254_740_000,
      { x: [1, 'two'] },
      'b',
      2,
      null,
    ]);
    const { rows } = await db.query<{ id: string; n: number; body: unknown }>(
      'SELECT id, n, body FROM contract_items ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'a', n: 9_007_199_254_740_000, body: { x: [1, 'two'] } },
      { id: 'b', n: 2, body: null },
    ]);
    expect(typeof rows[0].n).toBe('number');
    const upd = await db.query('UPDATE contract_items SET n = n + 1 WHERE id = ANY($1::text[])', [['a', 'b', 'zzz']]);
    expect(upd.rowCount).toBe(2);
    const { rows: count } = await db.query<{ c: number }>('SELECT count(*) AS c FROM contract_items');
    expect(count[0].c).toBe(2);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO contract_items (id, n) VALUES ($1, 1)', ['committed']);
      return 'done';
    });
    expect(value).toBe('done');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_items (id, n) VALUES ($1, 1)', ['rolled-back']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A failed statement also rolls back what came before it in the transaction.
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_items (id, n) VALUES ($1, 1)', ['before-error']);
        await tx.query('INSERT INTO contract_items (id, n) VALUES ($1, 1)', ['committed']);
      }),
    ).rejects.toThrow();
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM contract_items WHERE id IN ('committed', 'rolled-back', 'before-error')`,
    );
    expect(rows.map((r) => r.id)).toEqual(['committed']);
  });

  it('delivers NOTIFY to listeners, only on commit, and not after unlisten', async () => {
    const got: string[] = [];
    const unlisten = await db.listen('contract_channel', (p) => got.push(p));
    await db.notify('contract_channel', 'direct');
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_notify('contract_channel', 'in-committed-tx')`);
    });
    await db
      .transaction(async (tx) => {
        await tx.query(`SELECT pg_notify('contract_channel', 'in-rolled-back-tx')`);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await db.notify('contract_channel', 'last');
    await waitFor(
      'the notifications',
      () => got,
      (g) => g.includes('last'),
    );
    expect(got).toEqual(['direct', 'in-committed-tx', 'last']);
    await unlisten();
    await db.notify('contract_channel', 'after-unlisten');
    // A marker on another channel proves delivery has caught up, so the absence below is meaningful.
    const marker: string[] = [];
    const stopMarker = await db.listen('contract_marker', (p) => marker.push(p));
    await db.notify('contract_marker', 'caught-up');
    await waitFor(
      'the marker',
      () => marker,
      (m) => m.length === 1,
    );
    await stopMarker();
    expect(got).not.toContain('after-unlisten');
  });

  it('applies migrations once, records them, and refuses a migration changed after it was applied', async () => {
    const v1 = fakeMigrations(['CREATE TABLE contract_m1 (id int)', 'CREATE TABLE contract_m2 (id int)']);
    await db.exec('DROP TABLE IF EXISTS schema_migrations');
    expect(await migrate(db, v1)).toEqual([1, 2]);
    expect(await migrate(db, v1)).toEqual([]);
    expect(await migrationStatus(db, v1)).toEqual({ applied: [1, 2], pending: [], current: true });
    const { rows } = await db.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(v1.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })));

    const edited = [v1[0], { ...v1[1], sql: v1[1].sql + ' -- edited', checksum: 'different' }];
    await expect(migrate(db, edited)).rejects.toThrow(MigrationError);
    await expect(migrationStatus(db, edited)).rejects.toThrow(/migration 2 \(m2\) was changed after it was applied/);
    await expect(migrationStatus(db, [v1[0]])).rejects.toThrow(/no such file exists/);

    // A failing migration leaves nothing behind: neither its statements nor its record.
    const broken = [
      ...v1,
      ...fakeMigrations(['', '', 'CREATE TABLE contract_m3 (id int); SELECT no_such_function()']).slice(2),
    ];
    await expect(migrate(db, broken)).rejects.toThrow();
    expect((await migrationStatus(db, broken)).pending).toEqual([3]);
    const { rows: m3 } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'contract_m3'`);
    expect(m3).toEqual([]);
  });

  it('applies the real migration files to an empty database and finds them current', async () => {
    const fresh = await driver.open({ empty: true });
    try {
      const files = readMigrations();
      expect(await migrate(fresh.db, files)).toEqual(files.map((f) => f.version));
      expect((await migrationStatus(fresh.db, files)).current).toBe(true);
    } finally {
      await fresh.dispose();
    }
  });
});

describe('migration files', () => {
  it('refuses a file name that is not NNN_name.sql and two files with one number', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-migrations-'));
    try {
      fs.writeFileSync(path.join(dir, '001_first.sql'), 'SELECT 1');
      fs.writeFileSync(path.join(dir, 'second.sql'), 'SELECT 1');
      expect(() => readMigrations(dir)).toThrow(/must look like 001_name.sql/);
      fs.rmSync(path.join(dir, 'second.sql'));
      fs.writeFileSync(path.join(dir, '001_again.sql'), 'SELECT 1');
      expect(() => readMigrations(dir)).toThrow(/two migrations numbered 001/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
