import * as contract from '../../../shared/contracts/leads';
import type { AppContext } from '../context';
import { route, type RouteDef } from '../http/routes';
import { createAssessor, updateAssessor } from './service';

/** The marketplace's assessors (API key or admin): created idempotently by externalId, changed by id. */
export function assessorRoutes(_ctx: AppContext): RouteDef[] {
  return [
    route(contract.createAssessor, async ({ ctx, auth, body, res }) => {
      const out = await createAssessor(ctx, auth, body);
      res.status(out.created ? 201 : 200);
      return { assessor: out.assessor };
    }),
    route(contract.updateAssessor, ({ ctx, auth, params, body }) => updateAssessor(ctx, auth, params.id, body)),
  ];
}
