import { contactLabel, maskPhone } from '../../../shared/phone';
import type { Assignment, LeadDoc, Service } from '../../../shared/schemas';
import type { AssessorRow } from '../assessors/docs';
import type { Queryable } from '../db';
import { getDocuments, lockCollection, putDocuments } from '../replication/store';
import { SESSION_COLUMNS, type SessionRow } from '../pool/store';
import { NEW_LEAD_QUALITY } from './quality';

/** Rows of this area and the one mapper from rows to the replicated documents. */
export interface LeadRow {
  id: string;
  external_id: string;
  request_hash: string;
  customer_name: string;
  customer_phone: string;
  postcode: string;
  district: string;
  service: Service;
  status: 'open' | 'booked' | 'closed';
  created_at: number;
  closed_at: number | null;
  sandbox: boolean;
}

/** `active`: the session still routes calls and texts (not closed, not past its sliding expiry). */
export function assignmentOf(s: SessionRow, now: number): Assignment {
  return {
    assessorId: s.assessor_id,
    assignedAt: s.created_at,
    poolNumber: s.pool_number,
    extension: s.extension,
    bookedAt: s.booked_at,
    bookingValuePence: s.booking_value_pence,
    active: s.closed_at === null && s.expires_at > now,
  };
}

export function leadDoc(r: LeadRow, sessions: SessionRow[], previous: LeadDoc | null, now: number): LeadDoc {
  return {
    id: r.id,
    updatedAt: r.created_at,
    externalId: r.external_id,
    customerName: r.customer_name,
    customerPhone: r.customer_phone,
    customerPhoneMasked: maskPhone(r.customer_phone),
    postcode: r.postcode,
    district: r.district,
    service: r.service,
    createdAt: r.created_at,
    status: r.status,
    assignments: [...sessions]
      .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))
      .map((s) => assignmentOf(s, now)),
    // Kept current by leads/quality.ts as calls and texts arrive; a new lead is cold.
    quality: previous?.quality ?? NEW_LEAD_QUALITY,
    sandbox: r.sandbox,
  };
}

/** Writes the current lead documents for these leads (in the caller's transaction). */
export async function writeLeadDocs(tx: Queryable, leadIds: string[], now: number): Promise<LeadDoc[]> {
  if (!leadIds.length) return [];
  await lockCollection(tx, 'leads');
  const leads = await tx.query<LeadRow>('SELECT * FROM leads WHERE id = ANY($1::text[]) ORDER BY id', [leadIds]);
  const sessions = await tx.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE lead_id = ANY($1::text[])`,
    [leadIds],
  );
  const previous = new Map((await getDocuments(tx, 'leads', leadIds, { forUpdate: true })).map((d) => [d.id, d.doc]));
  const docs = leads.rows.map((l) =>
    leadDoc(
      l,
      sessions.rows.filter((s) => s.lead_id === l.id),
      previous.get(l.id) ?? null,
      now,
    ),
  );
  return putDocuments(tx, 'leads', docs, now);
}

/** What the marketplace shows each side for one assignment. */
export interface AssignmentView {
  assessorId: string;
  assessorExternalId: string;
  poolNumber: string;
  extension?: string;
  /** The customer's listing of the assessor: `Dan Price - 07700 900456`. */
  customerSees: string;
  /** The assessor's listing of the customer: `John Smith - 07700 900456 ext 123`. */
  assessorSees: string;
}

export function assignmentView(
  s: SessionRow,
  lead: Pick<LeadRow, 'customer_name'>,
  assessor: Pick<AssessorRow, 'name' | 'external_id'>,
): AssignmentView {
  return {
    assessorId: s.assessor_id,
    assessorExternalId: assessor.external_id,
    poolNumber: s.pool_number,
    ...(s.extension ? { extension: s.extension } : {}),
    customerSees: contactLabel(assessor.name, s.pool_number, null),
    assessorSees: contactLabel(lead.customer_name, s.pool_number, s.extension),
  };
}
