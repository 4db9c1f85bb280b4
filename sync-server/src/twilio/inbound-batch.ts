import { eventKey, foldCall, mergeCallDoc, type CallEvent, type RoutedInfo } from '../../../shared/call-state';
import { isWithheld } from '../../../shared/phone';
import { resolveContact, type PoolSession } from '../../../shared/pool';
import type { CallDoc, Service } from '../../../shared/schemas';
import type { AppContext } from '../context';
import type { Queryable } from '../db';
import { poolPolicy, routingLookbackMs, toPoolSession, type SessionRow } from '../pool/store';
import { putDocuments } from '../replication/store';
import { assertStorable } from './calls';
import { recordingFollowUp, takePendingCallbacks } from './pending';

/**
 * Group commit for the hottest webhook, POST /twilio/voice (a new call into a pool number).
 *
 * Every request still gets its answer only after its call, events and document are committed; but requests
 * that arrive while a commit is running are written together in the next transaction with set-based
 * statements (one routing query, one insert per table, one document write), instead of a dozen round trips
 * each. Under load the cost per call falls with the batch size; alone, a call costs one small batch.
 * A batch that fails is retried one call at a time, so one bad request cannot fail its neighbours.
 */
export interface InboundCall {
  callSid: string;
  from: string;
  to: string;
  now: number;
}

/** What the TwiML builder needs for each call of a batch. */
export type InboundDecision =
  | { kind: 'connect'; session: PoolSession; side: 'customer' | 'assessor'; doNotRecord: boolean }
  | { kind: 'extension' }
  | { kind: 'fallback'; reason: 'withheld' | 'no-session' | 'conflict'; callerNotRecorded: boolean }
  /** The call was already known (a retried webhook): the single-call path answers it. */
  | { kind: 'known' };

interface Pending {
  call: InboundCall;
  resolve(d: InboundDecision): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 200;

interface RoutingRow extends SessionRow {
  district: string;
  service: Service;
  dnr: boolean;
}

export class InboundCallWriter {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly ctx: AppContext) {}

