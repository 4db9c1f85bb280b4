import type { AppContext } from '../context';
import { defineJob, type JobDefinition } from '../jobs/queue';
import { whenCollectionChanges } from '../replication/feed';
import { applyAreaDocOverrides, refreshAreaDocs } from './service';

export const PRICING_REFRESH_JOB = 'pricing.refresh';
const DAY_MS = 86_400_000;

/** Daily, at 01:00 UTC: the area documents follow the rates as the window moves. */
async function scheduleNextRefresh(ctx: Pick<AppContext, 'db' | 'jobs'>, afterMs: number): Promise<void> {
  const offset = 60 * 60 * 1000;
  const at = new Date(Math.floor((afterMs - offset) / DAY_MS + 1) * DAY_MS + offset);
  await ctx.jobs.enqueue(
    ctx.db,
    PRICING_REFRESH_JOB,
    {},
    { dedupeKey: `${PRICING_REFRESH_JOB}:${at.toISOString().slice(0, 10)}`, runAt: at, maxAttempts: 3 },
  );
}

/** The daily area price refresh; modules.ts wires it. */
export function pricingJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob(PRICING_REFRESH_JOB, async () => {
      await scheduleNextRefresh(ctx, ctx.now());
      return { cost: { areas: await refreshAreaDocs(ctx) } };
    }),
  ];
}

/**
 * Start-up work of pricing: the first refresh now (a new server shows every area at once), then daily. Overrides
 * made in the app reach the server as pushed `areas` documents; every instance listens and turns them into
 * override records (pricing/service.ts `applyAreaDocOverrides`, idempotent).
 */
export function startPricing(ctx: AppContext): void {
  if (ctx.config.JOBS) {
    ctx.jobs
      .enqueue(
        ctx.db,
        PRICING_REFRESH_JOB,
        {},
        { dedupeKey: `${PRICING_REFRESH_JOB}:start:${ctx.now()}`, maxAttempts: 3 },
      )
      .catch((err: unknown) => ctx.log.error({ err }, 'could not queue the area price refresh'));
  }
  whenCollectionChanges(ctx, 'areas', 'applying price overrides from replication', () => applyAreaDocOverrides(ctx));
}
