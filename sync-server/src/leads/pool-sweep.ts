import type { AppContext } from '../context';
import type { JobOutcome } from '../jobs/queue';
import { writeLeadDocs } from './docs';

/**
 * Sessions end by themselves (P4: TTL after the last interaction), with no request to notice it. An hourly job
 * rewrites the lead documents whose assignments still show an ended session as active, so the app's view
 * follows the pool. Routing never depends on it: it reads expires_at directly.
 */
export const POOL_SWEEP_JOB = 'pool.sweep';
const HOUR_MS = 60 * 60 * 1000;

export async function scheduleNextPoolSweep(
  ctx: Pick<AppContext, 'db' | 'jobs'>,
  afterMs: number = Date.now(),
): Promise<void> {
  const at = new Date((Math.floor(afterMs / HOUR_MS) + 1) * HOUR_MS);
  await ctx.jobs.enqueue(
    ctx.db,
    POOL_SWEEP_JOB,
    {},
    { dedupeKey: `${POOL_SWEEP_JOB}:${at.toISOString().slice(0, 13)}`, runAt: at, maxAttempts: 3 },
  );
}

/** Rewrites, in batches, every lead document that still shows an ended session as an active assignment. */
export async function sweepEndedSessions(ctx: Pick<AppContext, 'db' | 'now'>, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const now = ctx.now();
    const { rows } = await ctx.db.query<{ lead_id: string }>(
      `SELECT DISTINCT s.lead_id FROM pool_sessions s
         JOIN sync_documents d ON d.collection = 'leads' AND d.id = s.lead_id AND NOT d.deleted
        WHERE LEAST(coalesce(s.closed_at, s.expires_at), s.expires_at) <= $1
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.doc->'assignments') a
                       WHERE a->>'assessorId' = s.assessor_id AND (a->>'active')::boolean)
        LIMIT $2`,
      [now, batch],
    );
    if (!rows.length) return total;
    await ctx.db.transaction((tx) =>
      writeLeadDocs(
        tx,
        rows.map((r) => r.lead_id),
        now,
      ),
    );
    total += rows.length;
  }
}

export async function runPoolSweepJob(ctx: AppContext): Promise<JobOutcome> {
  await scheduleNextPoolSweep(ctx, ctx.now());
  return { cost: { leadsRewritten: await sweepEndedSessions(ctx) } };
}
