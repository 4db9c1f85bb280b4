import * as contract from '../../../shared/contracts/metrics';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { readDaily } from './read';

/** The per-day aggregates for the admins' dashboards (shared/aggregates/SPEC.md). */
export function metricsRoutes(_ctx: AppContext): RouteDef[] {
  return [route(contract.daily, ({ ctx, query }) => readDaily(ctx.db, query))];
}
