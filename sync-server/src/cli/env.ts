import { Console } from 'node:console';
import { Writable } from 'node:stream';
import type { Config } from '../config';
import type { Database } from '../db';

/**
 * What an operator command gets to work with. In the CLI's own process: its configuration, its own database
 * connection and the terminal. Inside the running server (a command sent over the control socket): the
 * server's configuration and database, and output collected for the reply.
 */
export interface CliEnv {
  config: Config;
  /** Runs `fn` on the database, migrated first unless `migrate: false`. */
  withDb<T>(fn: (db: Database) => Promise<T>, opts?: { migrate?: boolean }): Promise<T>;
  print(value: unknown, json: boolean): void;
  /** Where output goes: the terminal, or the reply to a command sent to the running server. */
  console: Console;
  /** The operator's working directory (relative file paths are resolved against it). */
  cwd: string;
}

/** Prints a command's result: text as is, objects as `key: value` lines, lists as a table, or JSON. */
export function printer(out: Console): CliEnv['print'] {
  return (value, json) => {
    if (json || typeof value !== 'object' || value === null) {
      out.log(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
      return;
    }
    if (Array.isArray(value)) {
      if (value.length) out.table(value);
      else out.log('(none)');
      return;
    }
    for (const [k, v] of Object.entries(value))
      out.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  };
}

/** A Console whose output is kept as text (for a command's reply), with what it wrote so far. */
export function capturingConsole(): { console: Console; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        into.push(chunk.toString());
        done();
      },
    });
  return {
    console: new Console({ stdout: sink(out), stderr: sink(err), colorMode: false }),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
