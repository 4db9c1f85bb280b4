import fs from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { TranscriptFile } from '../../../shared/analysis';
import { SERVICES } from '../../../shared/schemas';
import type { CliEnv } from '../cli/env';
import { createLogger } from '../log';
import { JobQueue } from '../jobs/queue';
import { createProviders } from './providers';
import { agreementFromDb, rerunAnalysis } from './rerun';
import { refreshAllSms, smsReport } from './sms';

/**
 * Operator commands:
 *   npm run cli -- analyse <transcript.json> [--provider local|openai]
 *   npm run cli -- analysis rerun [--calls a,b] [--since 2026-01-01] [--until …] [--district W1] [--service boiler]
 *                                 [--from-provider local] [--from-model …] [--failed] [--retranscribe] [--limit n] [--dry-run]
 *   npm run cli -- analysis agreement [--provider …] [--model …]
 *   npm run cli -- analysis sms-report [--service …] [--district …] [--min-support n] [--recompute]
 */
function parseDate(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`${name}: not a date (${value})`);
  return ms;
}

export function registerAnalysisCommands(program: Command, env: () => CliEnv): void {
  program
    .command('analyse <transcript>')
    .description(
      'Run the configured analyser on a transcript file ({"segments": [{speaker, start, end, text}]}) and print the result as JSON',
    )
    .addOption(
      new Option('--provider <provider>', 'analyser to use instead of the configured one').choices(['local', 'openai']),
    )
    .action(async (file: string, opts: { provider?: 'local' | 'openai' }) => {
      const e = env();
      const raw = JSON.parse(await fs.readFile(path.resolve(e.cwd, file), 'utf8')) as unknown;
      const parsed = TranscriptFile.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${file}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
      }
      const config = opts.provider ? { ...e.config, ANALYSIS_PROVIDER: opts.provider } : e.config;
      const { analyser } = createProviders(config);
      const out = await analyser.analyse({ segments: parsed.data.segments });
      e.console.log(JSON.stringify(out.analysis, null, 2));
      if (out.usage.requests)
        e.console.error(`tokens: ${out.usage.promptTokens} prompt, ${out.usage.completionTokens} completion`);
    });

  const analysis = program.command('analysis').description('AI analysis of calls and texts');
  analysis
    .command('rerun')
    .description('Queue analysis again for a chosen set of calls (after a model, prompt or lexicon change)')
    .option('--calls <ids>', 'comma-separated call ids')
    .option('--since <date>', 'calls started on or after this date')
    .option('--until <date>', 'calls started before this date')
    .option('--district <district>', 'postcode district, e.g. W1')
    .addOption(new Option('--service <service>', 'service').choices([...SERVICES]))
    .option('--from-provider <provider>', 'calls with an insight from this provider')
    .option('--from-model <model>', 'calls with an insight from this model')
    .option('--failed', 'calls whose analysis failed')
    .option('--retranscribe', 'transcribe again instead of reusing the stored transcript')
    .option('--limit <n>', 'at most this many calls', '1000')
    .option('--dry-run', 'only count the calls')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        calls?: string;
        since?: string;
        until?: string;
        district?: string;
        service?: string;
        fromProvider?: string;
        fromModel?: string;
        failed?: boolean;
        retranscribe?: boolean;
        limit: string;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const e = env();
        const result = await e.withDb(async (db) => {
          const jobs = new JobQueue(db, createLogger('silent'));
          return rerunAnalysis(db, jobs, {
            callIds: opts.calls
              ? opts.calls
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean)
              : undefined,
            since: parseDate(opts.since, '--since'),
            until: parseDate(opts.until, '--until'),
            district: opts.district?.toUpperCase(),
            service: opts.service,
            fromProvider: opts.fromProvider,
            fromModel: opts.fromModel,
            onlyFailed: opts.failed,
            retranscribe: !!opts.retranscribe,
            limit: Number(opts.limit),
            dryRun: !!opts.dryRun,
          });
        });
        if (opts.json) e.print(result, true);
        else
          e.console.log(
            result.dryRun
              ? `${result.matched} calls match (dry run, nothing queued)`
              : `queued ${result.enqueued} of ${result.matched} calls (run ${result.runId}); the server's job worker analyses them`,
          );
      },
    );

  analysis
    .command('agreement')
    .description(
      "Agreement between AI outcomes and reviewers per provider and model (rate, Cohen's kappa, confusion matrix)",
    )
    .option('--provider <provider>')
    .option('--model <model>')
    .option('--json', 'print JSON')
    .action(async (opts: { provider?: string; model?: string; json?: boolean }) => {
      const e = env();
      const report = await e.withDb((db) => agreementFromDb(db, { provider: opts.provider, model: opts.model }));
      if (opts.json) return e.print(report, true);
      if (!report.groups.length) e.console.log('no submitted reviews with an AI insight yet');
      for (const g of report.groups) {
        e.console.log(`${g.provider}/${g.model}@${g.version}: ${g.pairs} review pairs over ${g.calls} calls`);
        e.console.log(
          `  agreement ${g.agreementRate === null ? '—' : `${(g.agreementRate * 100).toFixed(1)}%`}, kappa ${g.kappa === null ? '—' : g.kappa.toFixed(3)}`,
        );
        e.console.log(`  confusion (AI → reviewer): ${JSON.stringify(g.confusion)}`);
        for (const d of g.disagreements.slice(0, 20))
          e.console.log(`  - call ${d.callId}: AI ${d.ai} (${d.confidence}), reviewer ${d.reviewer}`);
      }
      if (report.reviewsWithoutInsight)
        e.console.log(`${report.reviewsWithoutInsight} submitted reviews have no finished AI insight`);
    });

  analysis
    .command('sms-report')
    .description('Which text sequences and patterns come before a booking, by service and district')
    .option('--service <service>')
    .option('--district <district>')
    .option('--min-support <n>', 'leave out patterns seen on fewer assignments', '5')
    .option('--recompute', 'recompute every assignment first')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        service?: string;
        district?: string;
        minSupport: string;
        recompute?: boolean;
        json?: boolean;
      }) => {
        const e = env();
        const report = await e.withDb(async (db) => {
          if (opts.recompute)
            await refreshAllSms({ db, now: Date.now }, { service: opts.service, district: opts.district });
          return smsReport(db, {
            service: opts.service,
            district: opts.district?.toUpperCase(),
            minSupport: Number(opts.minSupport),
          });
        });
        if (opts.json) return e.print(report, true);
        e.console.log(`${report.assignments} assignments analysed`);
        e.print(
          report.rows.map((r) => ({
            service: r.service,
            district: r.district,
            kind: r.kind,
            pattern: r.pattern,
            n: r.assignments,
            booked: `${(r.bookingRate * 100).toFixed(0)}%`,
            lift: r.lift === null ? '—' : r.lift.toFixed(2),
          })),
          false,
        );
      },
    );
}
