import {
  contributionDelta,
  leadContribution,
  type AggregateOptions,
  type AggregateRow,
  type LeadHistory,
} from '../../../shared/aggregates/aggregate';
import { isTerminal } from '../../../shared/call-state';
import type { CallDoc, LeadDoc, MessageDoc, Tier } from '../../../shared/schemas';
import type { Database, Queryable } from '../db';

/**
 * Per-day metric aggregates kept current (shared/aggregates/SPEC.md) by a job within seconds of each event.
 *
 * The event's own transaction only marks its lead (`markMetrics`: one small insert into metric_dirty); the
 * upkeep loop (`startMetricsUpkeep`, every second on every instance) takes marked leads in batches, recomputes
 * each lead's rows from its lead document, calls, texts, reviews, finished analyses and its assessors' tier
 * history, and adds the difference to what the lead last added (AG6), so a duplicate event changes nothing and
 * events in any order end at the same rows. Why not in the event's transaction: recomputing a lead there
 * costs a status callback four more statements (lock, read, two writes) — measured 1.8× the callback without
 * it on PGlite (tests/bench/aggregates.bench.ts), against the ≤ 1.2× allowed — while a batch of leads in one
 * transaction spreads that cost and the dashboards can wait a second. Not the job queue either: it runs two
 * jobs at a time, shared with recording downloads and AI analysis, and can lag by minutes.
 *
 * Concurrency: a batch is taken with DELETE … FOR UPDATE SKIP LOCKED in the transaction that recomputes it,
 * so two instances never take the same lead, and a failure puts the marks back (rollback). An event committed
 * while its lead is being recomputed marks it again (its insert waits for the batch to commit), so the next
 * run reads it. Within a batch each lead's metric_leads row is locked (upserted) before its history is read;
 * metric_days rows are changed by one INSERT … ON CONFLICT DO UPDATE that adds in SQL (metric_add), in key
 * order, so batches adding to the same day never lose an update.
 */

/**
 * How long the called party's notice takes (twilio/voice.ts handleWhisper: RECORDING_NOTICE then
 * OPT_OUT_PROMPT, 18 words at text-to-speech's ~2.6 words a second with 0.4 s lead-in each, then the 1 s
 * gather timeout). Used only for calls with no recording to measure (AG7); tests/integration/metrics.test.ts
 * checks it against the texts.
 */
export const ANNOUNCEMENT_SEC = 9;

export const AGGREGATE_OPTIONS: AggregateOptions = { announcementSec: ANNOUNCEMENT_SEC };

/** Off only in tests/bench/aggregates.bench.ts, to measure a status callback without upkeep. */
export const metricsUpkeep = { enabled: true };

/** Leads marked per run of the upkeep loop (one transaction). */
const DRAIN_BATCH = 200;
/** How often each instance looks for marked leads. */
export const UPKEEP_INTERVAL_MS = 1000;

/** Marks leads whose figures an event in this transaction may have changed (the upkeep loop recomputes them). */
export async function markMetrics(
  tx: Queryable,
  leadIds: Array<string | null | undefined>,
  now: number,
): Promise<void> {
  const ids = [...new Set(leadIds.filter((id): id is string => !!id))].sort();
  if (!ids.length || !metricsUpkeep.enabled) return;
  await tx.query(
    `INSERT INTO metric_dirty (lead_id, marked_at) SELECT id, $2 FROM unnest($1::text[]) AS id ON CONFLICT (lead_id) DO NOTHING`,
    [ids, now],
  );
}

/**
 * Recomputes marked leads in batches until none is left (or `maxBatches` ran). Returns how many leads were
 * recomputed. The upkeep loop calls it; so can a test or a script that needs the figures now.
 */
export async function drainMetrics(db: Database, now: () => number, maxBatches = Infinity): Promise<number> {
  let done = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const taken = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ lead_id: string }>(
        `DELETE FROM metric_dirty WHERE lead_id IN (
           SELECT lead_id FROM metric_dirty ORDER BY lead_id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING lead_id`,
        [DRAIN_BATCH],
      );
      if (rows.length)
        await keepMetrics(
          tx,
          rows.map((r) => r.lead_id),
          now(),
        );
      return rows.length;
    });
    done += taken;
    if (taken < DRAIN_BATCH) break;
  }
  return done;
}

