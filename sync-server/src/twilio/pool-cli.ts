import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { createLogger } from '../log';
import { stopCallRecording } from './admin';
import { TwilioRest } from '../twilio-rest/rest';
import {
  addPoolNumbers,
  buildPoolReport,
  listPoolUsage,
  releasePoolNumber,
  webhookUrls,
  type PoolReportOut,
} from '../pool/store';

/** `npm run cli -- pool …` and `call stop-recording`: the operator's view of the number pool. */
export function registerPoolCommands(program: Command, env: () => CliEnv): void {
  const pool = program
    .command('pool')
    .description('The number pool: add, list, release numbers and report what it costs');

  pool
    .command('add <numbers...>')
    .description('Add numbers the account owns (any UK format) to the pool; --configure points their webhooks here')
    .option('--configure', "set each number's voice, SMS and status URLs through Twilio's API")
    .option('--json', 'print JSON')
    .action(async (numbers: string[], opts: { configure?: boolean; json?: boolean }) => {
      const e = env();
      const deps = (db: Parameters<Parameters<CliEnv['withDb']>[0]>[0]) => ({ db, config: e.config, now: Date.now });
      const result = await e.withDb(async (db) => {
        const out = await addPoolNumbers(deps(db), numbers);
        const configured: string[] = [];
        if (opts.configure) {
          if (!e.config.twilio) throw new Error('--configure needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
          const rest = new TwilioRest(e.config.twilio);
          for (const n of [...out.added, ...out.existing]) {
            const owned = await rest.findOwnedNumber(n);
            if (!owned) throw new Error(`${n} is not a number of this Twilio account`);
            await rest.configureNumber(owned.sid, webhookUrls(e.config));
            await db.query('UPDATE pool_numbers SET twilio_sid = $2 WHERE number = $1', [n, owned.sid]);
            configured.push(n);
          }
        }
        return { ...out, configured };
      });
      e.print(
        opts.json
          ? result
          : `added ${result.added.length} (${result.added.join(', ') || 'none'}); already in the pool: ${result.existing.join(', ') || 'none'}${opts.configure ? `; webhooks set on ${result.configured.length}` : ''}`,
        !!opts.json,
      );
    });

  pool
    .command('list')
    .description('Every pool number with its open sessions')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const e = env();
      e.print(await e.withDb((db) => listPoolUsage({ db, config: e.config, now: Date.now })), !!opts.json);
    });

  pool
    .command('release <number>')
    .description('Stop allocating a number (its open sessions keep working until they end)')
    .action(async (number: string) => {
      const e = env();
      const done = await e.withDb((db) => releasePoolNumber({ db, config: e.config, now: Date.now }, number));
      e.console.log(done ? `released ${number}` : `${number} is not an active pool number`);
    });

  pool
    .command('report')
    .description('Numbers owned, in use and needed; extension rate; monthly cost against one number per assignment')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const e = env();
      const report = await e.withDb((db) => buildPoolReport({ db, config: e.config, now: Date.now }));
      e.print(opts.json ? report : formatPoolReport(report), !!opts.json);
    });

  program
    .command('call')
    .description('Admin controls on calls')
    .command('stop-recording <callSid>')
    .description('Stop recording a call in progress (audited)')
    .action(async (callSid: string) => {
      const e = env();
      const log = createLogger(e.config.LOG_LEVEL);
      const doc = await e.withDb((db) =>
        stopCallRecording({ db, config: e.config, log, now: Date.now }, { label: 'cli' }, callSid),
      );
      e.console.log(`recording of ${callSid}: ${doc.recording.state}`);
    });
}

const pounds = (pence: number) => `£${(pence / 100).toFixed(2)}`;

export function formatPoolReport(r: PoolReportOut): string {
  return [
    `numbers owned:        ${r.numbersOwned}`,
    `numbers in use:       ${r.numbersInUse}`,
    `numbers needed:       ${r.numbersNeeded}`,
    `open sessions:        ${r.openSessions} (${r.sessionsWithExtension} with an extension, ${(r.extensionRate * 100).toFixed(1)} %)`,
    `monthly cost:         ${pounds(r.monthlyCostPence)} (budget ${pounds(r.budgetPence)})`,
    `one number per assignment, same month: ${r.assignmentsInMonth} numbers = ${pounds(r.oneNumberPerAssignmentPence)}` +
      (r.savingFactor ? ` (${r.savingFactor.toFixed(1)}× the pool's cost)` : ''),
  ].join('\n');
}
