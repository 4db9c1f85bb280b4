import type { Logger } from 'pino';
import type { Database, Queryable } from './types';

/**
 * Planner statistics for PGlite, which has no autovacuum daemon to gather them.
 *
 * PostgreSQL's planner picks plans from table statistics. Without fresh ones it misjudges a table that grew:
 * with statistics from 10,000 calls, a pull over 100,000 took 139 ms a page (a bitmap scan and a sort of the
 * whole rest of the table) instead of 12.6 ms after ANALYZE (tests/bench/replication.bench.ts). PostgreSQL
 * proper re-analyses a table by itself once more than 50 rows + 10 % of it changed; this does the same for
 * the embedded database, on a timer.
 */

/** Autovacuum's defaults: autovacuum_analyze_threshold and autovacuum_analyze_scale_factor. */
const THRESHOLD_ROWS = 50;
const SCALE_FACTOR = 0.1;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Analyses every table changed past the threshold since its last ANALYZE; returns their names. */
export async function analyzeChangedTables(db: Queryable): Promise<string[]> {
  // Table counters reach pg_stat_user_tables when a backend flushes them; make this one flush now.
  await db.query('SELECT pg_stat_force_next_flush()');
  await db.query('SELECT 1');
  const { rows } = await db.query<{ schemaname: string; relname: string }>(
    `SELECT schemaname, relname FROM pg_stat_user_tables
      WHERE n_mod_since_analyze > $1::float8 + $2::float8 * GREATEST(n_live_tup, 0)
      ORDER BY relname`,
    [THRESHOLD_ROWS, SCALE_FACTOR],
  );
  for (const r of rows) await db.exec(`ANALYZE ${quoteIdent(r.schemaname)}.${quoteIdent(r.relname)}`);
  return rows.map((r) => r.relname);
}

/** Runs analyzeChangedTables every `intervalMs` on PGlite (PostgreSQL has autovacuum); stop() waits for a run. */
export function keepStatistics(db: Database, log: Logger, intervalMs = 30_000): { stop(): Promise<void> } {
  if (db.kind !== 'pglite') return { stop: async () => undefined };
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= analyzeChangedTables(db)
      .then((tables) => {
        if (tables.length) log.debug({ tables }, 'analysed changed tables');
      })
      .catch((err: unknown) => log.warn({ err }, 'could not analyse changed tables'))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
