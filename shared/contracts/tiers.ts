import { z } from 'zod';
import { TIERS } from '../schemas';
import { documentOf, EpochMs, IdParams } from './common';
import { defineRoute } from './define';

const ADMIN = ['admin'] as const;
const tier = z.enum(TIERS);
export const PROPOSAL_STATES = ['pending', 'approved', 'rejected', 'superseded'] as const;

export const ProposeReport = z.object({
  ranAt: EpochMs,
  windowDays: z.number(),
  assessors: z.number(),
  proposed: z.array(
    z.object({ id: z.string(), assessorId: z.string(), from: tier.nullable(), to: tier, summary: z.string() }),
  ),
  superseded: z.array(z.string()),
  /** The same move is already pending: left as it is. */
  alreadyPending: z.number(),
  /** The figures support the tier the assessor holds. */
  unchanged: z.number(),
  /** Fewer assignments than the rules need (TR2). */
  tooFewAssignments: z.number(),
  /** The same move was rejected recently and the figures have not moved materially (TR8). */
  coolingDown: z.number(),
});
export type ProposeReport = z.infer<typeof ProposeReport>;

export const ProposalView = z.object({
  id: z.string(),
  assessorId: z.string(),
  assessorName: z.string().nullable(),
  fromTier: tier.nullable(),
  toTier: tier,
  state: z.enum(PROPOSAL_STATES),
  summary: z.string(),
  /** The figures the rules read (shared/tiers/SPEC.md); null for proposals made before they were kept. */
  metrics: z.unknown(),
  checks: z.unknown(),
  exampleCallIds: z.array(z.string()),
  createdAt: EpochMs,
  decidedBy: z.string().nullable(),
  decidedAt: EpochMs.nullable(),
  note: z.string().nullable(),
  supersededBy: z.string().nullable(),
});
export type ProposalView = z.infer<typeof ProposalView>;

export const ProposalFilter = z.object({
  state: z.enum(PROPOSAL_STATES).optional(),
  assessorId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const Decision = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().trim().min(1, 'a note is required').max(1000),
});

export const propose = defineRoute({
  method: 'post',
  path: '/api/tiers/propose',
  access: ADMIN,
  summary: 'Run the tier rules now: writes proposals (never applies them)',
  response: ProposeReport,
});

export const listProposals = defineRoute({
  method: 'get',
  path: '/api/tiers/proposals',
  access: ADMIN,
  summary: 'Tier proposals (?state=pending|approved|rejected|superseded&assessorId=)',
  query: ProposalFilter,
  response: z.object({ proposals: z.array(ProposalView) }),
});

export const decide = defineRoute({
  method: 'post',
  path: '/api/tiers/proposals/:id/decision',
  access: ADMIN,
  summary: 'Approve or reject a tier proposal with a note; an approval changes the assessor’s tier (audited)',
  params: IdParams,
  body: Decision,
  response: z.object({ proposal: documentOf('tierChanges'), assessor: documentOf('assessors').nullable() }),
  errors: ['NOT_FOUND', 'CONFLICT'],
});
