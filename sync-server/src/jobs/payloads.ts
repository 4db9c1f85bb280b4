import type { Queryable } from '../db';

/**
 * Job payloads that name a person, for erasure (erasure/erase.ts): finished jobs keep their payload for the
 * Jobs screen, so a number in one must be found and emptied with the rest of the person's data. Queued and
 * running jobs are left alone: their handler still needs the payload, and they look the person up afresh.
 */

/** Finished (done or failed) jobs whose payload contains any of the texts, by id. */
export async function finishedJobsMentioning(q: Queryable, texts: string[]): Promise<number[]> {
  if (texts.length === 0) return [];
  const { rows } = await q.query<{ id: number }>(
    `SELECT id FROM jobs WHERE status IN ('done', 'failed')
        AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS t(text) WHERE strpos(payload::text, t.text) > 0)`,
    [texts],
  );
  return rows.map((r) => r.id);
}

/** Empties the payloads of the given jobs (the rows stay: kind, times and status are not personal). */
export async function emptyJobPayloads(q: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await q.query(`UPDATE jobs SET payload = '{}'::jsonb WHERE id = ANY($1::bigint[])`, [ids]);
}
