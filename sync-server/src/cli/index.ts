import fs from 'node:fs';
import { Command, Option } from 'commander';
import { ROLES } from '../../../shared/roles';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/tokens';
import { createUser, listUsers, revokeUser } from '../auth/users';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../db';
import { migrate, migrationStatus } from '../db/migrate';
import { ApiError } from '../http/errors';
import { registerCliCommands } from './commands';
import { runServe } from './serve';

/**
 * Operators' command line: `npm run cli -- <command>`. Each command opens the configured database
 * (PGlite under DATA_DIR, or DATABASE_URL), refuses to run on a database whose migrations differ from the
 * files, and prints plain text (or JSON with --json).
 */
export interface CliEnv {
  config: Config;
  withDb<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  print(value: unknown, json: boolean): void;
}

function makeEnv(): CliEnv {
  const config = loadConfig();
  return {
    config,
    async withDb(fn) {
      const db = await openDatabase(config.database);
      try {
        await migrate(db);
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    print(value, json) {
      if (json || typeof value !== 'object' || value === null) {
        console.log(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
        return;
      }
      if (Array.isArray(value)) {
        if (value.length) console.table(value);
        else console.log('(none)');
        return;
      }
      for (const [k, v] of Object.entries(value))
        console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    },
  };
}

export function buildProgram(): Command {
  const program = new Command('ringside')
    .description('Ringside operator commands')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('serve')
    .description('Start the sync server (the same as npm start without building the app)')
    .action(async () => {
      await runServe(loadConfig());
    });

  program
    .command('migrate')
    .description('Apply pending database migrations, or with --status only report them')
    .option('--status', 'report without applying')
    .action(async (opts: { status?: boolean }) => {
      const config = loadConfig();
      const db = await openDatabase(config.database);
      try {
        if (opts.status) {
          const s = await migrationStatus(db);
          console.log(`applied: ${s.applied.join(', ') || 'none'}\npending: ${s.pending.join(', ') || 'none'}`);
        } else {
          const applied = await migrate(db);
          console.log(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
        }
      } finally {
        await db.close();
      }
    });

  const user = program.command('user').description('Staff accounts');
  user
    .command('add')
    .description('Create a staff account')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--password <password>', 'at least 12 characters')
    .addOption(new Option('--role <role>', 'what the account may do').choices([...ROLES]).makeOptionMandatory())
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action(async (opts: { email: string; password: string; role: string; name?: string; json?: boolean }) => {
      const env = makeEnv();
      const created = await env.withDb((db) => createUser(db, opts));
      env.print(created, !!opts.json);
    });
  user
    .command('list')
    .description('List staff accounts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const env = makeEnv();
      env.print(await env.withDb((db) => listUsers(db)), !!opts.json);
    });
  user
    .command('revoke')
    .description('Revoke an account and sign it out everywhere')
    .requiredOption('--email <email>', 'the account')
    .action(async (opts: { email: string }) => {
      const env = makeEnv();
      const revoked = await env.withDb((db) => revokeUser(db, opts.email));
      console.log(`revoked ${revoked.email}`);
    });

  const apikey = program.command('apikey').description('API keys for the marketplace integration');
  apikey
    .command('add')
    .description('Create an API key (shown once)')
    .requiredOption('--name <name>', 'who uses it')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; json?: boolean }) => {
      const env = makeEnv();
      const key = await env.withDb((db) => createApiKey(db, opts.name));
      env.print(
        opts.json ? key : `API key for ${key.name} (store it now; it is not shown again):\n${key.key}`,
        !!opts.json,
      );
    });
  apikey
    .command('list')
    .description('List API keys')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const env = makeEnv();
      env.print(await env.withDb((db) => listApiKeys(db)), !!opts.json);
    });
  apikey
    .command('revoke <idOrName>')
    .description('Revoke an API key')
    .action(async (idOrName: string) => {
      const env = makeEnv();
      await env.withDb((db) => revokeApiKey(db, idOrName));
      console.log(`revoked ${idOrName}`);
    });

  registerCliCommands(program, makeEnv);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof ApiError) console.error(`${err.code}: ${err.message}`);
    else if ((err as { code?: string }).code?.startsWith('commander.'))
      return (err as { exitCode?: number }).exitCode ?? 1;
    else console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/index.ts')) {
  // A .env file in the working directory configures the CLI like the server (see .env.example).
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const code = await runCli(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
