import { mergeRows, readFigures, type AggregateRow, type DailyMetrics } from '../../../shared/aggregates/aggregate';
import type { Queryable } from '../db';

export interface DailyQuery {
  from: string;
  to: string;
  district?: string;
  service?: string;
  assessorId?: string;
}

/**
 * The stored rows of the days from `from` to `to` (inclusive), narrowed as asked, and their total read out.
 * With an assessor only that assessor's rows come back (no lead-level rows: they are not theirs).
 */
export async function readDaily(
  q: Queryable,
  f: DailyQuery,
): Promise<{ from: string; to: string; rows: AggregateRow[]; total: DailyMetrics }> {
  const { rows } = await q.query<AggregateRow>(
    `SELECT day, district, service, assessor_id AS "assessorId", figures FROM metric_days
      WHERE day >= $1 AND day <= $2
        AND ($3::text IS NULL OR district = $3) AND ($4::text IS NULL OR service = $4)
        AND ($5::text IS NULL OR assessor_id = $5)
        AND figures <> '{}'::jsonb
      ORDER BY day, district, service, assessor_id`,
    [f.from, f.to, f.district ?? null, f.service ?? null, f.assessorId ?? null],
  );
  const total = mergeRows(rows.map((r) => ({ ...r, day: '', district: '', service: '', assessorId: '' })));
  return { from: f.from, to: f.to, rows, total: readFigures(total[0]?.figures ?? {}) };
}
