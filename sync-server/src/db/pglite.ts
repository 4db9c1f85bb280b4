import fs from 'node:fs';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { claimDataDir, type DataDirClaim, type DataDirOwner } from './owner';
import type { Database, Queryable, QueryResult } from './types';

function wrap(q: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, [...params]);
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
  /** A gzipped tarball of the data directory (test templates, `backup`). */
  dumpDataDir(): Promise<Blob>;
  /** This process's claim on the directory (null for `memory://`). */
  claim: DataDirClaim | null;
}

export interface OpenPgliteOptions {
  loadDataDir?: Blob;
  /** Who claims a directory (see owner.ts); an operator command unless said otherwise. */
  owner?: Pick<DataDirOwner, 'kind' | 'command'>;
  /** How long to wait for another operator command to finish with the directory. */
  waitMs?: number;
}

export async function openPglite(dir: string, opts: OpenPgliteOptions = {}): Promise<PgliteDatabase> {
  let claim: DataDirClaim | null = null;
  if (!dir.startsWith('memory://')) {
    claim = await claimDataDir(dir, opts.owner ?? { kind: 'cli', command: 'open' }, { waitMs: opts.waitMs ?? 30_000 });
    fs.mkdirSync(dir, { recursive: true });
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create(dir, { parsers, loadDataDir: opts.loadDataDir });
  } catch (err) {
    claim?.release();
    throw err;
  }
  const base = wrap(pg);
  return {
    kind: 'pglite',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    claim,
    async close() {
      try {
        if (!pg.closed) await pg.close();
      } finally {
        claim?.release();
      }
    },
    async dumpDataDir() {
      const dump = await pg.dumpDataDir('gzip');
      return dump;
    },
  };
}
