import fs from 'node:fs';
import { Command, Option } from 'commander';
import { ROLES } from '../../../shared/roles';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/tokens';
import { createUser, listUsers, revokeUser } from '../auth/users';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../db';
import { migrate, migrationStatus } from '../db/migrate';
import { ApiError } from '../http/errors';
import { DataDirBusyError, describeBusy, readOwner, type DataDirOwner } from '../db/owner';
import { registerBackupCommands } from './backup';
import { registerCliCommands } from './commands';
import { sendToServer, type ControlReply, type ControlRequest } from './control';
import { capturingConsole, printer, type CliEnv } from './env';
import { runServe } from './serve';
import { errorCode, fieldOf } from '../../../shared/objects';

/**
 * Operators' command line: `npm run cli -- <command>`. Each command opens the configured database
 * (PGlite under DATA_DIR, or DATABASE_URL), refuses to run on a database whose migrations differ from the
 * files, and prints plain text (or JSON with --json).
 *
 * The embedded database has one owner (db/owner.ts). While a server runs on it, commands that use the
 * database are sent to that server over its control socket and run there, so they take effect at once
 * (cli/control.ts); the few that cannot run beside it refuse, naming the server (BESIDE_A_SERVER below).
 */
function makeEnv(): CliEnv {
  const config = loadConfig();
  return {
    config,
    async withDb(fn, opts) {
      const db = await openDatabase(config.database, { kind: 'cli', command: currentCommand });
      try {
        if (opts?.migrate ?? true) await migrate(db);
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    print: printer(console),
    console,
    cwd: process.cwd(),
  };
}

/** The same commands inside the running server: its configuration and database, output kept for the reply. */
export async function runInServer(
  request: ControlRequest,
  server: { config: Config; db: Database },
): Promise<ControlReply> {
  const captured = capturingConsole();
  const env: CliEnv = {
    config: server.config,
    // The server migrated at start and keeps the database open: commands share its connection.
    withDb: (fn) => fn(server.db),
    print: printer(captured.console),
    console: captured.console,
    cwd: request.cwd,
  };
  const program = buildProgram(() => env);
  // Inside the server a command must never end the process: every (sub)command throws instead of exiting,
  // and writes help and errors into the reply.
  const output = {
    writeOut: (str: string) => captured.console.log(str.replace(/\n$/, '')),
    writeErr: (str: string) => captured.console.error(str.replace(/\n$/, '')),
  };
  const contain = (command: Command) => {
    command.exitOverride().configureOutput(output);
    command.commands.forEach(contain);
  };
  contain(program);
  const top = firstCommand(request.argv);
  let code = 0;
  if (top && BESIDE_A_SERVER[top] === 'refuse') {
    captured.console.error(`${top} cannot run inside the server`);
    code = 1;
  } else {
    try {
      await program.parseAsync(request.argv, { from: 'user' });
    } catch (err) {
      code = reportError(err, captured.console);
    }
  }
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** What the local process is running, for the lock file's "in use by" message. */
let currentCommand = 'cli';

/**
 * Where each top-level command runs while a server owns the embedded database: `server` (sent to it),
 * `local` (needs no database: the sandbox's own API, a transcript file) or `refuse` (cannot share it).
 * Commands not listed are sent to the server.
 */
const BESIDE_A_SERVER: Record<string, 'server' | 'local' | 'refuse'> = {
  serve: 'refuse',
  restore: 'refuse',
  sandbox: 'local',
  analyse: 'local',
  help: 'local',
  // Subject access exports read recordings from the server's storage and write beside the caller (cwd is sent).
  export: 'server',
};

export function buildProgram(makeCliEnv: () => CliEnv = makeEnv): Command {
  const program = new Command('ringside')
    .description('Ringside operator commands')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('serve')
    .description('Start the sync server (the same as npm start without building the app)')
    .action(async () => {
      await runServe(loadConfig(), { commands: runInServer });
    });

  program
    .command('migrate')
    .description('Apply pending database migrations, or with --status only report them')
    .option('--status', 'report without applying')
    .action(async (opts: { status?: boolean }) => {
      const env = makeCliEnv();
      const line = await env.withDb(
        async (db) => {
          if (opts.status) {
            const s = await migrationStatus(db);
            return `applied: ${s.applied.join(', ') || 'none'}\npending: ${s.pending.join(', ') || 'none'}`;
          }
          const applied = await migrate(db);
          return applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date';
        },
        { migrate: false },
      );
      env.console.log(line);
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
      const env = makeCliEnv();
      const created = await env.withDb((db) => createUser(db, opts));
      env.print(created, !!opts.json);
    });
  user
    .command('list')
    .description('List staff accounts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const env = makeCliEnv();
      env.print(await env.withDb((db) => listUsers(db)), !!opts.json);
    });
  user
    .command('revoke')
    .description('Revoke an account and sign it out everywhere')
    .requiredOption('--email <email>', 'the account')
    .action(async (opts: { email: string }) => {
      const env = makeCliEnv();
      const revoked = await env.withDb((db) => revokeUser(db, opts.email));
      env.console.log(`revoked ${revoked.email}`);
    });

  const apikey = program.command('apikey').description('API keys for the marketplace integration');
  apikey
    .command('add')
    .description('Create an API key (shown once)')
    .requiredOption('--name <name>', 'who uses it')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; json?: boolean }) => {
      const env = makeCliEnv();
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
      const env = makeCliEnv();
      env.print(await env.withDb((db) => listApiKeys(db)), !!opts.json);
    });
  apikey
    .command('revoke <idOrName>')
    .description('Revoke an API key')
    .action(async (idOrName: string) => {
      const env = makeCliEnv();
      await env.withDb((db) => revokeApiKey(db, idOrName));
      env.console.log(`revoked ${idOrName}`);
    });

  registerBackupCommands(program, makeCliEnv);
  registerCliCommands(program, makeCliEnv);
  return program;
}

