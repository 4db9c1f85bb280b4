import type { Queryable } from '../db';
import type { RequestAuth } from '../http/routes';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

/** Appends to the audit trail (who listened to, exported, erased or decided what). Never updated or deleted. */
export async function audit(
  q: Queryable,
  actor: RequestAuth | { label: string; user?: null },
  entry: AuditEntry,
): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor_id, actor_label, action, subject_type, subject_id, detail, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      actor.user?.id ?? null,
      actor.label,
      entry.action,
      entry.subjectType,
      entry.subjectId ?? null,
      JSON.stringify(entry.detail ?? {}),
      entry.ip ?? null,
    ],
  );
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
}

export async function listAudit(
  q: Queryable,
  filter: { action?: string; subjectId?: string; actor?: string; before?: number; limit: number },
): Promise<AuditRow[]> {
  const { rows } = await q.query<{
    id: number;
    at: Date;
    actor_label: string;
    action: string;
    subject_type: string;
    subject_id: string | null;
    detail: Record<string, unknown>;
  }>(
    `SELECT * FROM audit_log
      WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR subject_id = $2)
        AND ($3::text IS NULL OR actor_label = $3) AND ($4::bigint IS NULL OR id < $4)
      ORDER BY id DESC LIMIT $5`,
    [filter.action ?? null, filter.subjectId ?? null, filter.actor ?? null, filter.before ?? null, filter.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor_label,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    detail: r.detail,
  }));
}
