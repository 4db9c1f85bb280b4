import { z } from 'zod';
import {
  insightId,
  redactCardDetails,
  type Stamp,
  type TranscriberStamp,
  type TranscriptSegment,
} from '../../../shared/analysis';
import type { CallDoc, InsightDoc } from '../../../shared/schemas';
import type { AppContext } from '../context';
import type { Queryable } from '../db';
import { PermanentJobError, type JobOutcome, type JobRecord } from '../jobs/queue';
import { getDocuments, lockCollection, putDocument } from '../replication/store';
import { createDocumentValidator } from '../replication/validate';
import type { Providers } from './providers';
import type { CallAudioSource } from './types';
import { keepMetricsForCalls } from '../metrics/keep';

/**
 * The analysis jobs. A stored recording enqueues `analysis.transcribe` {callId} (recordings/download-job.ts);
 * transcription writes the transcript into the call's insight document (status pending) and enqueues
 * `analysis.analyse`, which writes the analysis (status done). Both:
 * - never send anything to a provider unless the call's recording is stored: calls that opted out, numbers
 *   with do-not-record (no recording), deleted or erased recordings are skipped before any provider is asked;
 * - are idempotent: the insight id is derived from call and analysis provider/model/version, a transcript
 *   already made by the same transcriber is reused, and re-running rewrites the same document;
 * - re-check the call inside the writing transaction (row lock on the call document), so an erasure that
 *   happens while a provider is working is never undone by the job's write;
 * - report failures on the insight (error, status failed after the last attempt) so the app shows them, and
 *   record their cost on the job row (audio minutes, tokens).
 */
export const JOB_TRANSCRIBE = 'analysis.transcribe';
export const JOB_ANALYSE = 'analysis.analyse';

const validator = createDocumentValidator();

export type AnalysisCtx = Pick<AppContext, 'db' | 'jobs' | 'log' | 'now' | 'config'>;

export interface AnalysisDeps {
  ctx: AnalysisCtx;
  providers: Providers;
  audio: CallAudioSource;
}

const TranscribePayload = z.object({
  callId: z.string().min(1).max(100),
  recordingSid: z.string().optional(),
  /** Ask the transcription provider again even when a transcript from it exists (a model change). */
  retranscribe: z.boolean().optional(),
  runId: z.string().optional(),
});
const AnalysePayload = z.object({ callId: z.string().min(1).max(100), runId: z.string().optional() });

/** Only a stored recording may reach a provider (PRODUCT.md, "Legal and privacy"). */
export function mayAnalyse(call: Pick<CallDoc, 'recording'>): boolean {
  return call.recording.state === 'stored';
}

