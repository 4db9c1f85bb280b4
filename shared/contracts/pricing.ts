import { z } from 'zod';
import type { AssessorPrice } from '../pricing/assessor-price';
import type { AreaPrice } from '../pricing/area-price';
import { SERVICES } from '../schemas';
import { domainObject, EpochMs, IdParams } from './common';
import { defineRoute } from './define';

const MARKETPLACE = ['marketplace', 'admin'] as const;
const ADMIN = ['admin'] as const;
const serviceField = z.enum(SERVICES);

export const OVERRIDE_STATES = ['scheduled', 'active', 'expired', 'revoked'] as const;

export const OverrideView = z.object({
  id: z.string(),
  district: z.string(),
  service: serviceField,
  pricePence: z.number(),
  reason: z.string(),
  validFrom: EpochMs,
  /** Exclusive end; null = until revoked. */
  validTo: EpochMs.nullable(),
  createdAt: EpochMs,
  createdBy: z.string(),
  revokedAt: EpochMs.nullable(),
  revokedBy: z.string().nullable().optional(),
  state: z.enum(OVERRIDE_STATES),
});
export type OverrideView = z.infer<typeof OverrideView>;

export const Quote = z.object({
  district: z.string(),
  service: serviceField,
  pricePence: z.number(),
  source: z.enum(['rule', 'override']),
  /** The rule's price, also when an override applies. */
  rulePricePence: z.number(),
  basis: domainObject<AreaPrice['basis'] & { method: AreaPrice['method'] }>('the figures the rule priced from'),
  explanation: z.string(),
  overrideId: z.string().optional(),
  override: OverrideView.optional(),
  assessor: domainObject<{ id: string; name: string } & AssessorPrice>(
    "the assessor's price with the working",
  ).optional(),
});
export type Quote = z.infer<typeof Quote>;

const instant = z.union([
  z
    .string()
    .datetime({ offset: true })
    .transform((s) => Date.parse(s)),
  z.number().int().min(0).max(1e13),
]);

export const NewOverride = z
  .object({
    district: z.string().min(1).max(10),
    service: serviceField,
    pricePence: z.number().int().min(0).max(100_000),
    reason: z.string().trim().min(3, 'a reason of at least 3 characters is required').max(500),
    validFrom: instant.optional(),
    validTo: instant.nullable().optional(),
  })
  .strict();

export const OverrideFilter = z.object({
  district: z.string().max(10).optional(),
  service: serviceField.optional(),
  state: z.enum(OVERRIDE_STATES).optional(),
});

export const RevokeOverride = z.object({ reason: z.string().trim().max(500).optional() }).default({});

export const quote = defineRoute({
  method: 'get',
  path: '/api/pricing/quote',
  access: MARKETPLACE,
  summary: 'The price of a lead for a postcode and service (with an assessor: what they pay, with the working)',
  // Checked by the pricing rules, which answer INVALID_POSTCODE or VALIDATION_FAILED naming the field.
  query: z.object({
    postcode: z.unknown().optional().meta({ description: 'UK postcode or district (required)' }),
    service: z
      .unknown()
      .optional()
      .meta({ description: `one of ${SERVICES.join(', ')} (required)` }),
    assessorId: z.unknown().optional().meta({ description: 'an assessor id: adds what they pay' }),
  }),
  response: Quote,
  errors: ['INVALID_POSTCODE', 'UNKNOWN_ASSESSOR'],
});

export const listPrices = defineRoute({
  method: 'get',
  path: '/api/pricing',
  access: MARKETPLACE,
  summary: 'Every district × service with its price, rates and source',
  response: z.object({ windowDays: z.number(), prices: z.array(Quote) }),
});

export const listOverrides = defineRoute({
  method: 'get',
  path: '/api/pricing/overrides',
  access: ADMIN,
  summary: 'Price overrides with their state now (?district=&service=&state=scheduled|active|expired|revoked)',
  query: OverrideFilter,
  response: z.object({ overrides: z.array(OverrideView) }),
  errors: ['INVALID_POSTCODE'],
});

export const createOverride = defineRoute({
  method: 'post',
  path: '/api/pricing/overrides',
  access: ADMIN,
  summary: 'Override the price of a district × service, with a reason and validity dates (audited)',
  body: NewOverride,
  response: z.object({ override: OverrideView }),
  status: [201],
  errors: ['INVALID_POSTCODE', 'CONFLICT'],
});

export const revokeOverride = defineRoute({
  method: 'post',
  path: '/api/pricing/overrides/:id/revoke',
  access: ADMIN,
  summary: 'Revoke a price override at once (audited)',
  params: IdParams,
  body: RevokeOverride,
  response: z.object({ override: OverrideView }),
  errors: ['NOT_FOUND', 'CONFLICT'],
});
