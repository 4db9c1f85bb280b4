import type { AppContext } from '../context';
import { preparing as preparingContract, type Preparing } from '../../../shared/contracts/recordings';
import { route, type RouteDef } from '../http/routes';

export type { Preparing };

/**
 * What is still on its way to the review queue, so the queue can say so instead of silently growing (the
 * demo's 150-odd recorded calls arrive over many minutes): calls the sandbox demo has still to place, call
 * recordings waiting to be downloaded, and calls whose transcript and AI analysis are still being made.
 * Counted from the database each time (a few indexed counts); the demo's own figure is kept in memory while
 * it fills.
 */

/** Recorded calls each running demo has still to place, by the server it fills. */
const demoCallsToCome = new WeakMap<AppContext, number>();

export function setDemoCallsToCome(ctx: AppContext, n: number): void {
  if (n > 0) demoCallsToCome.set(ctx, n);
  else demoCallsToCome.delete(ctx);
}

export async function preparing(ctx: AppContext): Promise<Preparing> {
  const { rows } = await ctx.db.query<{ downloading: string; analysing: string }>(
    `SELECT
       (SELECT count(*) FROM sync_documents
         WHERE collection = 'calls' AND NOT deleted AND doc -> 'recording' ->> 'state' = 'pending') AS downloading,
       (SELECT count(DISTINCT payload ->> 'callId') FROM jobs
         WHERE kind IN ('analysis.transcribe', 'analysis.analyse') AND status IN ('queued', 'running')) AS analysing`,
  );
  const placing = demoCallsToCome.get(ctx) ?? 0;
  const downloading = Number(rows[0]?.downloading ?? 0);
  return { calls: placing + downloading, placing, downloading, analysing: Number(rows[0]?.analysing ?? 0) };
}

export function preparingRoutes(ctx: AppContext): RouteDef[] {
  return [route(preparingContract, () => preparing(ctx))];
}
