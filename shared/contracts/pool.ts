import { z } from 'zod';
import type { PoolReport } from '../pool';
import { domainObject, IsoTime } from './common';
import { defineRoute } from './define';

export const PoolNumberUse = z.object({
  number: z.string(),
  source: z.string(),
  active: z.boolean(),
  openSessions: z.number(),
  withExtension: z.number(),
  monthlyCostPence: z.number().nullable(),
  acquiredAt: IsoTime.nullable(),
  releasedAt: IsoTime.nullable(),
  sandbox: z.boolean(),
});
export type PoolNumberUse = z.infer<typeof PoolNumberUse>;

export type PoolReportOut = PoolReport & { numberMonthlyPence: number; budgetPence: number };

export const poolReport = defineRoute({
  method: 'get',
  path: '/api/pool/report',
  access: ['admin'],
  summary: 'Numbers owned, in use, needed; extension rate; monthly cost against one number per assignment',
  response: z.object({
    report: domainObject<PoolReportOut>('the pool report (shared/pool.ts) with monthly costs'),
    numbers: z.array(PoolNumberUse),
  }),
});
