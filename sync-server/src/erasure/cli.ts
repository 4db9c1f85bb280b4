import os from 'node:os';
import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { ApiError } from '../http/errors';
import { cliMediaDeps } from '../recordings/cli-deps';
import { eraseSubject, type ErasureSubject } from './erase';

export interface EraseOptions {
  out?: string;
  phone?: string;
  assessor?: string;
  assessorPhone?: string;
  lead?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** Exactly one way of naming the person; anything else is refused before the database is opened. */
export function subjectFromOptions(opts: EraseOptions): ErasureSubject {
  const named: ErasureSubject[] = [];
  if (opts.phone !== undefined) named.push({ kind: 'phone', phone: opts.phone });
  if (opts.assessor !== undefined) named.push({ kind: 'assessor', assessorId: opts.assessor });
  if (opts.assessorPhone !== undefined) named.push({ kind: 'assessor', phone: opts.assessorPhone });
  if (opts.lead !== undefined) named.push({ kind: 'lead', leadId: opts.lead });
  if (named.length !== 1)
    throw new ApiError(
      'VALIDATION_FAILED',
      "name the person one way: a customer's phone, an assessor's id or own phone, or a lead id (--phone, --assessor, --assessor-phone, --lead)",
    );
  return named[0];
}

/**
 * `npm run cli -- erase --phone +44…` (a customer), `--assessor <id>` or `--assessor-phone +44…` (an assessor),
 * `--lead <id>` (the customer of one enquiry): a person's erasure request (see erase.ts for what is removed).
 */
export function registerErasureCommands(program: Command, env: () => CliEnv): void {
  program
    .command('erase')
    .description("Erase one person's recordings, transcripts, message bodies and personal details")
    .option('--phone <number>', "a customer's phone number (any UK format or E.164)")
    .option('--assessor <id>', "an assessor's id")
    .option('--assessor-phone <number>', "an assessor's own phone number")
    .option('--lead <id>', 'a lead: the customer of that one enquiry')
    .option('--dry-run', 'only count what would be erased')
    .option('--json', 'print JSON')
    .action(async (opts: EraseOptions) => {
      const subject = subjectFromOptions(opts);
      const e = env();
      const actor = { label: `cli:${os.userInfo().username}` };
      const report = await e.withDb((db) =>
        eraseSubject(cliMediaDeps(e, db), actor, subject, { dryRun: !!opts.dryRun }),
      );
      e.print(report, !!opts.json);
    });
}
