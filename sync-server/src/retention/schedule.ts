import type { JobOutcome } from '../jobs/queue';
import type { MediaDeps } from '../recordings/deps';
import { runRetentionSweep } from './sweep';

/**
 * The daily retention sweep runs as job `retention.sweep`, which enqueues its successor for the next day when it
 * finishes. The dedupe key names the day, so several instances (or restarts) schedule each day's sweep once,
 * and a day missed while every server was down is simply caught up by the next sweep.
 */
export const RETENTION_JOB = 'retention.sweep';
/** 03:00 UTC: after the evening's calls and before the working day. */
const SWEEP_HOUR_UTC = 3;

export function nextSweepAt(afterMs: number): Date {
  const d = new Date(afterMs);
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), SWEEP_HOUR_UTC);
  return new Date(at > afterMs ? at : at + 86_400_000);
}

export async function scheduleNextSweep(
  deps: Pick<MediaDeps, 'db' | 'jobs'>,
  afterMs: number = Date.now(),
): Promise<Date> {
  const at = nextSweepAt(afterMs);
  await deps.jobs.enqueue(
    deps.db,
    RETENTION_JOB,
    {},
    { dedupeKey: `${RETENTION_JOB}:${at.toISOString().slice(0, 10)}`, runAt: at, maxAttempts: 5 },
  );
  return at;
}

export async function runRetentionJob(deps: MediaDeps): Promise<JobOutcome> {
  // Scheduled before the work, so a sweep that keeps failing does not stop the following days' sweeps.
  await scheduleNextSweep(deps);
  const report = await runRetentionSweep(deps);
  return {
    cost: {
      recordingsDeleted: report.recordingsDeleted,
      insightsScrubbed: report.insightsScrubbed,
      messageBodiesScrubbed: report.messageBodiesScrubbed,
      clipsExpired: report.clipsExpired + report.clipsWithRecording,
    },
  };
}
