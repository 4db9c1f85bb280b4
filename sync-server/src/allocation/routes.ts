import { rank } from '../../../shared/contracts/allocation';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { rankForLead } from './service';

/** Allocation order for the marketplace (shared/allocation/SPEC.md). */
export function allocationRoutes(_ctx: AppContext): RouteDef[] {
  return [route(rank, ({ ctx, body }) => rankForLead(ctx, body))];
}
