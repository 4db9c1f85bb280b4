import type { AppContext } from '../context';
import type { RouteDef } from '../http/routes';
import { buildPoolReport, listPoolUsage } from './store';

/** The pool report for admins (the CLI prints the same). */
export function poolRoutes(_ctx: AppContext): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/pool/report',
      access: ['admin'],
      summary: 'Numbers owned, in use, needed; extension rate; monthly cost against one number per assignment',
      handler: async ({ ctx }) => ({ report: await buildPoolReport(ctx), numbers: await listPoolUsage(ctx) }),
    },
  ];
}
