import { isTerminal } from '../../../shared/call-state';
import { leadQuality, type LeadQuality } from '../../../shared/lead-quality';
import type { CallDoc, LeadDoc, MessageDoc } from '../../../shared/schemas';
import type { Database, Queryable } from '../db';
import { lockCollection, putDocuments } from '../replication/store';

/**
 * Lead quality kept current (docs/PRODUCT.md "Lead quality": recomputed as events arrive, with the evidence).
 *
 * Recomputed inside the transaction that writes the change, not by a background job:
 * - a text: the SMS webhook's transaction (and the relay status callbacks');
 * - a call: the transaction of the callback that gives the call its final outcome (completed, busy, no-answer,
 *   failed, canceled), or changes it afterwards. Not on POST /twilio/voice, where a caller waits for the
 *   TwiML: there it would add a counter lock, a read and a lead document write to every group-commit batch
 *   (measured: tests/bench/lead-quality.bench.ts), while the grade is about outcomes anyway (answered,
 *   failed, who called whom), which are known at the end. Between a call's start and its end the grade
 *   does not count that call yet; the Contact attempts screen shows the call live meanwhile;
 * - a new lead is stored cold (leads/docs.ts).
 * Why not a job: the grade is then never older than the call log the app shows next to it (one commit carries
 * both); the job queue runs two jobs at a time, shared with recording downloads and AI analysis that take
 * seconds, and waits until the demo has filled in sandbox mode, so a queued recompute could lag by minutes;
 * on PGlite a job is the same work plus the queue's own writes on the same single connection.
 *
 * Concurrency: the lead documents' counter row is locked BEFORE the lead, its calls and messages are read, so
 * two transactions writing calls of the same lead are serialised and the second one (READ COMMITTED: each
 * statement sees what committed before it) computes over both calls. Lock order is calls/messages counter,
 * then leads counter, the same order erasure uses; nothing locks leads before calls or messages.
 */

/** The quality of a lead nobody has contacted yet, stored when the lead is created. */
export const NEW_LEAD_QUALITY: LeadQuality = leadQuality([], []);

/**
 * What `leadQuality` (shared/lead-quality.ts) reads from a call once the call has its final outcome; empty
 * while it has none. When this key did not change, the lead's grade and evidence need no recompute: ringing,
 * answered-leg and recording callbacks cost nothing here, and each call is counted once, when it ends.
 * Keep in step with leadQuality (tests/integration/lead-quality-keys.test.ts checks).
 */
export function callQualityKey(
  c: Pick<CallDoc, 'leadId' | 'assessorId' | 'direction' | 'answeredAt' | 'status'> | null,
): string {
  if (!c || !isTerminal(c.status)) return '';
  return JSON.stringify([
    c.leadId,
    c.assessorId,
    c.direction,
    c.answeredAt !== null || c.status === 'completed',
    c.status === 'failed',
  ]);
}

/** What `leadQuality` reads from a text: who, which way, and whether it could not be delivered. */
export function messageQualityKey(
  m: Pick<MessageDoc, 'leadId' | 'assessorId' | 'direction' | 'status'> | null,
): string {
  if (!m) return '';
  return JSON.stringify([m.leadId, m.assessorId, m.direction, m.status === 'undelivered' || m.status === 'failed']);
}

function sameQuality(a: LeadDoc['quality'], b: LeadQuality): boolean {
  return (
    !!a &&
    a.grade === b.grade &&
    a.evidence.length === b.evidence.length &&
    a.evidence.every((e, i) => e === b.evidence[i])
  );
}

/**
 * Recomputes the quality of these leads from their calls and messages as stored in this transaction and
 * rewrites the lead documents whose grade or evidence changed. Returns the documents written.
 */
