import type { AppContext } from '../context';
import { defineJob, type JobDefinition } from '../jobs/queue';
import { whenCollectionChanges } from '../replication/feed';
import { applyReplicatedDecisions, proposeTiers } from './service';

export const TIERS_PROPOSE_JOB = 'tiers.propose';
const DAY_MS = 86_400_000;
/** The nightly run, at 02:00 UTC (after the day's calls, before the commercial team starts). */
const NIGHTLY_OFFSET_MS = 2 * 60 * 60 * 1000;

export async function scheduleNextTierRun(ctx: Pick<AppContext, 'db' | 'jobs'>, afterMs: number): Promise<void> {
  const at = new Date(Math.floor((afterMs - NIGHTLY_OFFSET_MS) / DAY_MS + 1) * DAY_MS + NIGHTLY_OFFSET_MS);
  await ctx.jobs.enqueue(
    ctx.db,
    TIERS_PROPOSE_JOB,
    {},
    { dedupeKey: `${TIERS_PROPOSE_JOB}:${at.toISOString().slice(0, 10)}`, runAt: at, maxAttempts: 3 },
  );
}

/** The nightly tier proposals; modules.ts wires it. */
export function tierJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob(TIERS_PROPOSE_JOB, async () => {
      await scheduleNextTierRun(ctx, ctx.now());
      const report = await proposeTiers(ctx, { label: 'system:nightly' });
      return { cost: { proposed: report.proposed.length, superseded: report.superseded.length } };
    }),
  ];
}

/**
 * Start-up work of tier proposals: the first nightly run is scheduled, and every instance listens for decisions
 * pushed through replication (an admin deciding in the app, also after being offline); each decision is applied
 * once (tiers/service.ts `applyReplicatedDecisions`).
 */
export function startTiers(ctx: AppContext): void {
  if (ctx.config.JOBS) {
    scheduleNextTierRun(ctx, ctx.now()).catch((err: unknown) =>
      ctx.log.error({ err }, 'could not schedule the nightly tier proposals'),
    );
  }

  // Decisions pushed while no instance was listening are applied by the first run, at start.
  whenCollectionChanges(ctx, 'tierChanges', 'applying tier decisions from replication', () =>
    applyReplicatedDecisions(ctx),
  );
}
