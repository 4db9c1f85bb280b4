-- Per-day metric aggregates (shared/aggregates/SPEC.md), kept within seconds of each event by the upkeep loop
-- (sync-server/src/metrics/keep.ts) and rebuilt by `npm run cli -- metrics rebuild`.
-- Rows hold counts only: no names, numbers or message text, so an erased person's calls stay as anonymous counts.

-- One row per Europe/London day × district × service × assessor; assessor_id '' is the lead-level row of the
-- district × service. `figures` is a flat map of counters (counter name → number).
CREATE TABLE metric_days (
  day text NOT NULL,
  district text NOT NULL,
  service text NOT NULL,
  assessor_id text NOT NULL,
  figures jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at bigint NOT NULL,
  PRIMARY KEY (day, district, service, assessor_id)
);
CREATE INDEX metric_days_assessor ON metric_days (assessor_id, day);

-- What each lead last added to metric_days (its rows as AG1 computes them), so that the next event of the lead
-- adds only the difference (AG6). The row is also the lead's lock: every keeper locks it before reading.
CREATE TABLE metric_leads (
  lead_id text PRIMARY KEY,
  rows jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at bigint NOT NULL
);

-- Leads an event may have changed the figures of, marked in the event's transaction; the upkeep loop
-- recomputes and removes them.
CREATE TABLE metric_dirty (
  lead_id text PRIMARY KEY,
  marked_at bigint NOT NULL
);

-- a + b counter by counter, zeros left out: one statement adds a difference to a day row, however many
-- transactions add to it at once (ON CONFLICT DO UPDATE takes the row lock and re-reads it).
CREATE FUNCTION metric_add(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(k, total), '{}'::jsonb)
    FROM (
      SELECT k, sum(v) AS total
        FROM (
          SELECT key AS k, value::numeric AS v FROM jsonb_each_text(a)
          UNION ALL
          SELECT key, value::numeric FROM jsonb_each_text(b)
        ) AS both_sides
       GROUP BY k
      HAVING sum(v) <> 0
    ) AS summed
$$;
