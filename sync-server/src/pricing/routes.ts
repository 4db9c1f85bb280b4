import * as contract from '../../../shared/contracts/pricing';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { createOverride, listOverrides, listPrices, quote, revokeOverride } from './service';

/** Area pricing (shared/pricing/SPEC.md): quotes for the marketplace, overrides for admins. */
export function pricingRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(contract.quote, ({ ctx, query }) =>
      quote(ctx, { postcode: query.postcode, service: query.service, assessorId: query.assessorId }),
    ),
    route(contract.listPrices, ({ ctx }) => listPrices(ctx)),
    route(contract.listOverrides, ({ ctx, query }) => listOverrides(ctx, query)),
    route(contract.createOverride, async ({ ctx, auth, body, res }) => {
      const override = await createOverride(ctx, auth, body);
      res.status(201);
      return { override };
    }),
    route(contract.revokeOverride, async ({ ctx, auth, params, body }) => ({
      override: await revokeOverride(ctx, auth, params.id, body),
    })),
  ];
}
