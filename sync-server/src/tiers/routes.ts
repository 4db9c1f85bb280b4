import * as contract from '../../../shared/contracts/tiers';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { decide, listProposals, proposeTiers } from './service';

/** Tier proposals and decisions for admins and scripts (shared/tiers/SPEC.md). */
export function tierRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(contract.propose, ({ ctx, auth }) => proposeTiers(ctx, auth)),
    route(contract.listProposals, ({ ctx, query }) => listProposals(ctx, query)),
    route(contract.decide, ({ ctx, auth, params, body }) => decide(ctx, auth, params.id, body)),
  ];
}
