import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from './types';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../migrations');
/** Key of the advisory lock that keeps two instances from migrating at once. */
const MIGRATION_LOCK = 727_001;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) throw new MigrationError(`migration file name must look like 001_name.sql: ${file}`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new MigrationError(`two migrations numbered ${m[1]}`);
    seen.add(version);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return { version, name: m[2], sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
  });
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: number[];
  pending: number[];
  current: boolean;
}

/**
 * Compares what the database has applied with the files. Refuses (throws) when an applied migration's file
 * is missing or has changed, because the schema would no longer be what the code expects.
 */
export async function migrationStatus(db: Database, files = readMigrations()): Promise<MigrationStatus> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await db.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const row of rows) {
    const file = byVersion.get(row.version);
    if (!file) {
      throw new MigrationError(`database has migration ${row.version} (${row.name}) but no such file exists`);
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(`migration ${row.version} (${row.name}) was changed after it was applied`);
    }
  }
  const applied = rows.map((r) => r.version);
  const pending = files.filter((f) => !applied.includes(f.version)).map((f) => f.version);
  return { applied, pending, current: pending.length === 0 };
}

/** Applies pending migrations in order, each in its own transaction, and records them. */
export async function migrate(db: Database, files = readMigrations()): Promise<number[]> {
  const { pending } = await migrationStatus(db, files);
  const done: number[] = [];
  for (const version of pending) {
    const file = files.find((f) => f.version === version)!;
    const applied = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const exists = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
      if (exists.rows.length) return false; // another instance applied it while we waited
      await tx.exec(file.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        file.version,
        file.name,
        file.checksum,
      ]);
      return true;
    });
    if (applied) done.push(version);
  }
  return done;
}
