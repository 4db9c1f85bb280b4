import { z } from 'zod';
import { defineRoute } from './define';
import { ErasureReport } from './privacy';

/**
 * Erasure and subject access for anyone on the line (issue 16): a customer by number, an assessor by id or by
 * their own number, or the customer of one lead. Exactly one of the four names the person.
 */
export const SubjectBody = z
  .object({
    phone: z.string().min(3).max(40).optional(),
    assessorId: z.string().min(1).max(100).optional(),
    assessorPhone: z.string().min(3).max(40).optional(),
    leadId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type SubjectBody = z.infer<typeof SubjectBody>;

/** The phone erasure's report, and how many assessor records were anonymised. */
export const SubjectErasureReport = ErasureReport.extend({ assessors: z.number() });
export type SubjectErasureReport = z.infer<typeof SubjectErasureReport>;

export const eraseSubject = defineRoute({
  method: 'post',
  path: '/api/erasure/subject',
  access: ['admin'],
  summary:
    "Erase a customer (phone), an assessor (assessorId or assessorPhone) or a lead's customer (leadId); dryRun previews the counts (both audited)",
  body: SubjectBody.extend({ dryRun: z.boolean().default(false) }).strict(),
  response: z.object({ report: SubjectErasureReport, kind: z.enum(['phone', 'assessor', 'lead']) }),
  errors: ['INVALID_PHONE', 'UNKNOWN_PHONE', 'UNKNOWN_ASSESSOR', 'UNKNOWN_LEAD'],
});

export const exportSubject = defineRoute({
  method: 'post',
  path: '/api/privacy/export',
  access: ['admin'],
  summary:
    'Subject access: one zip of everything held about a customer, an assessor or a lead (layout in docs/privacy.md); audited',
  body: SubjectBody,
  answers: 'media',
  errors: ['INVALID_PHONE', 'UNKNOWN_PHONE', 'UNKNOWN_ASSESSOR', 'UNKNOWN_LEAD', 'UNAVAILABLE'],
});
