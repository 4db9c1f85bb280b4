import type { AppContext } from '../context';
import { defineJob, type JobDefinition } from '../jobs/queue';
import { PENDING_CALLBACKS_JOB, runPendingCallbacksJob } from './pending';
import { SMS_RELAY_JOB, runSmsRelayJob } from './sms';

/** Telephony's own jobs; modules.ts wires them (with twilio/routes.ts). */
export function telephonyJobs(ctx: AppContext): JobDefinition[] {
  return [
    defineJob(SMS_RELAY_JOB, (job) => runSmsRelayJob(ctx, job)),
    defineJob(PENDING_CALLBACKS_JOB, (job) => runPendingCallbacksJob(ctx, job)),
  ];
}
