import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { decide, listProposals, proposeTiers } from './service';

/** Tier proposals and decisions for admins and scripts (shared/tiers/SPEC.md). */
const ADMIN = ['admin'] as const;
const param = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ''));

export function tierRoutes(_ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/tiers/propose',
      access: ADMIN,
      summary: 'Run the tier rules now: writes proposals (never applies them)',
      handler: ({ ctx, auth }) => proposeTiers(ctx, auth ?? { label: 'unknown' }),
    },
    {
      method: 'get',
      path: '/api/tiers/proposals',
      access: ADMIN,
      summary: 'Tier proposals (?state=pending|approved|rejected|superseded&assessorId=)',
      handler: ({ ctx, req }) => listProposals(ctx, req.query as Record<string, unknown>),
    },
    {
      method: 'post',
      path: '/api/tiers/proposals/:id/decision',
      access: ADMIN,
      summary: 'Approve or reject a tier proposal with a note; an approval changes the assessor’s tier (audited)',
      handler: ({ ctx, auth, req }) => decide(ctx, auth, param(req.params.id), req.body),
    },
  ];
}
