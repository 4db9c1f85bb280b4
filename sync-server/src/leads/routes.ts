import type { AppContext } from '../context';
import type { RouteDef, RequestAuth } from '../http/routes';
import {
  addAssignments,
  closeLead,
  createAssessor,
  createLead,
  getLead,
  recordBooking,
  updateAssessor,
} from './service';

/** The marketplace API: API keys (`marketplace`) and admins. */
const ACCESS = ['marketplace', 'admin'] as const;

const actor = (auth: RequestAuth | null) => auth ?? { label: 'unknown' };
const param = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ''));

export function leadRoutes(_ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/assessors',
      access: ACCESS,
      summary: 'Register an assessor (idempotent on externalId)',
      async handler({ ctx, auth, req, res }) {
        const out = await createAssessor(ctx, actor(auth), req.body);
        res.status(out.created ? 201 : 200);
        return { assessor: out.assessor };
      },
    },
    {
      method: 'patch',
      path: '/api/assessors/:id',
      access: ACCESS,
      summary: 'Change an assessor: active, phone, districts, services, name',
      handler: ({ ctx, auth, req }) => updateAssessor(ctx, actor(auth), param(req.params.id), req.body),
    },
    {
      method: 'post',
      path: '/api/leads',
      access: ACCESS,
      summary: 'Take a lead and assign it (idempotent on externalId); answers what each side sees',
      async handler({ ctx, auth, req, res }) {
        const out = await createLead(ctx, actor(auth), req.body);
        res.status(out.created ? 201 : 200);
        return { lead: out.lead, assignments: out.assignments };
      },
    },
    {
      method: 'get',
      path: '/api/leads/:id',
      access: ACCESS,
      summary: 'A lead with its assignments (by id or externalId)',
      handler: ({ ctx, req }) => getLead(ctx, param(req.params.id)),
    },
    {
      method: 'post',
      path: '/api/leads/:id/assignments',
      access: ACCESS,
      summary: 'Assign a lead to more assessors',
      async handler({ ctx, auth, req, res }) {
        const out = await addAssignments(ctx, actor(auth), param(req.params.id), req.body);
        res.status(201);
        return out;
      },
    },
    {
      method: 'post',
      path: '/api/leads/:id/booking',
      access: ACCESS,
      summary: 'Record that an assessor booked the job',
      handler: ({ ctx, auth, req }) => recordBooking(ctx, actor(auth), param(req.params.id), req.body),
    },
    {
      method: 'post',
      path: '/api/leads/:id/close',
      access: ACCESS,
      summary: 'Close a lead: its sessions end and its numbers start their cool-down',
      handler: ({ ctx, auth, req }) => closeLead(ctx, actor(auth), param(req.params.id), req.body),
    },
  ];
}
