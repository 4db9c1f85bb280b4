import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { refreshAllLeadQuality } from './quality';

/**
 * `npm run cli -- leads quality`: recomputes every lead's quality from its calls and texts. The server keeps
 * quality current as calls and texts arrive (leads/quality.ts); this repairs a database filled before it did.
 */
export function registerLeadQualityCommands(program: Command, env: () => CliEnv): void {
  const leads = program.commands.find((c) => c.name() === 'leads') ?? program.command('leads').description('Leads');
  leads
    .command('quality')
    .description("Recompute every lead's quality (hot, warm, cold, suspect) and its evidence")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const e = env();
      const result = await e.withDb((db) => refreshAllLeadQuality(db, Date.now));
      e.print(result, !!opts.json);
    });
}
