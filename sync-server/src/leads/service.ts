import crypto from 'node:crypto';
import type { z } from 'zod';
import { AddAssignments, Booking, Close, NewLead } from '../../../shared/contracts/leads';
import type { PoolPolicy } from '../../../shared/pool';
import { parseUkPostcode } from '../../../shared/postcode';
import type { LeadDoc } from '../../../shared/schemas';
import { audit } from '../audit/log';
import { findAssessors, ukPhone, type Actor, type AssessorDeps } from '../assessors/service';
import type { AssessorRow } from '../assessors/docs';
import type { Queryable } from '../db';
import { ApiError, parseInput } from '../http/errors';
import {
  allocateInTx,
  buyPoolNumber,
  insertSession,
  lockPool,
  poolPolicy,
  SESSION_COLUMNS,
  type SessionRow,
} from '../pool/store';
import { assignmentView, writeLeadDocs, type AssignmentView, type LeadRow } from './docs';
import { markMetrics } from '../metrics/keep';

export type { Actor };
/**
 * The marketplace's lead intake. Every operation is one transaction: validated first, and on any refusal nothing
 * is written (no lead, no session, no document).
 */
export type LeadDeps = AssessorDeps;

export interface LeadResult {
  lead: LeadDoc;
  assignments: AssignmentView[];
}

let sessionSeq = 0;
/**
 * Session (assignment) ids sort in creation order — time, then a per-process counter — so a lead's
 * assignments list in the order the marketplace sent its assessors, even within one millisecond.
 */
function sessionId(now: number): string {
  sessionSeq = (sessionSeq + 1) % 0x1000000;
  return `${now.toString(16).padStart(12, '0')}-${sessionSeq.toString(16).padStart(6, '0')}-${crypto.randomBytes(6).toString('hex')}`;
}

/** Signals that allocation needs another pool number: the transaction rolls back, one is bought, it reruns. */
class NeedsNumber extends Error {}

async function withPurchases<T>(deps: LeadDeps, run: () => Promise<T>): Promise<T> {
  // Each rerun can need at most one more number per assignment; the cap is a guard against a logic error.
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof NeedsNumber)) throw err;
      await buyPoolNumber(deps);
    }
  }
  throw new ApiError('POOL_EXHAUSTED', 'could not find a pool number after buying several');
}

async function validateAssessors(
  q: Queryable,
  refs: string[],
  customerPhone: string,
  field: string,
): Promise<AssessorRow[]> {
  const seen = new Set<string>();
  const found = await findAssessors(q, refs);
  return refs.map((ref, i) => {
    const a = found.get(ref);
    if (!a) throw new ApiError('UNKNOWN_ASSESSOR', `${field}.${i}: no assessor ${ref}`, `${field}.${i}`);
    if (!a.active) throw new ApiError('CONFLICT', `${field}.${i}: assessor ${ref} is not active`, `${field}.${i}`);
    if (seen.has(a.id))
      throw new ApiError('DUPLICATE_ASSIGNMENT', `${field}.${i}: assessor ${ref} is listed twice`, `${field}.${i}`);
    if (a.phone === customerPhone)
      throw new ApiError(
        'VALIDATION_FAILED',
        `${field}.${i}: the assessor's phone is the customer's phone`,
        `${field}.${i}`,
      );
    seen.add(a.id);
    return a;
  });
}

