import * as contract from '../../../shared/contracts/jobs';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { route, type RouteDef } from '../http/routes';
import { parseJobId } from './ids';
import { JOB_KINDS } from './kinds';

/**
 * The admin's one view of background work (the Jobs screen): analysis (transcribe, analyse, texts), recordings
 * (download from Twilio, delete Twilio's copy) and telephony (callbacks that came before their call), with the
 * error, attempts, call and cost of each, and one retry action. A call whose recording never downloaded is never
 * analysed either, so the families are listed side by side.
 */
export const JOB_FAMILIES = { analysis: 'analysis.', recording: 'recording.', telephony: 'telephony.' } as const;
type Family = keyof typeof JOB_FAMILIES;

const FAMILY_KINDS = Object.keys(JOB_KINDS).filter((kind) =>
  Object.values(JOB_FAMILIES).some((prefix) => kind.startsWith(prefix)),
);

interface JobRow {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  payload: Record<string, unknown>;
  cost: Record<string, number> | null;
  created_at: Date;
  finished_at: Date | null;
  run_at: Date;
  superseded: boolean;
}

function familyOf(kind: string): Family | null {
  for (const family of ['analysis', 'recording', 'telephony'] as const)
    if (kind.startsWith(JOB_FAMILIES[family])) return family;
  return null;
}

/** Jobs counted by kind and status, with the AI usage they recorded. */
interface JobTotalsRow {
  kind: string;
  status: string;
  jobs: number;
  audio_minutes: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
}

/** Jobs' cost by kind and status over the last 30 days, for one family (the analysis status screen). */
export async function jobCostsByKind(ctx: Pick<AppContext, 'db'>, family: Family): Promise<JobTotalsRow[]> {
  const { rows } = await ctx.db.query<JobTotalsRow>(
    `SELECT kind, status, count(*)::int AS jobs,
              sum((cost ->> 'audioMinutes')::float8) AS audio_minutes,
              sum((cost ->> 'promptTokens')::float8) AS prompt_tokens,
              sum((cost ->> 'completionTokens')::float8) AS completion_tokens
         FROM jobs WHERE kind LIKE $1 AND created_at > now() - interval '30 days'
        GROUP BY kind, status ORDER BY kind, status`,
    [`${JOB_FAMILIES[family]}%`],
  );
  return rows;
}

export function jobRoutes(ctx: AppContext): RouteDef[] {
  return [
    route(contract.listJobs, async ({ query: q }) => {
      if (q.kind !== undefined && !FAMILY_KINDS.includes(q.kind))
        throw new ApiError('VALIDATION_FAILED', `kind: one of ${FAMILY_KINDS.join(', ')}`, 'kind');
      const prefixes = q.family ? [JOB_FAMILIES[q.family]] : Object.values(JOB_FAMILIES);
      const { rows } = await ctx.db.query<JobRow>(
        `SELECT id, kind, status, attempts, max_attempts, last_error, payload, cost, created_at, finished_at, run_at,
                  -- A later job of the same kind for the same call finished: this failure no longer matters.
                  (status = 'failed' AND payload ? 'callId' AND EXISTS (
                    SELECT 1 FROM jobs later WHERE later.kind = jobs.kind AND later.id > jobs.id
                       AND later.status = 'done' AND later.payload ->> 'callId' = jobs.payload ->> 'callId')) AS superseded
             FROM jobs
            WHERE kind LIKE ANY($1::text[]) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3)
            ORDER BY id DESC LIMIT $4`,
        [prefixes.map((p) => `${p}%`), q.status ?? null, q.kind ?? null, q.limit],
      );
      const counts = await ctx.db.query<{ family: string; status: string; jobs: number }>(
        `SELECT split_part(kind, '.', 1) AS family, status, count(*)::int AS jobs FROM jobs
            WHERE kind LIKE ANY($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
        [Object.values(JOB_FAMILIES).map((p) => `${p}%`)],
      );
      return {
        counts: counts.rows,
        jobs: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          family: familyOf(r.kind),
          status: r.status,
          attempts: r.attempts,
          maxAttempts: r.max_attempts,
          error: r.last_error,
          callId: typeof r.payload.callId === 'string' ? r.payload.callId : null,
          cost: r.cost,
          createdAt: new Date(r.created_at).toISOString(),
          finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
          runAt: new Date(r.run_at).toISOString(),
          superseded: r.superseded,
        })),
      };
    }),
    route(contract.retryJob, async ({ params, auth }) => {
      const id = parseJobId(params.id);
      const { rows } = await ctx.db.query<{ kind: string }>(`SELECT kind FROM jobs WHERE id = $1`, [id]);
      const family = rows[0] ? familyOf(rows[0].kind) : null;
      if (!family) throw new ApiError('NOT_FOUND', `no analysis, recording or telephony job ${id}`);
      if (!(await ctx.jobs.retry(id))) throw new ApiError('CONFLICT', `job ${id} has not failed`);
      await audit(ctx.db, auth, {
        action: `${family}.job.retry`,
        subjectType: 'job',
        subjectId: String(id),
        detail: { kind: rows[0].kind },
      });
      return { ok: true, id };
    }),
  ];
}
