import * as contract from '../../../shared/contracts/analysis';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { defineJob, type JobDefinition } from '../jobs/queue';
import { jobCostsByKind } from '../jobs/routes';
import { route, type RouteDef } from '../http/routes';
import { getDocument } from '../replication/store';
import { recordingsAudioSource } from './audio-source';
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
      const rows = await jobCostsByKind(ctx, 'analysis');
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
