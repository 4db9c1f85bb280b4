import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { rankForLead } from './service';

/** Allocation order for the marketplace (shared/allocation/SPEC.md). */
export function allocationRoutes(_ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/allocation/rank',
      access: ['marketplace', 'admin'],
      summary: 'Eligible assessors for a postcode and service in allocation order, each with reasons and price',
      handler: ({ ctx, req }) => rankForLead(ctx, req.body),
    },
  ];
}
