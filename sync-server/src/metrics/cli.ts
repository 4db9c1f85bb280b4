import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { rebuildMetrics } from './keep';

/**
 * `npm run cli -- metrics rebuild`: every lead's per-day aggregates recomputed from its raw calls, texts,
 * reviews and analyses (shared/aggregates/SPEC.md AG14). The server keeps them current as events arrive
 * (metrics/keep.ts); this repairs a database filled before it did, or after a definition changed. Beside a
 * running server it runs inside the server (the CLI's default), whose events wait for it and then apply.
 */
export function registerMetricsCommands(program: Command, env: () => CliEnv): void {
  const metrics =
    program.commands.find((c) => c.name() === 'metrics') ??
    program.command('metrics').description('Per-day metric aggregates');
  metrics
    .command('rebuild')
    .description('Recompute the per-day metric aggregates from the raw calls and texts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const e = env();
      const result = await e.withDb((db) => rebuildMetrics(db, Date.now));
      e.print(result, !!opts.json);
    });
}
