import { z } from 'zod';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError, parseInput } from '../http/errors';
import { parseJobId } from '../jobs/ids';
import type { RouteDef } from '../http/routes';

/**
 * The admin's view of background work that touches calls: analysis (transcribe, analyse, texts) and
 * recordings (download from Twilio, delete Twilio's copy). `/api/analysis/jobs` covers analysis only; the
 * Jobs screen needs failed recording jobs beside them, with their error and a retry action, because a call
 * whose recording never downloaded is never analysed either.
 */
export const JOB_FAMILIES = { analysis: 'analysis.', recording: 'recording.', telephony: 'telephony.' } as const;
type Family = keyof typeof JOB_FAMILIES;

/** Filters of the admin's job lists. */
export const JobsQuery = z.object({
  status: z.enum(['queued', 'running', 'done', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const FamilyJobsQuery = JobsQuery.extend({ family: z.enum(['analysis', 'recording', 'telephony']).optional() });

/** A `jobs` row as the admin's job lists read it (JOB_COLUMNS). */
export interface JobRow {
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
}
export const JOB_COLUMNS =
  'id, kind, status, attempts, max_attempts, last_error, payload, cost, created_at, finished_at';

/** A job as the admin's job lists answer it. */
export function jobView(r: JobRow) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    error: r.last_error,
    callId: typeof r.payload.callId === 'string' ? r.payload.callId : null,
    cost: r.cost,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

function familyOf(kind: string): Family | null {
  for (const [family, prefix] of Object.entries(JOB_FAMILIES)) if (kind.startsWith(prefix)) return family as Family;
  return null;
}

export function backgroundJobRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/jobs',
      access: ['admin'],
      summary: 'Analysis and recording jobs (family, status) with their error, attempts, call and cost, newest first',
      async handler({ req }) {
        const q = parseInput(FamilyJobsQuery, req.query);
        const prefixes = q.family ? [JOB_FAMILIES[q.family]] : Object.values(JOB_FAMILIES);
        const { rows } = await ctx.db.query<JobRow & { run_at: Date; superseded: boolean }>(
          `SELECT ${JOB_COLUMNS}, run_at,
                  -- A later job of the same kind for the same call finished: this failure no longer matters.
                  (status = 'failed' AND payload ? 'callId' AND EXISTS (
                    SELECT 1 FROM jobs later WHERE later.kind = jobs.kind AND later.id > jobs.id
                       AND later.status = 'done' AND later.payload ->> 'callId' = jobs.payload ->> 'callId')) AS superseded
             FROM jobs
            WHERE kind LIKE ANY($1::text[]) AND ($2::text IS NULL OR status = $2)
            ORDER BY id DESC LIMIT $3`,
          [prefixes.map((p) => `${p}%`), q.status ?? null, q.limit],
        );
        const counts = await ctx.db.query<{ family: string; status: string; jobs: number }>(
          `SELECT split_part(kind, '.', 1) AS family, status, count(*)::int AS jobs FROM jobs
            WHERE kind LIKE ANY($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`,
          [Object.values(JOB_FAMILIES).map((p) => `${p}%`)],
        );
        return {
          counts: counts.rows,
          jobs: rows.map((r) => ({
            ...jobView(r),
            family: familyOf(r.kind),
            runAt: new Date(r.run_at).toISOString(),
            superseded: r.superseded,
          })),
        };
      },
    },
    {
      method: 'post',
      path: '/api/jobs/:id/retry',
      access: ['admin'],
      body: 'none',
      summary: 'Put a failed analysis or recording job back in the queue',
      async handler({ req, auth }) {
        const id = parseJobId(req.params.id);
        const { rows } = await ctx.db.query<{ kind: string }>(`SELECT kind FROM jobs WHERE id = $1`, [id]);
        const family = rows[0] ? familyOf(rows[0].kind) : null;
        if (!family) throw new ApiError('NOT_FOUND', `no analysis or recording job ${id}`);
        if (!(await ctx.jobs.retry(id))) throw new ApiError('CONFLICT', `job ${id} has not failed`);
        await audit(ctx.db, auth!, {
          action: `${family}.job.retry`,
          subjectType: 'job',
          subjectId: String(id),
          detail: { kind: rows[0].kind },
        });
        return { ok: true, id };
      },
    },
  ];
}
