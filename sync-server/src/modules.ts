import { allocationRoutes } from './allocation/routes';
import { analysisDeps, analysisJobs, analysisRoutes } from './analysis/module';
import { authRoutes } from './auth/routes';
import type { AppContext } from './context';
import { preparingRoutes } from './demo/preparing';
import { erasureRoutes } from './erasure/routes';
import { apiDocsRoutes } from './health/api-docs';
import { healthRoutes } from './health/routes';
import type { RouteDef } from './http/routes';
import { defineJob, type JobDefinition } from './jobs/queue';
import { jobRoutes } from './jobs/routes';
import { revealRoutes } from './leads/reveal';
import { assessorRoutes } from './assessors/routes';
import { leadRoutes } from './leads/routes';
import { startMetricsUpkeep } from './metrics/keep';
import { metricsRoutes } from './metrics/routes';
import { poolRoutes } from './pool/routes';
import { POOL_SWEEP_JOB, runPoolSweepJob, scheduleNextPoolSweep } from './leads/pool-sweep';
import { pricingJobs, startPricing } from './pricing/module';
import { privacyRoutes } from './privacy/routes';
import { pricingRoutes } from './pricing/routes';
import { mediaDeps } from './recordings/deps';
import { recordingsJobs } from './recordings/module';
import { recordingRoutes } from './recordings/routes';
import { replicationRoutes } from './replication/routes';
import { streamAllRoutes } from './replication/stream-all';
import { retentionRoutes } from './retention/routes';
import { RETENTION_JOB, runRetentionJob, scheduleNextSweep } from './retention/schedule';
import { startTiers, tierJobs } from './tiers/module';
import { tierRoutes } from './tiers/routes';
import { telephonyJobs } from './twilio/module';
import { callAdminRoutes, twilioRoutes } from './twilio/routes';

/**
 * The server's capabilities, each in its own folder, wired here and only here: every module's routes (with
 * their access rules), every job kind's handler (the kinds and their payloads are listed in jobs/kinds.ts) and
 * the start-up work. No module wires another's routes or jobs; this is the one list to extend.
 */
export function allRoutes(ctx: AppContext): RouteDef[] {
  return [
    ...healthRoutes(),
    ...apiDocsRoutes(),
    ...authRoutes(),
    ...replicationRoutes(ctx),
    ...streamAllRoutes(ctx),
    ...recordingRoutes(ctx),
    ...retentionRoutes(ctx),
    ...erasureRoutes(ctx),
    // Erasure of assessors and leads, and subject access exports (issue 16).
    ...privacyRoutes(ctx),
    ...analysisRoutes(ctx),
    ...jobRoutes(ctx),
    ...preparingRoutes(ctx),
    ...revealRoutes(ctx),
    ...assessorRoutes(ctx),
    ...leadRoutes(ctx),
    ...twilioRoutes(ctx),
    ...callAdminRoutes(ctx),
    ...poolRoutes(ctx),
    ...pricingRoutes(ctx),
    ...tierRoutes(ctx),
    ...allocationRoutes(ctx),
    ...metricsRoutes(ctx),
  ];
}

/** Every job kind's handler. */
export function allJobs(ctx: AppContext): JobDefinition[] {
  const media = mediaDeps(ctx);
  return [
    ...recordingsJobs(ctx),
    defineJob(RETENTION_JOB, () => runRetentionJob(media)),
    ...analysisJobs(ctx),
    ...telephonyJobs(ctx),
    defineJob(POOL_SWEEP_JOB, () => runPoolSweepJob(ctx)),
    ...tierJobs(ctx),
    ...pricingJobs(ctx),
  ];
}

/** Registers every job handler, then does the modules' start-up work. */
export function registerJobs(ctx: AppContext): void {
  for (const job of allJobs(ctx)) job.register(ctx.jobs);
  ctx.log.info(analysisDeps(ctx).providers.describe(), 'analysis providers');
  // The first daily and hourly sweeps, on an instance that runs the background worker (tests drive jobs
  // themselves).
  if (ctx.config.JOBS) {
    scheduleNextSweep(mediaDeps(ctx)).catch((err: unknown) =>
      ctx.log.error({ err }, 'could not schedule the retention sweep'),
    );
    scheduleNextPoolSweep(ctx, ctx.now()).catch((err: unknown) =>
      ctx.log.error({ err }, 'could not schedule the pool sweep'),
    );
  }
  startTiers(ctx);
  startPricing(ctx);
  // Metric aggregates within seconds of each event, where background work runs (metrics/keep.ts).
  if (ctx.config.JOBS) startMetricsUpkeep(ctx);
}
