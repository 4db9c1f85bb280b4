import { allocationRoutes } from './allocation/routes';
import { analysisRoutes, registerAnalysisJobs } from './analysis/module';
import { backgroundJobRoutes } from './analysis/background-jobs';
import { authRoutes } from './auth/routes';
import type { AppContext } from './context';
import { preparingRoutes } from './demo/preparing';
import { healthRoutes } from './health/routes';
import { metricsRoutes } from './metrics/routes';
import { registerPricingJobs } from './pricing/module';
import { pricingRoutes } from './pricing/routes';
import type { RouteDef } from './http/routes';
import { recordingsModuleRoutes, registerRecordingsJobs } from './recordings/module';
import { replicationRoutes } from './replication/routes';
import { streamAllRoutes } from './replication/stream-all';
import { revealRoutes } from './leads/reveal';
import { registerTierJobs } from './tiers/module';
import { tierRoutes } from './tiers/routes';
import { registerTelephonyJobs, telephonyRoutes } from './twilio/module';

/**
 * The server's capabilities, each in its own folder. Every module contributes routes (with their access
 * rules) and may register job handlers and start-up work. This is the one list to extend.
 */
export function allRoutes(ctx: AppContext): RouteDef[] {
  return [
    ...healthRoutes(),
    ...authRoutes(),
    ...replicationRoutes(ctx),
    ...streamAllRoutes(ctx),
    ...recordingsModuleRoutes(ctx),
    ...analysisRoutes(ctx),
    ...backgroundJobRoutes(ctx),
    ...preparingRoutes(ctx),
    ...revealRoutes(ctx),
    ...telephonyRoutes(ctx),
    ...pricingRoutes(ctx),
    ...tierRoutes(ctx),
    ...allocationRoutes(ctx),
    ...metricsRoutes(ctx),
  ];
}

/** Registers background job handlers for every module. */
export function registerJobs(ctx: AppContext): void {
  registerRecordingsJobs(ctx);
  registerAnalysisJobs(ctx);
  registerTelephonyJobs(ctx);
  registerTierJobs(ctx);
  registerPricingJobs(ctx);
}
