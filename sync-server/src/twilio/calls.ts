import { eventKey, foldCall, mergeCallDoc, type CallEvent } from '../../../shared/call-state';
import type { CallDoc, CollectionName, DocTypes } from '../../../shared/schemas';
import type { Queryable } from '../db';
import { ApiError } from '../http/errors';
import { createDocumentValidator } from '../replication/validate';
import { refreshLeadQualityAfterCall } from '../leads/quality';
import { keepMetricsAfterCall } from '../metrics/keep';
import { getDocuments, lockCollection, putDocument } from '../replication/store';

/**
 * The call log on the database. Each callback becomes an event row keyed by shared/call-state eventKey, so a
 * retried or duplicated callback is stored once; after any new event the call document is folded again from
 * all its events and merged with the stored one (recording state only moves forward; reviewer assignment
 * kept). Everything happens in the webhook's transaction: Twilio gets its answer only once it is durable.
 */
const validator = createDocumentValidator();

/**
 * Webhooks are held to the same schemas as what clients push (replication/validate): a document the app's RxDB
 * collection would refuse is never written. Throwing inside the webhook's transaction rolls back everything it
 * did; the webhook answers 400 INVALID_WEBHOOK (logged by twilio/routes.ts).
 */
export function assertStorable<C extends CollectionName>(collection: C, docs: Array<DocTypes[C]>): void {
  for (const doc of docs) {
    const problem = validator.validate(collection, doc);
    if (problem)
      throw new ApiError(
        'INVALID_WEBHOOK',
        `the ${collection} document ${JSON.stringify(String(doc.id).slice(0, 40))} would break its schema: ${problem.field} ${problem.message}`,
        problem.field,
      );
  }
}

export interface CallRow {
  call_sid: string;
  session_id: string | null;
  from_phone: string;
  to_number: string;
  created_at: number;
  sandbox: boolean;
}

export async function getCall(q: Queryable, callSid: string): Promise<CallRow | null> {
  const { rows } = await q.query<CallRow>('SELECT * FROM calls WHERE call_sid = $1', [callSid]);
  return rows[0] ?? null;
}

export async function setCallSession(tx: Queryable, callSid: string, sessionId: string): Promise<void> {
  await tx.query('UPDATE calls SET session_id = coalesce(session_id, $2) WHERE call_sid = $1', [callSid, sessionId]);
}

/**
 * Stores events for a known call and rewrites its document when anything new arrived. Returns the document,
 * or null with why: `unknown` (no /twilio/voice for it yet: the caller keeps the callback, pending.ts) or
 * `erased` (its document was deleted by erasure, which nothing may bring back).
 */
export async function recordCallEvents(
  tx: Queryable,
  callSid: string,
  events: CallEvent[],
  opts: { now: number; connectThresholdSec: number },
): Promise<{ doc: CallDoc | null; changed: boolean; missing?: 'unknown' | 'erased' }> {
  const call = await getCall(tx, callSid);
  if (!call) return { doc: null, changed: false, missing: 'unknown' };
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
  if (stored?.deleted) return { doc: null, changed: false, missing: 'erased' }; // never resurrect
  if (!inserted && stored) return { doc: stored.doc, changed: false };
  const all = await tx.query<{ event: CallEvent }>('SELECT event FROM call_events WHERE call_sid = $1', [callSid]);
  const folded = foldCall(
    callSid,
    all.rows.map((r) => r.event),
    { connectThresholdSec: opts.connectThresholdSec },
  );
  const next = mergeCallDoc(stored?.doc ?? null, folded, opts.now);
  assertStorable('calls', [next]);
  const doc = await putDocument(tx, 'calls', next, opts.now);
  await refreshLeadQualityAfterCall(tx, stored?.doc ?? null, doc, opts.now);
  await keepMetricsAfterCall(tx, stored?.doc ?? null, doc, opts.now);
  return { doc, changed: true };
}
