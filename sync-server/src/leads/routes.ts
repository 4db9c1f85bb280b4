import * as contract from '../../../shared/contracts/leads';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { addAssignments, closeLead, createLead, getLead, recordBooking } from './service';

export function leadRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(contract.createLead, async ({ ctx, auth, body, res }) => {
      const out = await createLead(ctx, auth, body);
      res.status(out.created ? 201 : 200);
      return { lead: out.lead, assignments: out.assignments };
    }),
    route(contract.getLead, ({ ctx, params }) => getLead(ctx, params.id)),
    route(contract.addAssignments, async ({ ctx, auth, params, body, res }) => {
      const out = await addAssignments(ctx, auth, params.id, body);
      res.status(201);
      return out;
    }),
    route(contract.recordBooking, ({ ctx, auth, params, body }) => recordBooking(ctx, auth, params.id, body)),
    route(contract.closeLead, ({ ctx, auth, params, body }) => closeLead(ctx, auth, params.id, body)),
  ];
}
