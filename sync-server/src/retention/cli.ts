import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { cliMediaDeps } from '../recordings/cli-deps';
import { runRetentionSweep } from './sweep';

/** `npm run cli -- retention run [--dry-run]`: the daily sweep, on demand. */
export function registerRetentionCommands(program: Command, env: () => CliEnv): void {
  const retention = program
    .command('retention')
    .description('Retention of recordings, transcripts, message bodies and clips');
  retention
    .command('run')
    .description('Remove everything past its retention period now (the server also does this daily)')
    .option('--dry-run', 'only count what would be removed')
    .option('--json', 'print JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      const e = env();
      const report = await e.withDb((db) => runRetentionSweep(cliMediaDeps(e, db), { dryRun: !!opts.dryRun }));
      e.print(report, !!opts.json);
    });
}