  submit(call: InboundCall): Promise<InboundDecision> {
    return new Promise((resolve, reject) => {
      this.queue.push({ call, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        // PGlite runs a transaction without giving the event loop an I/O turn, so requests that arrived
        // meanwhile are still unread: let them in before choosing the batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const decisions = await this.ctx.db.transaction((tx) =>
            writeBatch(
              this.ctx,
              tx,
              batch.map((p) => p.call),
            ),
          );
          batch.forEach((p, i) => p.resolve(decisions[i]));
        } catch (err) {
          if (batch.length === 1) {
            batch[0].reject(err);
            continue;
          }
          this.ctx.log.warn({ err, size: batch.length }, 'inbound call batch failed; retrying its calls one by one');
          for (const p of batch) {
            try {
              const [d] = await this.ctx.db.transaction((tx) => writeBatch(this.ctx, tx, [p.call]));
              p.resolve(d);
            } catch (e) {
              p.reject(e);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}

const writers = new WeakMap<AppContext, InboundCallWriter>();

export function inboundWriter(ctx: AppContext): InboundCallWriter {
  let w = writers.get(ctx);
  if (!w) {
    w = new InboundCallWriter(ctx);
    writers.set(ctx, w);
  }
  return w;
}

async function writeBatch(ctx: AppContext, tx: Queryable, calls: InboundCall[]): Promise<InboundDecision[]> {
  const policy = poolPolicy(ctx.config);
  const sandbox = ctx.config.sandbox;
  // 1. The calls: new ones are ours to write; a known CallSid is a retried webhook (answered one by one).
  const inserted = await tx.query<{ call_sid: string }>(
    `INSERT INTO calls (call_sid, from_phone, to_number, created_at, sandbox)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::boolean[])
     ON CONFLICT (call_sid) DO NOTHING RETURNING call_sid`,
    [
      calls.map((c) => c.callSid),
      calls.map((c) => c.from),
      calls.map((c) => c.to),
      calls.map((c) => c.now),
      calls.map(() => sandbox),
    ],
  );
  const fresh = new Set(inserted.rows.map((r) => r.call_sid));
  // Callbacks that came before this webhook (pending.ts) join the call's first events, so its first document
  // already counts them; the fold does not care in which order they came.
  const early = await takePendingCallbacks(tx, [...fresh]);
  const claimed = new Set<string>();
  const mine = calls.map((c) => {
    const ok = fresh.has(c.callSid) && !claimed.has(c.callSid);
    if (ok) claimed.add(c.callSid);
    return ok;
  });

  // 2. Every session each caller could belong to (open or cooling), with what the call log and recording need.
  const lookups = calls.filter((c, i) => mine[i] && !isWithheld(c.from));
  const oldest = Math.min(...calls.map((c) => c.now)) - routingLookbackMs(policy);
  const routing = lookups.length
    ? await tx.query<RoutingRow>(
        // Two index lookups (customer side, assessor side) rather than one OR join, which scans every session.
        `WITH q AS (SELECT * FROM unnest($1::text[], $2::text[]) AS q(from_phone, to_number)),
              hit AS (
                SELECT s.id FROM q JOIN pool_sessions s ON s.customer_phone = q.from_phone AND s.pool_number = q.to_number
                UNION
                SELECT s.id FROM q JOIN pool_sessions s ON s.assessor_phone = q.from_phone AND s.pool_number = q.to_number)
         SELECT s.id, s.lead_id, s.assessor_id, s.customer_phone, s.assessor_phone, s.pool_number, s.extension,
                s.created_at, s.last_activity_at, s.expires_at, s.closed_at, s.booked_at, s.booking_value_pence,
                l.district, l.service,
                EXISTS (SELECT 1 FROM do_not_record d WHERE d.phone IN (s.customer_phone, s.assessor_phone)) AS dnr
           FROM hit JOIN pool_sessions s ON s.id = hit.id
           JOIN leads l ON l.id = s.lead_id
          WHERE LEAST(coalesce(s.closed_at, s.expires_at), s.expires_at) > $3`,
        [lookups.map((c) => c.from), lookups.map((c) => c.to), oldest],
      )
    : { rows: [] as RoutingRow[] };
  const byKey = new Map<string, RoutingRow[]>();
  for (const r of routing.rows) {
    for (const phone of new Set([r.customer_phone, r.assessor_phone])) {
      const k = `${phone}|${r.pool_number}`;
      byKey.set(k, [...(byKey.get(k) ?? []), r]);
    }
  }

  // 3. Decide each call with the pure rules.
  const decisions: InboundDecision[] = [];
  const events: Array<{ callSid: string; events: CallEvent[] }> = [];
  const touches: Array<{ id: string; at: number }> = [];
  const routedCalls: Array<{ callSid: string; sessionId: string }> = [];
  const fallbackCallers: string[] = [];
  calls.forEach((c, i) => {
    if (!mine[i]) {
      decisions.push({ kind: 'known' });
      return;
    }
    const list: CallEvent[] = [
      { type: 'created', at: c.now, poolNumber: c.to, sandbox },
      ...(early.get(c.callSid)?.events ?? []),
    ];
    events.push({ callSid: c.callSid, events: list });
    const withheld = isWithheld(c.from);
    const rows = withheld ? [] : (byKey.get(`${c.from}|${c.to}`) ?? []);
    const route = resolveContact(rows.map(toPoolSession), { from: c.from, to: c.to }, c.now, {
      withheld,
      cooldownMs: policy.cooldownMs,
      recentMs: policy.recentMs,
    });
    if (route.kind === 'session') {
      const row = rows.find((r) => r.id === route.session.id)!;
      const routed: RoutedInfo = {
        sessionId: row.id,
        leadId: row.lead_id,
        assessorId: row.assessor_id,
        direction: route.side === 'customer' ? 'customer_to_assessor' : 'assessor_to_customer',
        district: row.district,
        service: row.service,
      };
      list.push({ type: 'routed', at: c.now, routed });
      if (row.dnr) list.push({ type: 'not-recorded', at: c.now, reason: 'do-not-record' });
      touches.push({ id: row.id, at: c.now });
      routedCalls.push({ callSid: c.callSid, sessionId: row.id });
      decisions.push({ kind: 'connect', session: route.session, side: route.side, doNotRecord: row.dnr });
    } else if (route.kind === 'needs-extension' || route.kind === 'unknown-extension') {
      decisions.push({ kind: 'extension' });
    } else {
      if (!withheld) fallbackCallers.push(c.from);
      decisions.push({ kind: 'fallback', reason: route.reason, callerNotRecorded: false });
    }
  });

  // 4. Callers sent to the fallback who asked never to be recorded get no voicemail.
  if (fallbackCallers.length) {
    const dnr = await tx.query<{ phone: string }>('SELECT phone FROM do_not_record WHERE phone = ANY($1::text[])', [
      fallbackCallers,
    ]);
    const set = new Set(dnr.rows.map((r) => r.phone));
    calls.forEach((c, i) => {
      const d = decisions[i];
      if (d.kind === 'fallback' && set.has(c.from)) decisions[i] = { ...d, callerNotRecorded: true };
    });
  }

  // 5. Set-based writes: routing on the call, sliding expiry of the sessions, events, documents.
  if (routedCalls.length) {
    await tx.query(
      `UPDATE calls SET session_id = q.session_id FROM unnest($1::text[], $2::text[]) AS q(call_sid, session_id) WHERE calls.call_sid = q.call_sid`,
      [routedCalls.map((r) => r.callSid), routedCalls.map((r) => r.sessionId)],
    );
    const latest = new Map<string, number>();
    for (const t of touches) latest.set(t.id, Math.max(latest.get(t.id) ?? 0, t.at));
    await tx.query(
      `UPDATE pool_sessions s SET last_activity_at = GREATEST(s.last_activity_at, q.at), expires_at = GREATEST(s.expires_at, q.at + $3::bigint)
         FROM unnest($1::text[], $2::bigint[]) AS q(id, at)
        WHERE s.id = q.id AND s.closed_at IS NULL AND s.expires_at > q.at`,
      [[...latest.keys()], [...latest.values()], policy.sessionTtlMs],
    );
  }
  if (events.length) {
    const flat = events.flatMap((e) => e.events.map((ev) => ({ callSid: e.callSid, ev })));
    await tx.query(
      `INSERT INTO call_events (call_sid, key, event, received_at)
       SELECT q.call_sid, q.key, q.event, q.received_at FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bigint[]) AS q(call_sid, key, event, received_at)
       ON CONFLICT (call_sid, key) DO NOTHING`,
      [
        flat.map((f) => f.callSid),
        flat.map((f) => eventKey(f.ev)),
        flat.map((f) => JSON.stringify(f.ev)),
        flat.map((f) => f.ev.at),
      ],
    );
    const now = Math.max(...calls.map((c) => c.now));
    // New calls have no stored document yet: the fold of their first events is the whole document.
    const docs: CallDoc[] = events.map((e) =>
      mergeCallDoc(null, foldCall(e.callSid, e.events, { connectThresholdSec: ctx.config.CONNECT_THRESHOLD_SEC }), now),
    );
    assertStorable('calls', docs);
    const stored = await putDocuments(tx, 'calls', docs, now);
    for (const doc of stored)
      for (const r of early.get(doc.id)?.recordings ?? [])
        await recordingFollowUp(ctx, tx, doc.id, doc, r.event, r.detail);
  }
  return decisions;
}
