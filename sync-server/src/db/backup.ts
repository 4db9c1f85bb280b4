import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { claimDataDir } from './owner';
import type { Database } from './types';
import type { PgliteDatabase } from './pglite';

/**
 * Backup and restore of the embedded database. A backup is PGlite's own dump of its data directory (a
 * gzipped tarball), taken by the process that owns the database, so it is consistent while the server runs.
 * Every backup is opened and read back before the command reports success; a restore keeps the directory it
 * replaces. PostgreSQL has its own tools (pg_dump / pg_restore): these refuse to run on it.
 */
export interface BackupSummary {
  bytes: number;
  /** Highest applied migration in the archive. */
  schemaVersion: number;
  rows: { users: number; leads: number; calls: number; messages: number };
}

export class BackupError extends Error {}

function isPglite(db: Database): db is PgliteDatabase {
  return db.kind === 'pglite' && 'dumpDataDir' in db;
}

const POSTGRES_HINT =
  'backup and restore are for the embedded database; with DATABASE_URL use pg_dump -Fc and pg_restore (see the README)';

/** Opens an archive in memory and reads what it holds; throws BackupError when it is not a Ringside backup. */
export async function inspectBackup(archive: Buffer): Promise<BackupSummary> {
  let pg: PGlite;
  try {
    pg = await PGlite.create('memory://', { loadDataDir: new Blob([new Uint8Array(archive)]) });
  } catch (err) {
    throw new BackupError(`not a Ringside backup (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    const count = async (table: string) =>
      Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    const version = await pg
      .query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
      .catch(() => {
        throw new BackupError('not a Ringside backup (no schema_migrations table)');
      });
    return {
      bytes: archive.length,
      schemaVersion: Number(version.rows[0].v ?? 0),
      rows: {
        users: await count('users'),
        leads: await count('leads'),
        calls: await count('calls'),
        messages: await count('messages'),
      },
    };
  } finally {
    await pg.close();
  }
}

/** Writes a verified backup of `db` to `file` (written under a temporary name, then renamed into place). */
export async function backupTo(db: Database, file: string): Promise<BackupSummary> {
  if (!isPglite(db)) throw new BackupError(POSTGRES_HINT);
  const archive = Buffer.from(await (await db.dumpDataDir()).arrayBuffer());
  const summary = await inspectBackup(archive);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, archive);
  fs.renameSync(tmp, file);
  return summary;
}

/**
 * Replaces the database directory `dir` with the archive's content. Only when nobody owns the directory; the
 * current directory is kept beside it as `<dir>.before-restore-<time>` and put back if the restore fails.
 */
export async function restoreFrom(
  dir: string,
  file: string,
  now = new Date(),
): Promise<BackupSummary & { previous: string | null }> {
  const archive = fs.readFileSync(file);
  const summary = await inspectBackup(archive);
  const claim = await claimDataDir(dir, { kind: 'cli', command: 'restore' });
  try {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    const previous = fs.existsSync(dir) && fs.readdirSync(dir).length ? `${dir}.before-restore-${stamp}` : null;
    if (previous) fs.renameSync(dir, previous);
    else fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.mkdirSync(dir, { recursive: true });
      const pg = await PGlite.create(dir, { loadDataDir: new Blob([new Uint8Array(archive)]) });
      const users = await pg.query<{ n: string }>('SELECT count(*) AS n FROM users');
      await pg.close();
      if (Number(users.rows[0].n) !== summary.rows.users)
        throw new BackupError('the restored database does not match the archive');
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (previous) fs.renameSync(previous, dir);
      throw err;
    }
    return { ...summary, previous };
  } finally {
    claim.release();
  }
}
