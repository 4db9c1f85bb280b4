import type { AppContext } from '../context';
import { defineJob, type JobDefinition } from '../jobs/queue';
import { mediaDeps } from './deps';
import { runDownloadJob, runTwilioDeleteJob } from './download-job';

/** The recordings jobs; modules.ts wires them (with recordings/routes.ts). */
export function recordingsJobs(ctx: AppContext): JobDefinition[] {
  const deps = mediaDeps(ctx);
  return [
    defineJob('recording.download', (job) => runDownloadJob(deps, job)),
    defineJob('recording.twilio-delete', (job) => runTwilioDeleteJob(deps, job)),
  ];
}