async function assignInTx(
  tx: Queryable,
  deps: LeadDeps,
  lead: LeadRow,
  assessors: AssessorRow[],
  now: number,
  policy: PoolPolicy,
): Promise<SessionRow[]> {
  const made: SessionRow[] = [];
  for (const a of assessors) {
    const result = await allocateInTx(
      tx,
      {
        sessionId: sessionId(now),
        leadId: lead.id,
        assessorId: a.id,
        customerPhone: lead.customer_phone,
        assessorPhone: a.phone,
        now,
      },
      policy,
    );
    if (result.kind === 'needs-number') throw new NeedsNumber();
    if (result.kind === 'invalid')
      throw new ApiError('VALIDATION_FAILED', 'the customer and the assessor have the same phone', 'assessorIds');
    await insertSession(tx, result.session);
    const { rows } = await tx.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE id = $1`, [
      result.session.id,
    ]);
    made.push(rows[0]);
  }
  return made;
}

async function views(q: Queryable, lead: LeadRow, sessions: SessionRow[]): Promise<AssignmentView[]> {
  const assessors = await findAssessors(
    q,
    sessions.map((s) => s.assessor_id),
  );
  return sessions.map((s) => assignmentView(s, lead, assessors.get(s.assessor_id)!));
}

function requestHash(body: z.infer<typeof NewLead>, phone: string, postcode: string, assessorIds: string[]): string {
  const canonical = JSON.stringify([
    body.externalId,
    body.customer.name,
    phone,
    postcode,
    body.service,
    [...assessorIds].sort(),
  ]);
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

export async function createLead(
  deps: LeadDeps,
  actor: Actor,
  input: unknown,
  opts: { sandbox?: boolean } = {},
): Promise<{ created: boolean } & LeadResult> {
  const body = parseInput(NewLead, input);
  const customerPhone = ukPhone(body.customer.phone, 'customer.phone');
  const pc = parseUkPostcode(body.postcode);
  if (!pc.ok) throw new ApiError('INVALID_POSTCODE', `postcode: not a UK postcode (${pc.reason})`, 'postcode');
  const policy = poolPolicy(deps.config);
  return withPurchases(deps, () =>
    deps.db.transaction(async (tx) => {
      await lockPool(tx);
      const assessors = await validateAssessors(tx, body.assessorIds, customerPhone, 'assessorIds');
      const hash = requestHash(
        body,
        customerPhone,
        pc.postcode,
        assessors.map((a) => a.id),
      );
      const existing = await tx.query<LeadRow>('SELECT * FROM leads WHERE external_id = $1', [body.externalId]);
      if (existing.rows[0]) {
        const lead = existing.rows[0];
        if (lead.request_hash !== hash) {
          throw new ApiError(
            'CONFLICT',
            `lead ${body.externalId} was already sent with other details (id ${lead.id})`,
            'externalId',
          );
        }
        return { created: false, ...(await currentLead(tx, lead, deps.now())) };
      }
      const now = deps.now();
      const { rows } = await tx.query<LeadRow>(
        `INSERT INTO leads (id, external_id, request_hash, customer_name, customer_phone, postcode, district, service, status, created_at, sandbox)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) RETURNING *`,
        [
          crypto.randomUUID(),
          body.externalId,
          hash,
          body.customer.name,
          customerPhone,
          pc.postcode,
          pc.district,
          body.service,
          now,
          opts.sandbox ?? deps.config.sandbox,
        ],
      );
      const lead = rows[0];
      const sessions = await assignInTx(tx, deps, lead, assessors, now, policy);
      const [doc] = await writeLeadDocs(tx, [lead.id], now);
      await markMetrics(tx, [lead.id], now);
      await audit(tx, actor, {
        action: 'lead.create',
        subjectType: 'lead',
        subjectId: lead.id,
        detail: { externalId: body.externalId, assessors: assessors.length },
      });
      return { created: true, lead: doc, assignments: await views(tx, lead, sessions) };
    }),
  );
}

async function currentLead(q: Queryable, lead: LeadRow, _now: number): Promise<LeadResult> {
  const sessions = await q.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM pool_sessions WHERE lead_id = $1 ORDER BY created_at, id`,
    [lead.id],
  );
  const doc = await q.query<{ doc: LeadDoc }>(`SELECT doc FROM sync_documents WHERE collection = 'leads' AND id = $1`, [
    lead.id,
  ]);
  return { lead: doc.rows[0].doc, assignments: await views(q, lead, sessions.rows) };
}

