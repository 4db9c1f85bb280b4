import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../sync-server/src/db';
import { analyzeChangedTables } from '../../sync-server/src/db/statistics';
import { putDocuments } from '../../sync-server/src/replication/store';
import { openTestPglite } from '../helpers/pglite-template';
import { callDoc } from '../helpers/sync-docs';

/**
 * PGlite has no autovacuum: the server keeps planner statistics itself (sync-server/src/db/statistics.ts).
 * Without them a pull over a table that grew since the last ANALYZE sorted the whole rest of the table.
 */
describe('planner statistics on PGlite', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestPglite();
    await db.exec('ANALYZE');
  });
  afterAll(() => db.close());

  const pullPlan = async () =>
    (
      await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id, seq, doc::text FROM sync_documents d WHERE collection = 'calls' AND seq > 1000 ORDER BY seq LIMIT 1000`,
      )
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');

  it('analyses the tables that changed past autovacuum’s threshold, and only those', async () => {
    expect(await analyzeChangedTables(db)).toEqual([]);
    for (let start = 0; start < 20_000; start += 5000) {
      const calls = Array.from({ length: 5000 }, (_, i) =>
        callDoc(`call-${start + i}`, { startedAt: 1_760_000_000_000 + i }),
      );
      await db.transaction((tx) => putDocuments(tx, 'calls', calls, 1_760_000_000_000));
    }
    // Statistics from the empty table: the planner expects next to nothing after seq 1000 and sorts it all.
    expect(await pullPlan()).toMatch(/Sort/);
    const analysed = await analyzeChangedTables(db);
    expect(analysed).toContain('sync_documents');
    // With fresh statistics the pull walks the (collection, seq) index in order and stops after 1000 rows.
    expect(await pullPlan()).not.toMatch(/Sort/);
    expect(await analyzeChangedTables(db)).toEqual([]);
  });
});