/** The upkeep loop: every UPKEEP_INTERVAL_MS, one run at a time, until the server shuts down. */
export function startMetricsUpkeep(ctx: {
  db: Database;
  now: () => number;
  log: { error(obj: object, msg: string): void };
  shutdown: AbortController;
}): void {
  let running = false;
  const timer = setInterval(() => {
    if (running || ctx.shutdown.signal.aborted) return;
    running = true;
    drainMetrics(ctx.db, ctx.now)
      .catch((err: unknown) => {
        if (!ctx.shutdown.signal.aborted) ctx.log.error({ err }, 'keeping the metric aggregates failed');
      })
      .finally(() => {
        running = false;
      });
  }, UPKEEP_INTERVAL_MS);
  timer.unref();
  ctx.shutdown.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

type Row =
  | { kind: 'lead'; lead_id: string; doc: LeadDoc }
  | { kind: 'call'; lead_id: string; doc: CallDoc }
  | { kind: 'message'; lead_id: string; doc: MessageDoc }
  | { kind: 'review'; lead_id: string; doc: LeadHistory['reviews'][number] }
  | { kind: 'insight'; lead_id: string; doc: LeadHistory['insights'][number] }
  | { kind: 'tier'; lead_id: string; doc: { assessorId: string; tier: Tier; at: number } };

/**
 * The raw material of these leads, in one round trip: documents found through telephony's tables (indexed by
 * session) and the reviews and analyses of their calls (indexed by callId); the tier decisions applied to
 * their assessors. Only the fields the figures read are taken from reviews and analyses.
 */
async function loadHistories(q: Queryable, leadIds: string[]): Promise<Map<string, LeadHistory>> {
  const { rows } = await q.query<Row>(
    `WITH s AS (SELECT id, lead_id, assessor_id FROM pool_sessions WHERE lead_id = ANY($1::text[])),
          c AS (SELECT s.lead_id, d.id, d.doc FROM s
                  JOIN calls c ON c.session_id = s.id
                  JOIN sync_documents d ON d.collection = 'calls' AND d.id = c.call_sid AND NOT d.deleted)
     SELECT 'lead' AS kind, d.id AS lead_id, d.doc FROM sync_documents d
      WHERE d.collection = 'leads' AND d.id = ANY($1::text[]) AND NOT d.deleted
     UNION ALL
     SELECT 'call', c.lead_id, c.doc FROM c
     UNION ALL
     SELECT 'message', s.lead_id, d.doc FROM s
       JOIN messages m ON m.session_id = s.id
       JOIN sync_documents d ON d.collection = 'messages' AND d.id = m.id AND NOT d.deleted
     UNION ALL
     SELECT 'review', c.lead_id,
            jsonb_build_object('callId', r.doc -> 'callId', 'status', r.doc -> 'status',
                               'outcome', r.doc -> 'outcome', 'aiOutcome', r.doc -> 'aiOutcome')
       FROM c JOIN sync_documents r ON r.collection = 'reviews' AND r.doc ->> 'callId' = c.id AND NOT r.deleted
     UNION ALL
     SELECT 'insight', c.lead_id,
            jsonb_build_object('callId', i.doc -> 'callId', 'status', i.doc -> 'status', 'createdAt',
                               i.doc -> 'createdAt', 'updatedAt', i.doc -> 'updatedAt', 'analysis', i.doc -> 'analysis')
       FROM c JOIN sync_documents i ON i.collection = 'insights' AND i.doc ->> 'callId' = c.id AND NOT i.deleted
      WHERE i.doc ->> 'status' = 'done'
     UNION ALL
     SELECT DISTINCT 'tier', s.lead_id,
            jsonb_build_object('assessorId', t.assessor_id, 'tier', t.to_tier, 'at', t.applied_at)
       FROM s JOIN tier_proposals t ON t.assessor_id = s.assessor_id
      WHERE t.state = 'approved' AND t.applied_at IS NOT NULL`,
    [leadIds],
  );
  const byLead = new Map<
    string,
    { lead: LeadDoc | null; rest: Omit<LeadHistory, 'lead' | 'tierAtAssignment'>; tiers: Row[] }
  >();
  for (const r of rows) {
    let entry = byLead.get(r.lead_id);
    if (!entry)
      byLead.set(
        r.lead_id,
        (entry = { lead: null, rest: { calls: [], messages: [], reviews: [], insights: [] }, tiers: [] }),
      );
    if (r.kind === 'lead') entry.lead = r.doc;
    else if (r.kind === 'call') entry.rest.calls.push(r.doc);
    else if (r.kind === 'message') entry.rest.messages.push(r.doc);
    else if (r.kind === 'review') entry.rest.reviews.push(r.doc);
    else if (r.kind === 'insight') entry.rest.insights.push(r.doc);
    else entry.tiers.push(r);
  }
  const out = new Map<string, LeadHistory>();
  for (const [leadId, { lead, rest, tiers }] of byLead) {
    if (!lead) continue;
    const decisions = tiers.flatMap((t) => (t.kind === 'tier' ? [t.doc] : []));
    out.set(leadId, { lead, ...rest, tierAtAssignment: tierAtAssignment(lead, decisions) });
  }
  return out;
}

/** The tier each assessor held when assigned: the last decision applied at or before the assignment (AG12). */
function tierAtAssignment(
  lead: Pick<LeadDoc, 'assignments'>,
  decisions: Array<{ assessorId: string; tier: Tier; at: number | string }>,
): Record<string, Tier | null> {
  const out: Record<string, Tier | null> = {};
  for (const a of lead.assignments) {
    let best: { tier: Tier; at: number } | null = null;
    for (const d of decisions) {
      const at = Number(d.at);
      if (d.assessorId === a.assessorId && at <= a.assignedAt && (!best || at >= best.at)) best = { tier: d.tier, at };
    }
    out[a.assessorId] = best?.tier ?? null;
  }
  return out;
}

/** Adds rows (differences) to metric_days in one statement, in key order (see the lock order above). */
async function addToDays(q: Queryable, rows: AggregateRow[], now: number): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO metric_days (day, district, service, assessor_id, figures, updated_at)
     SELECT r.day, r.district, r.service, r."assessorId", r.figures, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(day text, district text, service text, "assessorId" text, figures jsonb)
      ORDER BY 1, 2, 3, 4
     ON CONFLICT (day, district, service, assessor_id)
     DO UPDATE SET figures = metric_add(metric_days.figures, EXCLUDED.figures), updated_at = EXCLUDED.updated_at`,
    [JSON.stringify(rows), now],
  );
}

/**
 * Recomputes these leads' rows from their raw rows as stored in this transaction and adds the difference to
 * metric_days (AG6). The upkeep loop's step; events call `markMetrics`. A lead whose document is gone (erased) keeps what it added: its counts stay, anonymous.
 * Returns how many leads' rows changed.
 */
export async function keepMetrics(
  tx: Queryable,
  leadIds: Array<string | null | undefined>,
  now: number,
): Promise<number> {
  const ids = [...new Set(leadIds.filter((id): id is string => !!id))].sort();
  if (!ids.length) return 0;
  // The leads' lock rows first (created when missing), in id order; what they held comes back.
  const locked = await tx.query<{ lead_id: string; rows: AggregateRow[] }>(
    `INSERT INTO metric_leads (lead_id, rows, updated_at)
     SELECT id, '[]'::jsonb, $2 FROM unnest($1::text[]) AS id ORDER BY id
     ON CONFLICT (lead_id) DO UPDATE SET lead_id = EXCLUDED.lead_id
     RETURNING lead_id, rows`,
    [ids, now],
  );
  const before = new Map(locked.rows.map((r) => [r.lead_id, r.rows]));
  const histories = await loadHistories(tx, ids);
  const changed: Array<{ leadId: string; rows: AggregateRow[] }> = [];
  const deltas: AggregateRow[] = [];
  for (const id of ids) {
    const history = histories.get(id);
    if (!history) continue;
    const next = leadContribution(history, AGGREGATE_OPTIONS);
    const delta = contributionDelta(before.get(id) ?? [], next);
    if (!delta.length) continue;
    deltas.push(...delta);
    changed.push({ leadId: id, rows: next });
  }
  if (!changed.length) return 0;
  await addToDays(tx, contributionDelta([], deltas), now);
  await tx.query(
    `UPDATE metric_leads m SET rows = x.rows, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS x("leadId" text, rows jsonb)
      WHERE m.lead_id = x."leadId"`,
    [JSON.stringify(changed), now],
  );
  return changed.length;
}

/**
 * What the figures read from a call (AG5: a call counts once it has ended): empty while it is in progress, so
 * ringing and answered callbacks cost nothing here. Keep in step with leadContribution.
 */
export function callMetricsKey(c: CallDoc | null): string {
  if (!c || !isTerminal(c.status)) return '';
  return JSON.stringify([
    c.leadId,
    c.assessorId,
    c.direction,
    c.startedAt,
    c.status,
    c.answeredAt,
    c.connected,
    c.ringSeconds,
    c.talkSeconds,
    c.recording.durationSec,
  ]);
}

/** What the figures read from a text. */
export function messageMetricsKey(m: MessageDoc | null): string {
  if (!m) return '';
  return JSON.stringify([m.leadId, m.assessorId, m.direction, m.sentAt, m.status]);
}

/** After a call document was written (twilio/calls.ts): its lead is marked when what the figures read changed. */
export async function keepMetricsAfterCall(
  tx: Queryable,
  previous: CallDoc | null,
  next: CallDoc,
  now: number,
): Promise<void> {
  if (callMetricsKey(previous) === callMetricsKey(next)) return;
  await markMetrics(tx, [next.leadId, previous?.leadId], now);
}

/** After a text's document was written (twilio/sms.ts). */
export async function keepMetricsAfterMessage(
  tx: Queryable,
  previous: MessageDoc | null,
  next: MessageDoc,
  now: number,
): Promise<void> {
  if (messageMetricsKey(previous) === messageMetricsKey(next)) return;
  await markMetrics(tx, [next.leadId, previous?.leadId], now);
}

/** The leads of these calls (a review or an analysis names its call). */
async function leadsOfCalls(q: Queryable, callIds: string[]): Promise<string[]> {
  if (!callIds.length) return [];
  const { rows } = await q.query<{ lead_id: string }>(
    `SELECT DISTINCT s.lead_id FROM calls c JOIN pool_sessions s ON s.id = c.session_id
      WHERE c.call_sid = ANY($1::text[])`,
    [[...new Set(callIds)]],
  );
  return rows.map((r) => r.lead_id);
}

/** After an analysis was stored (analysis/jobs.ts) or reviews were pushed: their calls' leads are marked. */
export async function keepMetricsForCalls(tx: Queryable, callIds: string[], now: number): Promise<void> {
  if (!metricsUpkeep.enabled) return;
  await markMetrics(tx, await leadsOfCalls(tx, callIds), now);
}

/** After reviews were pushed (replication/routes.ts): a submitted review confirming *booked* is a booking (AG5). */
export async function keepMetricsAfterReviews(tx: Queryable, reviews: readonly object[], now: number): Promise<void> {
  const callIds = reviews.flatMap((r) => ('callId' in r && typeof r.callId === 'string' ? [r.callId] : []));
  await keepMetricsForCalls(tx, callIds, now);
}

export interface RebuildReport {
  leads: number;
  /** Leads whose documents are gone (erased): their last rows are kept as they were. */
  kept: number;
  rows: number;
}

/**
 * `metrics rebuild`: every lead's rows recomputed from its raw rows, and metric_days made their sum. One
 * transaction that first locks both tables against writers: events arriving meanwhile wait, then apply their
 * difference to the rebuilt rows (they lock their lead's row and read after the rebuild committed).
 */
export async function rebuildMetrics(db: Database, now: () => number, batchSize = 200): Promise<RebuildReport> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE metric_leads, metric_days IN EXCLUSIVE MODE');
    const at = now();
    const { rows: leadRows } = await tx.query<{ id: string }>(
      `SELECT id FROM sync_documents WHERE collection = 'leads' AND NOT deleted ORDER BY id`,
    );
    const live = new Set(leadRows.map((r) => r.id));
    const { rows: previous } = await tx.query<{ lead_id: string; rows: AggregateRow[] }>(
      'SELECT lead_id, rows FROM metric_leads ORDER BY lead_id',
    );
    const keptRows = previous.filter((p) => !live.has(p.lead_id));
    const all: Array<{ leadId: string; rows: AggregateRow[] }> = keptRows.map((p) => ({
      leadId: p.lead_id,
      rows: p.rows,
    }));
    const ids = [...live];
    for (let i = 0; i < ids.length; i += batchSize) {
      const histories = await loadHistories(tx, ids.slice(i, i + batchSize));
      for (const [leadId, h] of histories) all.push({ leadId, rows: leadContribution(h, AGGREGATE_OPTIONS) });
    }
    await tx.query('DELETE FROM metric_days');
    await tx.query('DELETE FROM metric_leads');
    const days = contributionDelta(
      [],
      all.flatMap((a) => a.rows),
    );
    for (let i = 0; i < days.length; i += 1000) await addToDays(tx, days.slice(i, i + 1000), at);
    for (let i = 0; i < all.length; i += 1000) {
      await tx.query(
        `INSERT INTO metric_leads (lead_id, rows, updated_at)
         SELECT x."leadId", x.rows, $2 FROM jsonb_to_recordset($1::jsonb) AS x("leadId" text, rows jsonb)`,
        [JSON.stringify(all.slice(i, i + 1000)), at],
      );
    }
    return { leads: all.length - keptRows.length, kept: keptRows.length, rows: days.length };
  });
}
