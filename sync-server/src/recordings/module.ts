import type { AppContext } from '../context';
import { erasureRoutes } from '../erasure/routes';
import type { RouteDef } from '../http/routes';
import { retentionRoutes } from '../retention/routes';
import { RETENTION_JOB, runRetentionJob, scheduleNextSweep } from '../retention/schedule';
import { mediaDeps } from './deps';
import { runDownloadJob, runTwilioDeleteJob } from './download-job';
import { recordingRoutes } from './routes';

/** Recordings, retention and erasure: the routes and jobs this area adds to the server (modules.ts). */
export function recordingsModuleRoutes(ctx: AppContext): RouteDef[] {
  return [...recordingRoutes(ctx), ...retentionRoutes(ctx), ...erasureRoutes(ctx)];
}

export function registerRecordingsJobs(ctx: AppContext): void {
  const deps = mediaDeps(ctx);
  ctx.jobs.register<Record<string, unknown>>('recording.download', (job) => runDownloadJob(deps, job));
  ctx.jobs.register<Record<string, unknown>>('recording.twilio-delete', (job) => runTwilioDeleteJob(deps, job));
  ctx.jobs.register(RETENTION_JOB, () => runRetentionJob(deps));
  // The first daily sweep, on an instance that runs the background worker (tests drive jobs themselves).
  if (ctx.config.JOBS) {
    scheduleNextSweep(deps).catch((err: unknown) => ctx.log.error({ err }, 'could not schedule the retention sweep'));
  }
}
