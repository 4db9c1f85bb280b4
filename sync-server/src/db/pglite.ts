import fs from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './types';

interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function wrap(q: PgliteLike): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, params as unknown[]);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  };
}

/** 64-bit integers come back as JS numbers (sequences and counts stay far below 2^53). */
const parsers = { [types.INT8]: (value: string) => Number(value) };

/**
 * Opens PGlite: a directory for durable data, or `memory://` for tests.
 * PGlite runs one query at a time, so a transaction holds the whole database until it ends.
 */
export interface PgliteDatabase extends Database {
  /** A gzipped tarball of the data directory (test templates). */
  dumpDataDir(): Promise<Blob>;
}

export async function openPglite(dir: string, opts: { loadDataDir?: Blob } = {}): Promise<PgliteDatabase> {
  if (!dir.startsWith('memory://')) fs.mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir, { parsers, loadDataDir: opts.loadDataDir });
  const base = wrap(pg as unknown as PgliteLike);
  return {
    kind: 'pglite',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx as unknown as PgliteLike))),
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
    async dumpDataDir() {
      const dump = await pg.dumpDataDir('gzip');
      return dump;
    },
  };
}
