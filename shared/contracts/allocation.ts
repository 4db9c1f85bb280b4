import { z } from 'zod';
import type { ExcludedAssessor, RankedAssessor } from '../allocation/rank';
import { SERVICES } from '../schemas';
import { domainObject } from './common';
import { defineRoute } from './define';

/** Postcode and service are checked by the pricing rules (INVALID_POSTCODE, VALIDATION_FAILED naming them). */
export const RankBody = z
  .object({
    postcode: z.unknown().optional().meta({ description: 'UK postcode or district (required)' }),
    service: z
      .unknown()
      .optional()
      .meta({ description: `one of ${SERVICES.join(', ')} (required)` }),
    assessorIds: z.array(z.string().min(1).max(100)).max(200).optional(),
  })
  .strict();

export const AreaPriceSource = z.enum(['rule', 'override']);

export const RankAnswer = z.object({
  district: z.string(),
  service: z.enum(SERVICES),
  area: z.object({ pricePence: z.number(), source: AreaPriceSource, overrideId: z.string().optional() }),
  windowDays: z.number(),
  ranked: z.array(domainObject<RankedAssessor>('an assessor in allocation order with reasons and price')),
  excluded: z.array(domainObject<ExcludedAssessor>('an assessor left out, with the reason')),
});
export type RankAnswer = z.infer<typeof RankAnswer>;

export const rank = defineRoute({
  method: 'post',
  path: '/api/allocation/rank',
  access: ['marketplace', 'admin'],
  summary: 'Eligible assessors for a postcode and service in allocation order, each with reasons and price',
  body: RankBody,
  response: RankAnswer,
  errors: ['INVALID_POSTCODE'],
});
