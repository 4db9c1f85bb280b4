import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { leadRoutes } from '../leads/routes';
import { poolRoutes } from '../pool/routes';
import { callAdminRoutes, twilioRoutes } from './routes';
import { SMS_RELAY_JOB, runSmsRelayJob } from './sms';

/** Telephony: the marketplace API, the Twilio webhooks and the admin call controls (modules.ts). */
export function telephonyRoutes(ctx: AppContext): RouteDef[] {
  return [...leadRoutes(ctx), ...twilioRoutes(ctx), ...callAdminRoutes(ctx), ...poolRoutes(ctx)];
}

export function registerTelephonyJobs(ctx: AppContext): void {
  ctx.jobs.register<Record<string, unknown>>(SMS_RELAY_JOB, (job) => runSmsRelayJob(ctx, job));
}
