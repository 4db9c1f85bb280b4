/**
 * Lead quality (docs/PRODUCT.md): recomputed as events arrive, always with its evidence.
 * - hot: the customer called two or more assessors;
 * - warm: some engagement from either side;
 * - cold: no contact attempted by anyone;
 * - suspect (possible fraud): no calls from the customer, and the customer's number never answered, failed,
 *   or was invalid. Shown with its evidence, never acted on alone.
 */
import type { LeadGrade } from './schemas';
import type { CallDoc, MessageDoc } from './schemas';

export interface LeadQuality {
  grade: LeadGrade;
  evidence: string[];
}

/** Outbound calls to a customer that went unanswered this many times (with none answered) make a lead suspect. */
export const SUSPECT_MIN_UNANSWERED = 3;

export function leadQuality(calls: CallDoc[], messages: MessageDoc[]): LeadQuality {
  const fromCustomer = calls.filter((c) => c.direction === 'customer_to_assessor');
  const toCustomer = calls.filter((c) => c.direction === 'assessor_to_customer');
  const textsFromCustomer = messages.filter((m) => m.direction === 'customer_to_assessor');
  const textsToCustomer = messages.filter((m) => m.direction === 'assessor_to_customer');
  const calledAssessors = new Set(fromCustomer.map((c) => c.assessorId).filter(Boolean));

  if (calledAssessors.size >= 2) {
    return { grade: 'hot', evidence: [`customer called ${calledAssessors.size} assessors`] };
  }
  if (fromCustomer.length === 0 && textsFromCustomer.length === 0) {
    const answered = toCustomer.filter((c) => c.answeredAt !== null || c.status === 'completed');
    const invalid = toCustomer.filter((c) => c.status === 'failed');
    const undeliverable = textsToCustomer.filter((m) => m.status === 'undelivered' || m.status === 'failed');
    if (answered.length === 0 && (invalid.length > 0 || toCustomer.length >= SUSPECT_MIN_UNANSWERED)) {
      const evidence = ['no calls or texts from the customer'];
      if (invalid.length)
        evidence.push(`${invalid.length} call(s) to the customer's number failed (number may be invalid)`);
      const unanswered = toCustomer.length - invalid.length;
      if (unanswered) evidence.push(`${unanswered} call(s) to the customer were never answered`);
      if (undeliverable.length) evidence.push(`${undeliverable.length} text(s) to the customer were undeliverable`);
      return { grade: 'suspect', evidence };
    }
  }
  const engagement = calls.length + messages.length;
  if (engagement === 0) return { grade: 'cold', evidence: ['no contact attempted by anyone'] };
  const evidence: string[] = [];
  if (fromCustomer.length) evidence.push(`customer called ${calledAssessors.size} assessor`);
  if (textsFromCustomer.length) evidence.push(`customer sent ${textsFromCustomer.length} text(s)`);
  if (toCustomer.length) evidence.push(`assessors called the customer ${toCustomer.length} time(s)`);
  if (textsToCustomer.length) evidence.push(`assessors texted the customer ${textsToCustomer.length} time(s)`);
  return { grade: 'warm', evidence };
}
