import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliEnv } from '../cli/env';
import { subjectFromOptions, type EraseOptions } from '../erasure/cli';
import { cliMediaDeps } from '../recordings/cli-deps';
import { buildSubjectArchive, writeArchiveFile } from './export';

/** `npm run cli -- export --phone …|--assessor …|--lead …`: a subject access export (see export.ts). */
export function registerPrivacyCommands(program: Command, env: () => CliEnv): void {
  program
    .command('export')
    .description('Subject access: write one zip of everything held about a person (layout in docs/privacy.md); audited')
    .option('--phone <number>', "a customer's phone number (any UK format or E.164)")
    .option('--assessor <id>', "an assessor's id")
    .option('--assessor-phone <number>', "an assessor's own phone number")
    .option('--lead <id>', 'a lead: the customer of that one enquiry')
    .option('--out <dir>', 'directory to write the archive into (default: the current directory)')
    .option('--json', 'print JSON')
    .action(async (opts: EraseOptions) => {
      const subject = subjectFromOptions(opts);
      const e = env();
      const actor = { label: `cli:${os.userInfo().username}` };
      // Inside a running server the command runs there: the directory is the one the command was typed in.
      const dir = path.resolve(e.cwd, opts.out ?? '.');
      const result = await e.withDb(async (db) => {
        const archive = await buildSubjectArchive(cliMediaDeps(e, db), actor, subject);
        return { file: await writeArchiveFile(archive, dir), counts: archive.manifest.counts };
      });
      e.print(result, !!opts.json);
    });
}
