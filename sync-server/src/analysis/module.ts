import * as contract from '../../../shared/contracts/analysis';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError, parseInput } from '../http/errors';
import { parseJobId } from '../jobs/ids';
import { defineJob, type JobDefinition } from '../jobs/queue';
import { route, type RouteDef } from '../http/routes';
import { getDocument } from '../replication/store';
import { recordingsAudioSource } from './audio-source';
import { JOB_COLUMNS, JobsQuery, jobView, type JobRow } from './background-jobs';
import { JOB_ANALYSE, JOB_TRANSCRIBE, mayAnalyse, runAnalyseJob, runTranscribeJob, type AnalysisDeps } from './jobs';
import { createProviders } from './providers';
import { agreementFromDb, rerunAnalysis } from './rerun';
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

/** The analysis jobs (transcription, analysis, text-message analysis); modules.ts wires them. */
export function analysisJobs(ctx: AppContext): JobDefinition[] {
  const deps = analysisDeps(ctx);
  return [
    defineJob(JOB_TRANSCRIBE, (job) => runTranscribeJob(deps, job)),
    defineJob(JOB_ANALYSE, (job) => runAnalyseJob(deps, job)),
    defineJob(JOB_SMS, (job) => runSmsJob(ctx, job)),
  ];
}

export function analysisRoutes(ctx: AppContext): RouteDef[] {
  const deps = () => analysisDeps(ctx);
  return [
    route(contract.status, async () => {
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
    }),
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
    route(contract.retryCall, async ({ auth, params: { callId }, body: { retranscribe } }) => {
      const call = await getDocument(ctx.db, 'calls', callId);
      if (!call) throw new ApiError('NOT_FOUND', `no call ${callId}`);
      if (!mayAnalyse(call))
        throw new ApiError(
          'CONFLICT',
          `call ${callId} has no stored recording (${call.recording.state}); it is never sent to a provider`,
        );
      const result = await rerunAnalysis(ctx.db, ctx.jobs, { callIds: [callId], retranscribe });
      await audit(ctx.db, auth, {
        action: 'analysis.retry',
        subjectType: 'call',
        subjectId: callId,
        detail: { runId: result.runId, retranscribe },
      });
      return result;
    }),
    route(contract.rerun, async ({ auth, body }) => {
      const result = await rerunAnalysis(ctx.db, ctx.jobs, body);
      if (!result.dryRun) {
        await audit(ctx.db, auth, {
          action: 'analysis.rerun',
          subjectType: 'analysis',
          subjectId: result.runId,
          detail: { matched: result.matched, selection: body },
        });
      }
      return result;
    }),
    route(contract.agreement, ({ query }) => agreementFromDb(ctx.db, query)),
    route(contract.assignmentSms, async ({ params: { leadId, assessorId } }) => {
      const result =
        (await refreshAssignmentSms(ctx, leadId, assessorId)) ?? (await getAssignmentSms(ctx.db, leadId, assessorId));
      if (!result) throw new ApiError('NOT_FOUND', `no assignment of assessor ${assessorId} on lead ${leadId}`);
      return result;
    }),
    route(contract.smsReport, async ({ query: q }) => {
      let recomputed = 0;
      if (q.recompute === '1' || q.recompute === 'true')
        recomputed = await refreshAllSms(ctx, { service: q.service, district: q.district });
      return { recomputed, ...(await smsReport(ctx.db, q)) };
    }),
  ];
}
