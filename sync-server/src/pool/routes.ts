import type { AppContext } from '../context';
import { poolReport } from '../../../shared/contracts/pool';
import { route, type RouteDef } from '../http/routes';
import { buildPoolReport, listPoolNumbers, listPoolUsage } from './store';

/** The pool report for admins (the CLI prints the same); the app's Pool screen reads it. */
export function poolRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(poolReport, async ({ ctx }) => {
      const [report, usage, rows] = await Promise.all([
        buildPoolReport(ctx),
        listPoolUsage(ctx),
        listPoolNumbers(ctx.db),
      ]);
      // What each number costs and since when it is held, beside its use (read-only additions for the screen).
      const byNumber = new Map(rows.map((r) => [r.number, r]));
      const numbers = usage.map((u) => {
        const row = byNumber.get(u.number);
        return {
          ...u,
          monthlyCostPence: row?.monthly_cost_pence ?? null,
          acquiredAt: row ? new Date(Number(row.acquired_at)).toISOString() : null,
          releasedAt: row?.released_at ? new Date(Number(row.released_at)).toISOString() : null,
          sandbox: row?.sandbox ?? false,
        };
      });
      return { report, numbers };
    }),
  ];
}
