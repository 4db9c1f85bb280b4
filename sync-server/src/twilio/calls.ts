import { eventKey, foldCall, mergeCallDoc, type CallEvent } from '../../../shared/call-state';
import type { CallDoc } from '../../../shared/schemas';
import type { Queryable } from '../db';
import { refreshLeadQualityAfterCall } from '../leads/quality';
import { getDocuments, lockCollection, putDocument } from '../replication/store';

/**
 * The call log on the database. Each callback becomes an event row keyed by shared/call-state eventKey, so a
 * retried or duplicated callback is stored once; after any new event the call document is folded again from
 * all its events and merged with the stored one (recording state only moves forward; reviewer assignment
 * kept). Everything happens in the webhook's transaction: Twilio gets its answer only once it is durable.
 */
export interface CallRow {
  call_sid: string;
  session_id: string | null;
  from_phone: string;
  to_number: string;
  created_at: number;
  sandbox: boolean;
}

export async function ensureCall(
  tx: Queryable,
  call: { callSid: string; from: string; to: string; now: number; sandbox: boolean },
): Promise<void> {
  await tx.query(
    `INSERT INTO calls (call_sid, from_phone, to_number, created_at, sandbox) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (call_sid) DO NOTHING`,
    [call.callSid, call.from, call.to, call.now, call.sandbox],
  );
}

export async function getCall(q: Queryable, callSid: string): Promise<CallRow | null> {
  const { rows } = await q.query<CallRow>('SELECT * FROM calls WHERE call_sid = $1', [callSid]);
  return rows[0] ?? null;
}

export async function setCallSession(tx: Queryable, callSid: string, sessionId: string): Promise<void> {
  await tx.query('UPDATE calls SET session_id = coalesce(session_id, $2) WHERE call_sid = $1', [callSid, sessionId]);
}

/**
 * Stores events for a known call and rewrites its document when anything new arrived. Returns the document
 * (null when the call is unknown: a callback for a call that never reached /twilio/voice is logged and
 * dropped by the caller).
 */
export async function recordCallEvents(
  tx: Queryable,
  callSid: string,
  events: CallEvent[],
  opts: { now: number; connectThresholdSec: number },
): Promise<{ doc: CallDoc | null; changed: boolean }> {
  const call = await getCall(tx, callSid);
  if (!call) return { doc: null, changed: false };
  let inserted = 0;
  for (const e of events) {
    const res = await tx.query(
      `INSERT INTO call_events (call_sid, key, event, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT (call_sid, key) DO NOTHING`,
      [callSid, eventKey(e), JSON.stringify(e), opts.now],
    );
    inserted += res.rowCount;
  }
  // Same lock order as every writer of the collection (replication/store lockCollection), then the document.
  await lockCollection(tx, 'calls');
  const [stored] = await getDocuments(tx, 'calls', [callSid], { forUpdate: true, includeDeleted: true });
  if (stored?.deleted) return { doc: null, changed: false }; // erased: never resurrect
  if (!inserted && stored) return { doc: stored.doc, changed: false };
  const all = await tx.query<{ event: CallEvent }>('SELECT event FROM call_events WHERE call_sid = $1', [callSid]);
  const folded = foldCall(
    callSid,
    all.rows.map((r) => r.event),
    { connectThresholdSec: opts.connectThresholdSec },
  );
  const next = mergeCallDoc(stored?.doc ?? null, folded, opts.now);
  const doc = await putDocument(tx, 'calls', next, opts.now);
  await refreshLeadQualityAfterCall(tx, stored?.doc ?? null, doc, opts.now);
  return { doc, changed: true };
}