export async function refreshLeadQuality(
  tx: Queryable,
  leadIds: Array<string | null | undefined>,
  now: number,
): Promise<LeadDoc[]> {
  const ids = [...new Set(leadIds.filter((id): id is string => !!id))].sort();
  if (!ids.length) return [];
  // Taken before reading: every writer of lead documents takes it first (replication/store lockCollection),
  // so what is read below cannot change before this transaction commits, and no FOR UPDATE is needed.
  await lockCollection(tx, 'leads');
  // One round trip for the leads and their calls and texts, found through telephony's tables (indexed by
  // session) rather than the documents' JSON, which has no index on leadId.
  const { rows } = await tx.query<
    | { kind: 'lead'; lead_id: string; doc: LeadDoc }
    | { kind: 'call'; lead_id: string; doc: CallDoc }
    | { kind: 'message'; lead_id: string; doc: MessageDoc }
  >(
    `SELECT 'lead' AS kind, d.id AS lead_id, d.doc FROM sync_documents d
      WHERE d.collection = 'leads' AND d.id = ANY($1::text[]) AND NOT d.deleted
     UNION ALL
     SELECT 'call', s.lead_id, d.doc FROM pool_sessions s
       JOIN calls c ON c.session_id = s.id
       JOIN sync_documents d ON d.collection = 'calls' AND d.id = c.call_sid AND NOT d.deleted
      WHERE s.lead_id = ANY($1::text[])
     UNION ALL
     SELECT 'message', s.lead_id, d.doc FROM pool_sessions s
       JOIN messages m ON m.session_id = s.id
       JOIN sync_documents d ON d.collection = 'messages' AND d.id = m.id AND NOT d.deleted
      WHERE s.lead_id = ANY($1::text[])`,
    [ids],
  );
  const byLead = new Map<string, { lead: LeadDoc | null; calls: CallDoc[]; messages: MessageDoc[] }>();
  for (const r of rows) {
    let entry = byLead.get(r.lead_id);
    if (!entry) byLead.set(r.lead_id, (entry = { lead: null, calls: [], messages: [] }));
    if (r.kind === 'lead') entry.lead = r.doc;
    else if (r.kind === 'call') entry.calls.push(r.doc);
    else entry.messages.push(r.doc);
  }
  const changed: LeadDoc[] = [];
  for (const { lead, calls, messages } of byLead.values()) {
    if (!lead) continue;
    // Ordered by time so that the evidence reads the same whatever order the rows came back in.
    calls.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    messages.sort((a, b) => a.sentAt - b.sentAt || a.id.localeCompare(b.id));
    const quality = leadQuality(calls, messages);
    if (!sameQuality(lead.quality, quality)) changed.push({ ...lead, quality });
  }
  return putDocuments(tx, 'leads', changed, now);
}

/** After a call document was written: recompute its lead's quality when the call's final outcome is new or changed. */
export async function refreshLeadQualityAfterCall(
  tx: Queryable,
  previous: CallDoc | null,
  next: CallDoc,
  now: number,
): Promise<void> {
  if (!next.leadId || callQualityKey(previous) === callQualityKey(next)) return;
  await refreshLeadQuality(tx, [next.leadId, previous?.leadId], now);
}

/** After a message document was written: the same for texts. */
export async function refreshLeadQualityAfterMessage(
  tx: Queryable,
  previous: MessageDoc | null,
  next: MessageDoc,
  now: number,
): Promise<void> {
  if (!next.leadId || messageQualityKey(previous) === messageQualityKey(next)) return;
  await refreshLeadQuality(tx, [next.leadId, previous?.leadId], now);
}

/** Every lead at once (the CLI's repair for databases filled before quality was kept), in batches. */
export async function refreshAllLeadQuality(
  db: Database,
  now: () => number,
  batchSize = 200,
): Promise<{ leads: number; changed: number }> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sync_documents WHERE collection = 'leads' AND NOT deleted ORDER BY id`,
  );
  let changed = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize).map((r) => r.id);
    changed += (await db.transaction((tx) => refreshLeadQuality(tx, batch, now()))).length;
  }
  return { leads: rows.length, changed };
}
