import type { Command } from 'commander';
import type { CliEnv } from './index';

/**
 * Commands contributed by the server's modules (pool, sandbox, erase, analyse …). Each module adds a
 * `register…Commands(program, env)` call here.
 */
export function registerCliCommands(_program: Command, _env: () => CliEnv): void {}