function firstCommand(argv: string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** The exit code commander puts on the errors it throws, 1 when there is none. */
function exitCodeOf(err: unknown): number {
  const exitCode = fieldOf(err, 'exitCode');
  return typeof exitCode === 'number' ? exitCode : 1;
}

/** Prints a failed command's error the way an operator reads it; returns the exit code. */
function reportError(err: unknown, out: Console): number {
  const code = errorCode(err);
  if (code?.startsWith('commander.')) {
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : exitCodeOf(err);
  }
  if (err instanceof ConfigError) out.error(err.message);
  else if (err instanceof ApiError) out.error(`${err.code}: ${err.message}`);
  else out.error(err instanceof Error ? err.message : String(err));
  return 1;
}

/** Waits for a starting server to open its control socket (it writes it into the lock file when it listens). */
async function ownerWithSocket(dir: string, owner: DataDirOwner, waitMs = 30_000): Promise<DataDirOwner | null> {
  const deadline = Date.now() + waitMs;
  let current: DataDirOwner | null = owner;
  while (current?.kind === 'server' && !current.socket && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    current = readOwner(dir);
  }
  return current;
}

/**
 * Runs one operator command. On the embedded database with a server running, the command is sent to the
 * server (or refused, naming it); otherwise it runs here, holding the database for its duration.
 */
export async function runCli(argv: string[]): Promise<number> {
  const top = firstCommand(argv);
  currentCommand =
    argv
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ') || 'cli';
  const placement = top ? (BESIDE_A_SERVER[top] ?? 'server') : 'local';
  for (let attempt = 0; ; attempt++) {
    try {
      if (placement !== 'local') {
        const config = loadConfig();
        if (config.database.kind === 'pglite') {
          const dir = config.database.dir;
          const owner = readOwner(dir);
          if (owner?.kind === 'server') {
            if (placement === 'refuse') {
              console.error(
                top === 'serve'
                  ? `Not starting: ${describeBusy(dir, owner)}. Two processes must never open one embedded database; stop it first (Ctrl-C in its terminal, or kill ${owner.pid}).`
                  : `${top}: ${describeBusy(dir, owner)}. Stop the server first (Ctrl-C in its terminal, or kill ${owner.pid}), then run it again.`,
              );
              return 1;
            }
            const ready = await ownerWithSocket(dir, owner);
            if (ready?.kind === 'server' && ready.socket) {
              const reply = await sendToServer(ready, { argv, cwd: process.cwd() }).catch((err: unknown) => {
                throw new Error(
                  `${describeBusy(dir, ready)}, but it did not answer on its control socket ${ready.socket} (${err instanceof Error ? err.message : String(err)}); nothing was changed`,
                );
              });
              if (reply.stdout) process.stdout.write(reply.stdout);
              if (reply.stderr) process.stderr.write(reply.stderr);
              return reply.code;
            }
            if (ready) throw new DataDirBusyError(dir, ready);
          }
        }
      }
      await buildProgram().parseAsync(argv, { from: 'user' });
      return 0;
    } catch (err) {
      // A server that started between the look and the claim: send the command to it instead.
      if (err instanceof DataDirBusyError && err.owner.kind === 'server' && attempt === 0 && placement === 'server')
        continue;
      return reportError(err, console);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cli/index.ts')) {
  // A .env file in the working directory configures the CLI like the server (see .env.example).
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const code = await runCli(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
