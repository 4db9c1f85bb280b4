import { z } from 'zod';
import {
  analyseAssignmentSms,
  smsPatternReport,
  type AssignmentSmsAnalysis,
  type SmsPatternReport,
} from '../../../shared/analysis';
import type { CallDoc, MessageDoc } from '../../../shared/schemas';
import type { Queryable } from '../db';
import { PermanentJobError, type JobOutcome, type JobRecord } from '../jobs/queue';
import { getDocument } from '../replication/store';
import type { AnalysisCtx } from './jobs';

/**
 * Text-message analysis per assignment, recomputed from the replicated lead, message and call documents
 * whenever a message is sent or received (job `analysis.sms` {leadId, assessorId}), and the aggregate report
 * of which sequences and patterns come before a booking. Local computation only: message bodies are never
 * sent to an AI provider.
 */
export const JOB_SMS = 'analysis.sms';

const SmsPayload = z.object({ leadId: z.string().min(1).max(100), assessorId: z.string().min(1).max(100) });

async function docsOf<T>(
  q: Queryable,
  collection: 'messages' | 'calls',
  leadId: string,
  assessorId: string,
): Promise<T[]> {
  const { rows } = await q.query<{ doc: T }>(
    `SELECT doc FROM sync_documents WHERE collection = $1 AND NOT deleted AND doc ->> 'leadId' = $2 AND doc ->> 'assessorId' = $3`,
    [collection, leadId, assessorId],
  );
  return rows.map((r) => r.doc);
}

/** Computes and stores the SMS analysis of one assignment; null when the lead or assignment does not exist. */
export async function refreshAssignmentSms(
  ctx: Pick<AnalysisCtx, 'db' | 'now'>,
  leadId: string,
  assessorId: string,
): Promise<AssignmentSmsAnalysis | null> {
  const lead = await getDocument(ctx.db, 'leads', leadId);
  const assignment = lead?.assignments.find((a) => a.assessorId === assessorId);
  if (!lead || !assignment) return null;
  const [messages, calls] = await Promise.all([
    docsOf<MessageDoc>(ctx.db, 'messages', leadId, assessorId),
    docsOf<CallDoc>(ctx.db, 'calls', leadId, assessorId),
  ]);
  const result = analyseAssignmentSms(
    {
      leadId,
      assessorId,
      service: lead.service,
      district: lead.district,
      assignedAt: assignment.assignedAt,
      bookedAt: assignment.bookedAt,
    },
    messages,
    calls,
  );
  await ctx.db.query(
    `INSERT INTO sms_analyses (lead_id, assessor_id, service, district, booked, version, result, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (lead_id, assessor_id) DO UPDATE
       SET service = EXCLUDED.service, district = EXCLUDED.district, booked = EXCLUDED.booked,
           version = EXCLUDED.version, result = EXCLUDED.result, updated_at = EXCLUDED.updated_at`,
    [leadId, assessorId, lead.service, lead.district, result.booked, result.version, JSON.stringify(result), ctx.now()],
  );
  return result;
}

export async function runSmsJob(ctx: AnalysisCtx, job: JobRecord): Promise<JobOutcome> {
  const parsed = SmsPayload.safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError(`bad job payload: ${parsed.error.issues[0]?.message}`);
  const result = await refreshAssignmentSms(ctx, parsed.data.leadId, parsed.data.assessorId);
  return { cost: { assignments: result ? 1 : 0 } };
}

/** Recomputes every assignment of every lead (a new SMS analyser version, or a first report). */
export async function refreshAllSms(
  ctx: Pick<AnalysisCtx, 'db' | 'now'>,
  opts: { service?: string; district?: string; limit?: number } = {},
): Promise<number> {
  const { rows } = await ctx.db.query<{ id: string; assessor_id: string }>(
    `SELECT d.id, a ->> 'assessorId' AS assessor_id
       FROM sync_documents d, jsonb_array_elements(d.doc -> 'assignments') a
      WHERE d.collection = 'leads' AND NOT d.deleted
        AND ($1::text IS NULL OR d.doc ->> 'service' = $1) AND ($2::text IS NULL OR d.doc ->> 'district' = $2)
      ORDER BY d.id LIMIT $3`,
    [opts.service ?? null, opts.district ?? null, opts.limit ?? 100_000],
  );
  for (const r of rows) await refreshAssignmentSms(ctx, r.id, r.assessor_id);
  return rows.length;
}

export async function smsReport(
  q: Queryable,
  opts: { service?: string; district?: string; minSupport?: number; prefixSteps?: number } = {},
): Promise<SmsPatternReport & { assignments: number }> {
  const { rows } = await q.query<{ result: AssignmentSmsAnalysis }>(
    `SELECT result FROM sms_analyses WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR district = $2)`,
    [opts.service ?? null, opts.district ?? null],
  );
  const report = smsPatternReport(
    rows.map((r) => r.result),
    { minSupport: opts.minSupport, prefixSteps: opts.prefixSteps },
  );
  // A district filter makes the all-districts rows ("*") the same as the district's own: keep them out.
  return {
    ...report,
    rows: opts.district ? report.rows.filter((r) => r.district !== '*') : report.rows,
    groups: opts.district ? report.groups.filter((g) => g.district !== '*') : report.groups,
    assignments: rows.length,
  };
}

export async function getAssignmentSms(
  q: Queryable,
  leadId: string,
  assessorId: string,
): Promise<AssignmentSmsAnalysis | null> {
  const { rows } = await q.query<{ result: AssignmentSmsAnalysis }>(
    `SELECT result FROM sms_analyses WHERE lead_id = $1 AND assessor_id = $2`,
    [leadId, assessorId],
  );
  return rows[0]?.result ?? null;
}
