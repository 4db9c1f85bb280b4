import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { leadRoutes } from '../leads/routes';
import { poolRoutes } from '../pool/routes';
import { callAdminRoutes, twilioRoutes } from './routes';
import { POOL_SWEEP_JOB, runPoolSweepJob, scheduleNextPoolSweep } from '../pool/sweep';
import { PENDING_CALLBACKS_JOB, runPendingCallbacksJob } from './pending';
import { SMS_RELAY_JOB, runSmsRelayJob } from './sms';

/** Telephony: the marketplace API, the Twilio webhooks and the admin call controls (modules.ts). */
export function telephonyRoutes(ctx: AppContext): RouteDef[] {
  return [...leadRoutes(ctx), ...twilioRoutes(ctx), ...callAdminRoutes(ctx), ...poolRoutes(ctx)];
}

export function registerTelephonyJobs(ctx: AppContext): void {
  ctx.jobs.register<Record<string, unknown>>(SMS_RELAY_JOB, (job) => runSmsRelayJob(ctx, job));
  ctx.jobs.register(POOL_SWEEP_JOB, () => runPoolSweepJob(ctx));
  ctx.jobs.register<Record<string, unknown>>(PENDING_CALLBACKS_JOB, (job) => runPendingCallbacksJob(ctx, job));
  // The first hourly sweep, on an instance that runs the background worker (tests drive jobs themselves).
  if (ctx.config.JOBS) {
    scheduleNextPoolSweep(ctx, ctx.now()).catch((err: unknown) =>
      ctx.log.error({ err }, 'could not schedule the pool sweep'),
    );
  }
}
