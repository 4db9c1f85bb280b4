import { z } from 'zod';
import { defineRoute } from './define';

const ADMIN = ['admin'] as const;
/** A Europe/London calendar day. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const Rate = z.number().nullable();
const Tally = z.record(z.string(), z.number());

export const DailyFilter = z
  .object({
    from: Day,
    to: Day,
    district: z.string().trim().toUpperCase().min(1).max(4).optional(),
    service: z.string().min(1).max(30).optional(),
    assessorId: z.string().min(1).max(100).optional(),
  })
  .refine((f) => f.from <= f.to, { message: 'from must not be after to', path: ['from'] })
  .refine((f) => Date.parse(f.to) - Date.parse(f.from) <= 366 * 86_400_000, {
    message: 'at most 367 days at once',
    path: ['to'],
  });

/** One stored row: a day × district × service × assessor ('' = the lead-level row), its counters. */
export const AggregateRowView = z.object({
  day: Day,
  district: z.string(),
  service: z.string(),
  assessorId: z.string(),
  figures: z.record(z.string(), z.number()),
});

/** shared/aggregates/aggregate.ts DailyMetrics: the rows merged and read out (SPEC AG13). */
export const DailyMetricsView = z.object({
  assignments: z.number(),
  contacted: z.number(),
  connected: z.number(),
  booked: z.number(),
  contactRate: Rate,
  successRate: Rate,
  conversionRate: Rate,
  responseMedianSec: Rate,
  responseP90Sec: Rate,
  attemptsBeforeConnect: Rate,
  medianGapSec: Rate,
  retryAfterFailureRate: Rate,
  objections: Tally,
  triggers: z.number(),
  analysedCalls: z.number(),
  sms: z.object({ fromAssessor: z.number(), fromCustomer: z.number(), failed: z.number() }),
  telephony: z.object({
    calls: z.number(),
    callsFromCustomer: z.number(),
    ringSec: z.number(),
    talkSec: z.number(),
    forwardedMinutes: z.number(),
  }),
  leads: z.number(),
  callRate: Rate,
  leadConversionRate: Rate,
  quality: Tally,
  proactiveRate: Rate,
  meanShopping: Rate,
  patienceMedianSec: Rate,
  patienceP90Sec: Rate,
  keptTryingMedianSec: Rate,
  firstChoice: z.object({ position: Tally, tier: Tally, price: Tally }),
});

export const daily = defineRoute({
  method: 'get',
  path: '/api/metrics/daily',
  access: ADMIN,
  summary:
    'Per-day metric aggregates (Europe/London days, from and to inclusive), narrowed by district, service or assessor: the stored rows and their total read out',
  query: DailyFilter,
  response: z.object({ from: Day, to: Day, rows: z.array(AggregateRowView), total: DailyMetricsView }),
});