async function findLead(q: Queryable, ref: string, forUpdate = false): Promise<LeadRow> {
  const { rows } = await q.query<LeadRow>(
    `SELECT * FROM leads WHERE id = $1 OR external_id = $1 ORDER BY (id = $1) DESC LIMIT 1 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [ref],
  );
  if (!rows[0]) throw new ApiError('NOT_FOUND', `no lead ${ref}`, 'id');
  return rows[0];
}

export async function getLead(deps: LeadDeps, ref: string): Promise<LeadResult> {
  const lead = await findLead(deps.db, ref);
  return currentLead(deps.db, lead, deps.now());
}

export async function addAssignments(deps: LeadDeps, actor: Actor, ref: string, input: unknown): Promise<LeadResult> {
  const body = parseInput(AddAssignments, input);
  const policy = poolPolicy(deps.config);
  return withPurchases(deps, () =>
    deps.db.transaction(async (tx) => {
      await lockPool(tx);
      const lead = await findLead(tx, ref, true);
      if (lead.status === 'closed') throw new ApiError('CONFLICT', `lead ${ref} is closed`, 'id');
      const assessors = await validateAssessors(tx, body.assessorIds, lead.customer_phone, 'assessorIds');
      const already = await tx.query<{ assessor_id: string }>(
        'SELECT assessor_id FROM pool_sessions WHERE lead_id = $1',
        [lead.id],
      );
      const assigned = new Set(already.rows.map((r) => r.assessor_id));
      assessors.forEach((a, i) => {
        if (assigned.has(a.id))
          throw new ApiError(
            'DUPLICATE_ASSIGNMENT',
            `assessorIds.${i}: lead already assigned to ${body.assessorIds[i]}`,
            `assessorIds.${i}`,
          );
      });
      const now = deps.now();
      const sessions = await assignInTx(tx, deps, lead, assessors, now, policy);
      const [doc] = await writeLeadDocs(tx, [lead.id], now);
      await markMetrics(tx, [lead.id], now);
      await audit(tx, actor, {
        action: 'lead.assign',
        subjectType: 'lead',
        subjectId: lead.id,
        detail: { assessors: assessors.map((a) => a.id) },
      });
      return { lead: doc, assignments: await views(tx, lead, sessions) };
    }),
  );
}

export async function recordBooking(deps: LeadDeps, actor: Actor, ref: string, input: unknown): Promise<LeadResult> {
  const body = parseInput(Booking, input);
  const bookedAt = typeof body.bookedAt === 'number' ? body.bookedAt : Date.parse(body.bookedAt);
  const valuePence = body.value === undefined ? null : Math.round(body.value * 100);
  return deps.db.transaction(async (tx) => {
    const lead = await findLead(tx, ref, true);
    const found = await findAssessors(tx, [body.assessorId]);
    const assessor = found.get(body.assessorId);
    if (!assessor) throw new ApiError('UNKNOWN_ASSESSOR', `no assessor ${body.assessorId}`, 'assessorId');
    const res = await tx.query(
      'UPDATE pool_sessions SET booked_at = $3, booking_value_pence = $4 WHERE lead_id = $1 AND assessor_id = $2',
      [lead.id, assessor.id, bookedAt, valuePence],
    );
    if (!res.rowCount)
      throw new ApiError('NOT_FOUND', `lead ${ref} is not assigned to ${body.assessorId}`, 'assessorId');
    if (lead.status === 'open') await tx.query(`UPDATE leads SET status = 'booked' WHERE id = $1`, [lead.id]);
    const now = deps.now();
    await writeLeadDocs(tx, [lead.id], now);
    await markMetrics(tx, [lead.id], now);
    await audit(tx, actor, {
      action: 'lead.booking',
      subjectType: 'lead',
      subjectId: lead.id,
      detail: { assessorId: assessor.id, bookedAt, valuePence },
    });
    return currentLead(tx, lead, now);
  });
}

/** Closing a lead ends its sessions now: the numbers start their cool-down and calls get the fallback. */
export async function closeLead(deps: LeadDeps, actor: Actor, ref: string, input: unknown): Promise<LeadResult> {
  const body = parseInput(Close, input ?? {});
  return deps.db.transaction(async (tx) => {
    await lockPool(tx);
    const lead = await findLead(tx, ref, true);
    const now = deps.now();
    if (lead.status !== 'closed') {
      await tx.query(`UPDATE leads SET status = 'closed', closed_at = $2 WHERE id = $1`, [lead.id, now]);
      await tx.query('UPDATE pool_sessions SET closed_at = $2 WHERE lead_id = $1 AND closed_at IS NULL', [
        lead.id,
        now,
      ]);
      await writeLeadDocs(tx, [lead.id], now);
      await audit(tx, actor, {
        action: 'lead.close',
        subjectType: 'lead',
        subjectId: lead.id,
        detail: { reason: body.reason ?? null },
      });
    }
    return currentLead(tx, { ...lead, status: 'closed' }, now);
  });
}
