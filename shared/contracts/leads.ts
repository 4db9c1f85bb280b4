import { z } from 'zod';
import { SERVICES } from '../schemas';
import { documentOf, IdParams } from './common';
import { defineRoute } from './define';

/** The marketplace API: API keys (`marketplace`) and admins. */
const MARKETPLACE = ['marketplace', 'admin'] as const;

const phoneField = z.string().min(1).max(40);
const externalId = z.string().trim().min(1).max(100);
const serviceField = z.enum(SERVICES);

export const NewAssessor = z.object({
  externalId,
  name: z.string().trim().min(1).max(200),
  phone: phoneField,
  districts: z.array(z.string().max(10)).max(200).default([]),
  services: z.array(serviceField).max(10).default([]),
});

export const AssessorPatch = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    active: z.boolean().optional(),
    phone: phoneField.optional(),
    districts: z.array(z.string().max(10)).max(200).optional(),
    services: z.array(serviceField).max(10).optional(),
  })
  .strict();

export const NewLead = z.object({
  externalId,
  customer: z.object({ name: z.string().trim().min(1).max(200), phone: phoneField }),
  postcode: z.string().max(12),
  service: serviceField,
  assessorIds: z.array(z.string().min(1).max(100)).min(1).max(50),
});

export const AddAssignments = z.object({ assessorIds: z.array(z.string().min(1).max(100)).min(1).max(50) });

export const Booking = z.object({
  assessorId: z.string().min(1).max(100),
  bookedAt: z.union([z.string().datetime({ offset: true }), z.number().int().min(0)]),
  /** The booking's value in pounds (e.g. 120 or 120.5). */
  value: z.number().min(0).max(1_000_000).optional(),
});

export const Close = z.object({ reason: z.string().max(200).optional() }).default({});

/** What each side of one assignment sees of the other (the pool number, with an extension when shared). */
export const AssignmentView = z.object({
  assessorId: z.string(),
  assessorExternalId: z.string(),
  poolNumber: z.string(),
  extension: z.string().optional(),
  /** The customer's listing of the assessor: `Dan Price - 07700 900456`. */
  customerSees: z.string(),
  /** The assessor's listing of the customer: `John Smith - 07700 900456 ext 123`. */
  assessorSees: z.string(),
});
export type AssignmentView = z.infer<typeof AssignmentView>;

export const LeadResult = z.object({ lead: documentOf('leads'), assignments: z.array(AssignmentView) });
export type LeadResult = z.infer<typeof LeadResult>;

const AssessorAnswer = z.object({ assessor: documentOf('assessors') });
const LEAD_ERRORS = ['INVALID_PHONE', 'INVALID_POSTCODE', 'UNKNOWN_ASSESSOR', 'NOT_FOUND', 'POOL_EXHAUSTED'] as const;

export const createAssessor = defineRoute({
  method: 'post',
  path: '/api/assessors',
  access: MARKETPLACE,
  summary: 'Register an assessor (idempotent on externalId)',
  body: NewAssessor,
  response: AssessorAnswer,
  status: [200, 201],
  errors: ['INVALID_PHONE', 'INVALID_POSTCODE', 'CONFLICT'],
});

export const updateAssessor = defineRoute({
  method: 'patch',
  path: '/api/assessors/:id',
  access: MARKETPLACE,
  summary: 'Change an assessor: active, phone, districts, services, name',
  params: IdParams,
  body: AssessorPatch,
  response: AssessorAnswer,
  errors: ['INVALID_PHONE', 'INVALID_POSTCODE', 'UNKNOWN_ASSESSOR', 'NOT_FOUND'],
});

export const createLead = defineRoute({
  method: 'post',
  path: '/api/leads',
  access: MARKETPLACE,
  summary: 'Take a lead and assign it (idempotent on externalId); answers what each side sees',
  body: NewLead,
  response: LeadResult,
  status: [200, 201],
  errors: LEAD_ERRORS,
});

export const getLead = defineRoute({
  method: 'get',
  path: '/api/leads/:id',
  access: MARKETPLACE,
  summary: 'A lead with its assignments (by id or externalId)',
  params: IdParams,
  response: LeadResult,
  errors: ['NOT_FOUND'],
});

export const addAssignments = defineRoute({
  method: 'post',
  path: '/api/leads/:id/assignments',
  access: MARKETPLACE,
  summary: 'Assign a lead to more assessors',
  params: IdParams,
  body: AddAssignments,
  response: LeadResult,
  status: [201],
  errors: [...LEAD_ERRORS, 'DUPLICATE_ASSIGNMENT', 'CONFLICT'],
});

export const recordBooking = defineRoute({
  method: 'post',
  path: '/api/leads/:id/booking',
  access: MARKETPLACE,
  summary: 'Record that an assessor booked the job',
  params: IdParams,
  body: Booking,
  response: LeadResult,
  errors: ['NOT_FOUND', 'UNKNOWN_ASSESSOR', 'CONFLICT'],
});

export const closeLead = defineRoute({
  method: 'post',
  path: '/api/leads/:id/close',
  access: MARKETPLACE,
  summary: 'Close a lead: its sessions end and its numbers start their cool-down',
  params: IdParams,
  body: Close,
  response: LeadResult,
  errors: ['NOT_FOUND'],
});

export const PhoneReveal = z.object({
  leadId: z.string(),
  customerPhone: z.string(),
  customerPhoneMasked: z.string(),
});
export type PhoneReveal = z.infer<typeof PhoneReveal>;

export const revealPhone = defineRoute({
  method: 'post',
  path: '/api/leads/:id/reveal-phone',
  access: ['admin'],
  bodyFormat: 'none',
  summary: "Reveal a lead's real customer phone number to an admin (audited)",
  params: IdParams,
  response: PhoneReveal,
  errors: ['NOT_FOUND'],
});
