import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { proposeTiers } from './service';

/** `npm run cli -- tiers propose`: the nightly tier run, now. Writes proposals; an admin decides them. */
export function registerTierCommands(program: Command, env: () => CliEnv): void {
  const tiers = program.command('tiers').description('Assessor tiers: proposals for an admin to decide');
  tiers
    .command('propose')
    .description('Run the tier rules now and write proposals (never applies a tier by itself)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const e = env();
      const report = await e.withDb((db) =>
        proposeTiers({ db, now: Date.now, config: e.config }, { label: 'cli:tiers propose' }),
      );
      e.print(
        opts.json
          ? report
          : {
              proposed: report.proposed.length,
              superseded: report.superseded.length,
              alreadyPending: report.alreadyPending,
              unchanged: report.unchanged,
              tooFewAssignments: report.tooFewAssignments,
              ...Object.fromEntries(report.proposed.map((p) => [p.id, `${p.assessorId}: ${p.summary}`])),
            },
        !!opts.json,
      );
    });
}
