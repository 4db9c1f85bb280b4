import path from 'node:path';
import type { Command } from 'commander';
import { backupTo, BackupError, restoreFrom, type BackupSummary } from '../db/backup';
import type { CliEnv } from './env';

function describe(s: BackupSummary): string {
  const mb = (s.bytes / 1024 / 1024).toFixed(1);
  return `${mb} MB, schema version ${s.schemaVersion}: ${s.rows.users} users, ${s.rows.leads} leads, ${s.rows.calls} calls, ${s.rows.messages} texts`;
}

function defaultName(now: Date): string {
  return `ringside-backup-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.tar.gz`;
}

/**
 * `backup` and `restore` of the embedded database. `backup` runs inside the server when one is running (the
 * owner takes a consistent dump); `restore` replaces the database and so needs the server stopped.
 * Recordings are files under RECORDINGS_DIR (or in S3) and are not in the archive: copy them alongside.
 */
export function registerBackupCommands(program: Command, env: () => CliEnv): void {
  program
    .command('backup')
    .description('Write a verified backup of the embedded database (works while the server runs)')
    .option('--out <file>', 'where to write it (default: ringside-backup-<time>.tar.gz here)')
    .option('--json', 'print JSON')
    .action(async (opts: { out?: string; json?: boolean }) => {
      const e = env();
      const file = path.resolve(e.cwd, opts.out ?? defaultName(new Date()));
      const summary = await e.withDb((db) => backupTo(db, file));
      e.print(opts.json ? { file, ...summary } : `backup written to ${file}\n  ${describe(summary)}`, !!opts.json);
    });

  program
    .command('restore <file>')
    .description('Replace the embedded database with a backup (stop the server first; the old one is kept)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const e = env();
      if (e.config.database.kind !== 'pglite')
        throw new BackupError(
          'restore is for the embedded database; with DATABASE_URL use pg_restore (see the README)',
        );
      const restored = await restoreFrom(e.config.database.dir, path.resolve(e.cwd, file));
      e.print(
        opts.json
          ? restored
          : `restored ${e.config.database.dir} from ${file}\n  ${describe(restored)}` +
              (restored.previous ? `\n  the database it replaced is kept at ${restored.previous}` : ''),
        !!opts.json,
      );
    });
}
