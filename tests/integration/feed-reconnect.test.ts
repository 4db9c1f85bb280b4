import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { createLogger } from '../../sync-server/src/log';
import { ChangeFeed, type ChangeEvent } from '../../sync-server/src/replication/feed';
import { putDocument } from '../../sync-server/src/replication/store';
import { makeCall } from '../helpers/docs';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';

const pgTest = await probePostgres('change feed reconnect');

/** Waits (expect.poll) until `cond` holds, for `ms` at most. */
async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  await expect.poll(cond, { timeout: ms, interval: 20, message: `timed out waiting for ${what}` }).toBe(true);
}

describe.skipIf(!pgTest.available)('change feed on PostgreSQL (SPEC R9)', () => {
  let database: TestPostgresDatabase;
  let db: Database;
  let feed: ChangeFeed;
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    database = await pgTest.create();
    db = await openPostgres(database.url);
    await migrate(db);
    feed = new ChangeFeed(db, createLogger('silent'));
    await feed.start();
    feed.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await feed?.stop();
    await db?.close();
    await database?.drop();
  });

  it('survives losing its LISTEN connection: asks every stream to re-sync, then announces new changes again', async () => {
    await db.transaction((tx) => putDocument(tx, 'calls', makeCall({ id: 'CA-before' }), Date.now()));
    await until(() => events.some((e) => e.collection === 'calls' && e.seq > 0), 'the first change');

    // Kill the listening backend from outside, as a server restart or a dropped connection would.
    const killed = await db.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'LISTEN%'`,
    );
    expect(killed.rows[0].n).toBe(1);
    await until(() => events.some((e) => e.seq === -1 && e.collection === 'calls'), 'the re-sync event');

    const before = events.length;
    await db.transaction((tx) => putDocument(tx, 'calls', makeCall({ id: 'CA-after' }), Date.now()));
    await until(
      () => events.slice(before).some((e) => e.collection === 'calls' && e.seq > 0),
      'a change after reconnecting',
    );
  });
});
