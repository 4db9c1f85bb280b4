import { retention, runRetention } from '../../../shared/contracts/privacy';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { mediaDeps } from '../recordings/deps';
import { nextSweepAt } from './schedule';
import { retentionCutoffs, runRetentionSweep } from './sweep';

export function retentionRoutes(ctx: AppContext): RouteDef[] {
  return [
    route(retention, () => {
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
    }),
    route(runRetention, async ({ body: { dryRun }, auth }) => ({
      report: await runRetentionSweep(mediaDeps(ctx), { dryRun, actor: auth }),
    })),
  ];
}
