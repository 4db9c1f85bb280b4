import type { Config } from '../config';
import type { DataDirOwner } from './owner';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';
import type { Database } from './types';

export type { Database, Queryable, QueryResult } from './types';
export { openPglite, openPostgres };

/** `owner` says who claims an embedded database directory (see owner.ts); PostgreSQL has no such claim. */
export function openDatabase(
  database: Config['database'],
  owner: Pick<DataDirOwner, 'kind' | 'command'> = { kind: 'cli', command: 'open' },
): Promise<Database> {
  return database.kind === 'postgres' ? openPostgres(database.url) : openPglite(database.dir, { owner });
}
