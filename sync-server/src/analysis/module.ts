import { z } from 'zod';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError, parseInput } from '../http/errors';
import { parseJobId } from '../jobs/ids';
import type { RouteDef } from '../http/routes';
import { getDocument } from '../replication/store';
import { recordingsAudioSource } from './audio-source';
import { JOB_COLUMNS, JobsQuery, jobView, type JobRow } from './background-jobs';
import { JOB_ANALYSE, JOB_TRANSCRIBE, mayAnalyse, runAnalyseJob, runTranscribeJob, type AnalysisDeps } from './jobs';
import { createProviders } from './providers';
import { AgreementQuery, agreementFromDb, rerunAnalysis } from './rerun';
import { JOB_SMS, getAssignmentSms, refreshAllSms, refreshAssignmentSms, runSmsJob, smsReport } from './sms';
import type { CallAudioSource } from './types';

/**
 * AI analysis as a server module (modules.ts): job handlers for transcription, analysis and text-message
 * analysis, and the admin routes (status and cost, failed jobs and retry, re-run over a chosen set, the
 * agreement report, SMS analysis and its pattern report).
 */
const depsByContext = new WeakMap<AppContext, AnalysisDeps>();

/** The providers and audio source of one server instance, made once (the rate limiter is shared by its jobs). */
export function analysisDeps(ctx: AppContext, overrides: { audio?: CallAudioSource } = {}): AnalysisDeps {
  let deps = depsByContext.get(ctx);
  if (!deps) {
    deps = { ctx, providers: createProviders(ctx.config), audio: overrides.audio ?? recordingsAudioSource(ctx) };
    depsByContext.set(ctx, deps);
  }
  return deps;
}

export function registerAnalysisJobs(ctx: AppContext): void {
  const deps = analysisDeps(ctx);
  ctx.log.info(deps.providers.describe(), 'analysis providers');
  ctx.jobs.register<Record<string, unknown>>(JOB_TRANSCRIBE, (job) => runTranscribeJob(deps, job));
  ctx.jobs.register<Record<string, unknown>>(JOB_ANALYSE, (job) => runAnalyseJob(deps, job));
  ctx.jobs.register<Record<string, unknown>>(JOB_SMS, (job) => runSmsJob(ctx, job));
}

const SmsReportQuery = z.object({
  service: z.string().max(30).optional(),
  district: z.string().max(4).optional(),
  minSupport: z.coerce.number().int().min(1).max(10_000).optional(),
  prefixSteps: z.coerce.number().int().min(1).max(10).optional(),
  recompute: z.enum(['0', '1', 'true', 'false']).optional(),
});

