import { runInServer } from './cli/index';
import { runServe } from './cli/serve';
import { DataDirBusyError } from './db/owner';
import { ConfigError, loadConfig, type Config } from './config';

/**
 * The sync server's process entry, used by `npm start` (scripts/start.mjs runs it with tsx): read the
 * configuration, then serve until SIGINT/SIGTERM. Problems a person can fix are printed as one clear line
 * instead of a stack trace.
 */

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message, 2);
  throw err;
}

try {
  await runServe(config, { commands: runInServer });
} catch (err) {
  if (err instanceof DataDirBusyError) {
    fail(
      `Not starting: ${err.message}. Two processes must never open one embedded database; stop the other one first (kill ${err.owner.pid}) or set DATA_DIR.`,
      1,
    );
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    fail(`Port ${config.PORT} is already in use on ${config.HOST}: stop the other process or set PORT.`, 1);
  }
  if (code === 'EACCES') fail(`Not allowed to listen on ${config.HOST}:${config.PORT}: choose a PORT above 1024.`, 1);
  fail(`The sync server could not start: ${err instanceof Error ? err.message : String(err)}`, 1);
}