function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new PermanentJobError(`bad job payload: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The newest transcript of a call held by any of its insights, preferring one by the given transcriber. */
export async function findTranscript(
  q: Queryable,
  callId: string,
  prefer: Pick<TranscriberStamp, 'provider' | 'model'> | null,
): Promise<{ stamp: TranscriberStamp; segments: TranscriptSegment[] } | null> {
  const { rows } = await q.query<{ doc: InsightDoc }>(
    `SELECT doc FROM sync_documents
      WHERE collection = 'insights' AND NOT deleted AND doc ->> 'callId' = $1
        AND jsonb_typeof(doc -> 'transcript') = 'array' AND jsonb_typeof(doc -> 'transcriber') = 'object'`,
    [callId],
  );
  const docs = rows.map((r) => r.doc).filter((d) => d.transcript && d.transcriber);
  docs.sort((a, b) => {
    const pa = prefer && a.transcriber!.provider === prefer.provider && a.transcriber!.model === prefer.model ? 1 : 0;
    const pb = prefer && b.transcriber!.provider === prefer.provider && b.transcriber!.model === prefer.model ? 1 : 0;
    return pb - pa || b.createdAt - a.createdAt;
  });
  const best = docs[0];
  return best ? { stamp: best.transcriber!, segments: best.transcript! } : null;
}

/**
 * Writes the insight `id` of a call in one transaction with the call document locked. Nothing is written when
 * the call may no longer be analysed or the insight was erased (a tombstone). `after` runs in the same
 * transaction (enqueueing the next job), so the next step exists exactly when the write does.
 */
async function writeInsight(
  ctx: AnalysisCtx,
  callId: string,
  id: string,
  build: (existing: InsightDoc | null, call: CallDoc) => InsightDoc,
  after?: (tx: Queryable) => Promise<void>,
): Promise<InsightDoc | null> {
  return ctx.db.transaction(async (tx) => {
    // The calls collection is locked first, in the order every writer of calls uses (replication/store.ts).
    await lockCollection(tx, 'calls');
    const [call] = await getDocuments(tx, 'calls', [callId], { forUpdate: true });
    if (!call || !mayAnalyse(call.doc)) return null;
    const [existing] = await getDocuments(tx, 'insights', [id], { forUpdate: true, includeDeleted: true });
    if (existing?.deleted) return null;
    const doc = build(existing?.doc ?? null, call.doc);
    // The same check the server applies to pushed documents: an insight the apps would refuse is a bug here.
    const invalid = validator.validate('insights', doc);
    if (invalid) throw new PermanentJobError(`insight document invalid at ${invalid.field}: ${invalid.message}`);
    const stored = await putDocument(tx, 'insights', doc, ctx.now());
    // A finished analysis adds its objections and triggers to the day's figures (or changes them, on a re-run).
    if (stored.status === 'done' || existing?.doc.status === 'done') await keepMetricsForCalls(tx, [callId], ctx.now());
    if (after) await after(tx);
    return stored;
  });
}

function baseInsight(
  id: string,
  callId: string,
  stamp: Stamp,
  existing: InsightDoc | null,
  call: CallDoc,
  now: number,
): InsightDoc {
  return {
    id,
    updatedAt: now,
    callId,
    provider: stamp.provider,
    model: stamp.model,
    version: stamp.version,
    createdAt: existing?.createdAt ?? now,
    transcriber: existing?.transcriber ?? null,
    transcript: existing?.transcript ?? null,
    analysis: existing?.analysis ?? null,
    status: existing?.status ?? 'pending',
    error: null,
    sandbox: existing?.sandbox ?? call.sandbox,
  };
}

function isFinal(job: JobRecord, err: unknown): boolean {
  return err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
}

function describeError(job: JobRecord, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return isFinal(job, err)
    ? message.slice(0, 1900)
    : `attempt ${job.attempts} of ${job.maxAttempts} failed, retrying: ${message}`.slice(0, 1900);
}

async function recordFailure(deps: AnalysisDeps, job: JobRecord, callId: string, err: unknown): Promise<void> {
  const stamp = deps.providers.analyser.stamp;
  const id = insightId(callId, stamp);
  const final = isFinal(job, err);
  try {
    await writeInsight(deps.ctx, callId, id, (existing, call) => {
      const base = baseInsight(id, callId, stamp, existing, call, deps.ctx.now());
      // A finished analysis stays visible while a re-run of it fails; the error is shown beside it.
      const keepDone = existing?.status === 'done' && existing.analysis !== null;
      return { ...base, status: keepDone ? 'done' : final ? 'failed' : 'pending', error: describeError(job, err) };
    });
  } catch (writeErr) {
    deps.ctx.log.error({ err: writeErr, callId }, 'could not record an analysis failure on the insight');
  }
}

export async function runTranscribeJob(deps: AnalysisDeps, job: JobRecord): Promise<JobOutcome> {
  const p = parsePayload(TranscribePayload, job.payload);
  const { ctx, providers } = deps;
  const log = ctx.log.child({ jobId: job.id, callId: p.callId });
  const [call] = await getDocuments(ctx.db, 'calls', [p.callId]);
  if (!call) throw new PermanentJobError(`call ${p.callId} not found`);
  if (!mayAnalyse(call.doc)) {
    log.info(
      { recording: call.doc.recording.state },
      'call not analysed: its recording is not stored (opted out, deleted or erased)',
    );
    return { cost: { skipped: 1 } };
  }
  const stamp = providers.analyser.stamp;
  const id = insightId(p.callId, stamp);
  const transcriber = providers.transcriber;
  try {
    let transcript = p.retranscribe ? null : await findTranscript(ctx.db, p.callId, transcriber?.stamp ?? null);
    // A transcript by another transcriber is reused only when no transcriber is configured now.
    if (
      transcript &&
      transcriber &&
      (transcript.stamp.provider !== transcriber.stamp.provider || transcript.stamp.model !== transcriber.stamp.model)
    ) {
      transcript = null;
    }
    const cost: Record<string, number> = { audioMinutes: 0, transcriptionRequests: 0 };
    if (!transcript && transcriber) {
      const audio = await deps.audio.get(p.callId);
      if (!audio) throw new Error('the recording is not available yet');
      const result = await transcriber.transcribe(audio);
      if (result) {
        // Card numbers and security codes never reach storage (PCI DSS); the analysis flags where they were.
        transcript = { stamp: result.stamp, segments: redactCardDetails(result.segments).segments };
        cost.audioMinutes = Math.round((result.usage.audioSeconds / 60) * 100) / 100;
        cost.transcriptionRequests = result.usage.requests;
      }
    }
    if (!transcript) {
      await writeInsight(ctx, p.callId, id, (existing, c) => ({
        ...baseInsight(id, p.callId, stamp, existing, c, ctx.now()),
        transcriber: null,
        transcript: null,
        analysis: null,
        status: 'done',
      }));
      log.info({ transcription: providers.describe().transcription }, 'no transcript for this call');
      return { cost };
    }
    const got = transcript;
    const written = await writeInsight(
      ctx,
      p.callId,
      id,
      (existing, c) => {
        const base = baseInsight(id, p.callId, stamp, existing, c, ctx.now());
        const keepDone = existing?.status === 'done' && existing.analysis !== null && !p.retranscribe;
        return {
          ...base,
          transcriber: got.stamp,
          transcript: got.segments,
          status: keepDone ? 'done' : 'pending',
          analysis: keepDone ? base.analysis : null,
          sandbox: got.stamp.sandbox || c.sandbox,
        };
      },
      async (tx) => {
        await ctx.jobs.enqueue(
          tx,
          JOB_ANALYSE,
          { callId: p.callId, ...(p.runId ? { runId: p.runId } : {}) },
          { dedupeKey: `${JOB_ANALYSE}:${job.id}` },
        );
      },
    );
    if (!written) log.info('call changed while transcribing (erased or recording deleted); nothing written');
    return { cost };
  } catch (err) {
    await recordFailure(deps, job, p.callId, err);
    throw err;
  }
}

export async function runAnalyseJob(deps: AnalysisDeps, job: JobRecord): Promise<JobOutcome> {
  const p = parsePayload(AnalysePayload, job.payload);
  const { ctx, providers } = deps;
  const [call] = await getDocuments(ctx.db, 'calls', [p.callId]);
  if (!call) throw new PermanentJobError(`call ${p.callId} not found`);
  if (!mayAnalyse(call.doc)) return { cost: { skipped: 1 } };
  const analyser = providers.analyser;
  const id = insightId(p.callId, analyser.stamp);
  try {
    const transcript = await findTranscript(ctx.db, p.callId, providers.transcriber?.stamp ?? null);
    if (!transcript) throw new PermanentJobError('no transcript to analyse');
    const out = await analyser.analyse({ segments: transcript.segments, service: call.doc.service });
    await writeInsight(ctx, p.callId, id, (existing, c) => ({
      ...baseInsight(id, p.callId, analyser.stamp, existing, c, ctx.now()),
      transcriber: transcript.stamp,
      transcript: transcript.segments,
      analysis: out.analysis,
      status: 'done',
      error: null,
      sandbox: transcript.stamp.sandbox || c.sandbox,
    }));
    return {
      cost: {
        promptTokens: out.usage.promptTokens,
        completionTokens: out.usage.completionTokens,
        analysisRequests: out.usage.requests,
      },
    };
  } catch (err) {
    await recordFailure(deps, job, p.callId, err);
    throw err;
  }
}