export function analysisRoutes(ctx: AppContext): RouteDef[] {
  const deps = () => analysisDeps(ctx);
  return [
    {
      method: 'get',
      path: '/api/analysis/status',
      access: ['admin'],
      summary: 'Configured AI providers, analysis job counts and cost over the last 30 days',
      async handler() {
        const { rows } = await ctx.db.query<{
          kind: string;
          status: string;
          jobs: number;
          audio_minutes: number | null;
          prompt_tokens: number | null;
          completion_tokens: number | null;
        }>(
          `SELECT kind, status, count(*)::int AS jobs,
                  sum((cost ->> 'audioMinutes')::float8) AS audio_minutes,
                  sum((cost ->> 'promptTokens')::float8) AS prompt_tokens,
                  sum((cost ->> 'completionTokens')::float8) AS completion_tokens
             FROM jobs WHERE kind LIKE 'analysis.%' AND created_at > now() - interval '30 days'
            GROUP BY kind, status ORDER BY kind, status`,
        );
        const p = deps().providers;
        return {
          providers: {
            ...p.describe(),
            analysisStamp: p.analyser.stamp,
            transcriptionStamp: p.transcriber?.stamp ?? null,
          },
          jobs: rows.map((r) => ({ kind: r.kind, status: r.status, jobs: r.jobs })),
          cost30d: {
            audioMinutes: Math.round(rows.reduce((a, r) => a + (r.audio_minutes ?? 0), 0) * 100) / 100,
            promptTokens: rows.reduce((a, r) => a + (r.prompt_tokens ?? 0), 0),
            completionTokens: rows.reduce((a, r) => a + (r.completion_tokens ?? 0), 0),
          },
        };
      },
    },
    {
      method: 'get',
      path: '/api/analysis/jobs',
      access: ['admin'],
      summary: 'Analysis jobs with their errors and cost (failed ones for the retry action)',
      async handler({ req }) {
        const q = parseInput(JobsQuery, req.query);
        const { rows } = await ctx.db.query<JobRow>(
          `SELECT ${JOB_COLUMNS} FROM jobs
            WHERE kind LIKE 'analysis.%' AND ($1::text IS NULL OR status = $1) ORDER BY id DESC LIMIT $2`,
          [q.status ?? null, q.limit],
        );
        return { jobs: rows.map((r) => ({ ...jobView(r), payload: r.payload })) };
      },
    },
    {
      method: 'post',
      path: '/api/analysis/jobs/:id/retry',
      access: ['admin'],
      body: 'none',
      summary: 'Put a failed analysis job back in the queue',
      async handler({ req, auth }) {
        const id = parseJobId(req.params.id);
        const { rows } = await ctx.db.query<{ kind: string }>(`SELECT kind FROM jobs WHERE id = $1`, [id]);
        if (!rows[0] || !rows[0].kind.startsWith('analysis.')) throw new ApiError('NOT_FOUND', `no analysis job ${id}`);
        if (!(await ctx.jobs.retry(id))) throw new ApiError('CONFLICT', `job ${id} has not failed`);
        await audit(ctx.db, auth!, { action: 'analysis.job.retry', subjectType: 'job', subjectId: String(id) });
        return { ok: true, id };
      },
    },
    {
      method: 'post',
      path: '/api/analysis/calls/:callId/retry',
      access: ['admin'],
      summary: 'Transcribe (if needed) and analyse one call again with the configured providers',
      async handler({ req, auth }) {
        const callId = String(req.params.callId);
        const { retranscribe } = parseInput(z.object({ retranscribe: z.boolean().default(false) }), req.body ?? {});
        const call = await getDocument(ctx.db, 'calls', callId);
        if (!call) throw new ApiError('NOT_FOUND', `no call ${callId}`);
        if (!mayAnalyse(call))
          throw new ApiError(
            'CONFLICT',
            `call ${callId} has no stored recording (${call.recording.state}); it is never sent to a provider`,
          );
        const result = await rerunAnalysis(ctx.db, ctx.jobs, { callIds: [callId], retranscribe });
        await audit(ctx.db, auth!, {
          action: 'analysis.retry',
          subjectType: 'call',
          subjectId: callId,
          detail: { runId: result.runId, retranscribe },
        });
        return result;
      },
    },
    {
      method: 'post',
      path: '/api/analysis/rerun',
      access: ['admin'],
      summary: 'Re-run analysis over a chosen set of calls (ids, dates, district, service, previous provider, failed)',
      async handler({ req, auth }) {
        let result;
        try {
          result = await rerunAnalysis(ctx.db, ctx.jobs, req.body ?? {});
        } catch (err) {
          if (err instanceof z.ZodError)
            throw new ApiError(
              'VALIDATION_FAILED',
              `${err.issues[0].path.join('.') || 'body'}: ${err.issues[0].message}`,
              err.issues[0].path.join('.') || undefined,
            );
          throw err;
        }
        if (!result.dryRun) {
          await audit(ctx.db, auth!, {
            action: 'analysis.rerun',
            subjectType: 'analysis',
            subjectId: result.runId,
            detail: { matched: result.matched, selection: req.body ?? {} },
          });
        }
        return result;
      },
    },
    {
      method: 'get',
      path: '/api/analysis/agreement',
      access: ['admin'],
      summary:
        "Agreement between AI outcomes and reviewers per provider and model: rate, Cohen's kappa, confusion matrix, disagreeing calls",
      async handler({ req }) {
        return agreementFromDb(ctx.db, parseInput(AgreementQuery, req.query));
      },
    },
    {
      method: 'get',
      path: '/api/analysis/sms/:leadId/:assessorId',
      access: ['admin'],
      summary: 'Text-message analysis of one assignment: reply speed both ways, message features, follow-up sequence',
      async handler({ req }) {
        const leadId = String(req.params.leadId);
        const assessorId = String(req.params.assessorId);
        const result =
          (await refreshAssignmentSms(ctx, leadId, assessorId)) ?? (await getAssignmentSms(ctx.db, leadId, assessorId));
        if (!result) throw new ApiError('NOT_FOUND', `no assignment of assessor ${assessorId} on lead ${leadId}`);
        return result;
      },
    },
    {
      method: 'get',
      path: '/api/analysis/sms-report',
      access: ['admin'],
      summary: 'Which text sequences and patterns come before a booking, by service and district',
      async handler({ req }) {
        const q = parseInput(SmsReportQuery, req.query);
        let recomputed = 0;
        if (q.recompute === '1' || q.recompute === 'true')
          recomputed = await refreshAllSms(ctx, { service: q.service, district: q.district });
        return { recomputed, ...(await smsReport(ctx.db, q)) };
      },
    },
  ];
}
