import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { createOverride, listOverrides, listPrices, quote, revokeOverride } from './service';

/** Area pricing (shared/pricing/SPEC.md): quotes for the marketplace, overrides for admins. */
const MARKETPLACE = ['marketplace', 'admin'] as const;
const ADMIN = ['admin'] as const;

const param = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ''));

export function pricingRoutes(_ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/pricing/quote',
      access: MARKETPLACE,
      summary: 'The price of a lead for a postcode and service (with an assessor: what they pay, with the working)',
      handler: ({ ctx, req }) =>
        quote(ctx, { postcode: req.query.postcode, service: req.query.service, assessorId: req.query.assessorId }),
    },
    {
      method: 'get',
      path: '/api/pricing',
      access: MARKETPLACE,
      summary: 'Every district × service with its price, rates and source',
      handler: ({ ctx }) => listPrices(ctx),
    },
    {
      method: 'get',
      path: '/api/pricing/overrides',
      access: ADMIN,
      summary: 'Price overrides with their state now (?district=&service=&state=scheduled|active|expired|revoked)',
      handler: ({ ctx, req }) => listOverrides(ctx, req.query as Record<string, unknown>),
    },
    {
      method: 'post',
      path: '/api/pricing/overrides',
      access: ADMIN,
      summary: 'Override the price of a district × service, with a reason and validity dates (audited)',
      async handler({ ctx, auth, req, res }) {
        const override = await createOverride(ctx, auth, req.body);
        res.status(201);
        return { override };
      },
    },
    {
      method: 'post',
      path: '/api/pricing/overrides/:id/revoke',
      access: ADMIN,
      summary: 'Revoke a price override at once (audited)',
      handler: async ({ ctx, auth, req }) => ({
        override: await revokeOverride(ctx, auth, param(req.params.id), req.body),
      }),
    },
  ];
}
