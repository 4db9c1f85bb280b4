import { z } from 'zod';
import { defineRoute } from './define';

export const HealthReport = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ kind: z.string(), state: z.enum(['ok', 'unreachable']) }),
  migrations: z.enum(['current', 'pending', 'mismatch']),
  sandbox: z.boolean(),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const getHealth = defineRoute({
  method: 'get',
  path: '/api/health',
  access: 'public',
  summary: 'Database reachable, migrations current, version',
  response: HealthReport,
  status: [200, 503],
});
