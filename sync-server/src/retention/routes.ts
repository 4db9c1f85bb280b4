import { z } from 'zod';
import type { AppContext } from '../context';
import { parseInput } from '../http/errors';
import type { RouteDef } from '../http/routes';
import { mediaDeps } from '../recordings/deps';
import { nextSweepAt } from './schedule';
import { retentionCutoffs, runRetentionSweep } from './sweep';

export function retentionRoutes(ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/retention',
      access: ['admin'],
      summary: 'Retention periods, what they cut off today, and when the next sweep runs',
      handler() {
        const cut = retentionCutoffs(mediaDeps(ctx));
        return {
          periods: {
            recordingDays: ctx.config.RETENTION_RECORDING_DAYS,
            transcriptDays: ctx.config.RETENTION_TRANSCRIPT_DAYS,
            clipDays: ctx.config.RETENTION_CLIP_DAYS,
          },
          cutoffs: {
            recordings: new Date(cut.recordings).toISOString(),
            transcripts: new Date(cut.transcripts).toISOString(),
            clips: new Date(cut.clips).toISOString(),
          },
          nextSweepAt: nextSweepAt(Date.now()).toISOString(),
        };
      },
    },
    {
      method: 'post',
      path: '/api/retention/run',
      access: ['admin'],
      summary:
        'Run the retention sweep now (or report what it would remove with dryRun); a run is audited as the admin',
      async handler({ req, auth }) {
        const { dryRun } = parseInput(z.object({ dryRun: z.boolean().default(false) }).strict(), req.body ?? {});
        return { report: await runRetentionSweep(mediaDeps(ctx), { dryRun, actor: auth! }) };
      },
    },
  ];
}
