import os from 'node:os';
import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { cliMediaDeps } from '../recordings/cli-deps';
import { eraseByPhone } from './erase';

/** `npm run cli -- erase --phone +44…`: a person's erasure request (see erase.ts for what is removed). */
export function registerErasureCommands(program: Command, env: () => CliEnv): void {
  program
    .command('erase')
    .description("Erase one person's recordings, transcripts, message bodies and lead details")
    .requiredOption('--phone <number>', 'their phone number (any UK format or E.164)')
    .option('--dry-run', 'only count what would be erased')
    .option('--json', 'print JSON')
    .action(async (opts: { phone: string; dryRun?: boolean; json?: boolean }) => {
      const e = env();
      const actor = { label: `cli:${os.userInfo().username}` };
      const report = await e.withDb((db) =>
        eraseByPhone(cliMediaDeps(e, db), actor, opts.phone, { dryRun: !!opts.dryRun }),
      );
      e.print(report, !!opts.json);
    });
}
