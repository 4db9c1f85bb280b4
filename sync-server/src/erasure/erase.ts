import crypto from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ClipDoc, CollectionName, DocTypes } from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { Queryable } from '../db';
import { ApiError } from '../http/errors';
import { emptyJobPayloads, finishedJobsMentioning } from '../jobs/payloads';
import { lockCalls, updateCallRecording } from '../recordings/call-docs';
import type { MediaDeps } from '../recordings/deps';
import { enqueueTwilioDelete } from '../recordings/download-job';
import { purgeRecordingMedia } from '../recordings/purge';
import { markRecordingsDeleted, recordingsOfCalls } from '../recordings/repository';
import { serverSecret } from '../recordings/signing';
import { deleteDocuments, getDocuments, lockCollection, putDocuments } from '../replication/store';
import { removeClipsFromCourses } from '../retention/sweep';
import { emptyInsight, REMOVED, scrubLead, scrubMessageBody, scrubReview } from '../retention/scrub';
import { writeLeadDocs } from '../leads/docs';
import { lockPool } from '../pool/store';

/**
 * Erasure of one person's data on request (UK GDPR art. 17), found by their phone number:
 *   - their recordings (original, MP3, peaks) are deleted, here and at Twilio; the calls stay as anonymous
 *     metadata (times, durations, outcome) with recording state `deleted`;
 *   - transcripts and analyses of those calls are deleted (tombstones), as are clips cut from them (and those
 *     clips leave any course);
 *   - SMS bodies to and from them are emptied; reviewers' free-text notes and region comments on their calls are
 *     emptied (scores stay);
 *   - their leads lose the personal fields (name, number, full postcode), in telephony's tables and documents;
 *     their pool sessions close (relaying needs the number);
 *   - finished jobs whose payload mentions the number are emptied.
 * Everything is written through the replication store in one transaction, so every app, including one offline
 * now, drops the data on its next sync. The only trace kept is an audit entry with a keyed hash of the number
 * (so a repeated request can be recognised, but the number cannot be recovered from the log) and the counts.
 *
 * A dry run (the admin screen's preview) counts the same things, changes nothing and is audited as
 * `erasure.preview`. A number no lead, call, text or job has is refused with UNKNOWN_PHONE, preview or not,
 * after auditing the request (with `found: false`): nothing is changed, and "no one with that number" is an
 * answer the admin should see rather than a row of zeros.
 */
export interface ErasureReport {
  dryRun: boolean;
  /** HMAC-SHA256 of the E.164 number with a server secret: recognisable, not reversible from the log. */
  subjectHash: string;
  leads: number;
  sessions: number;
  calls: number;
  recordings: number;
  mediaObjectsRemoved: number;
  insights: number;
  messages: number;
  reviews: number;
  clips: number;
  courses: number;
  jobs: number;
}

export const ERASURE_SECRET_NAME = 'erasure-hash-v1';

export function normalisePhone(input: string): string {
  const parsed = parsePhoneNumberFromString(input.trim(), 'GB');
  if (!parsed || !/^\+\d{8,15}$/.test(parsed.number))
    throw new ApiError('INVALID_PHONE', `not a phone number: ${input}`, 'phone');
  return parsed.number;
}

export async function subjectHash(q: Queryable, e164: string): Promise<string> {
  const secret = await serverSecret(q, ERASURE_SECRET_NAME);
  return crypto.createHmac('sha256', secret).update(e164).digest('hex');
}

async function idsWhere(q: Queryable, collection: string, sql: string, params: unknown[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM sync_documents WHERE collection = $1 AND NOT deleted AND (${sql}) ORDER BY id`,
    [collection, ...params],
  );
  return rows.map((r) => r.id);
}

export async function eraseByPhone(
  deps: MediaDeps,
  actor: Parameters<typeof audit>[1],
  phoneInput: string,
  opts: { dryRun?: boolean } = {},
): Promise<ErasureReport> {
  const phone = normalisePhone(phoneInput);
  const hash = await subjectHash(deps.db, phone);
  const now = deps.now();

  const { report, purge, found } = await retryOnDeadlock(() =>
    deps.db.transaction(async (tx) => {
      // The pool lock first, as allocation takes it: erasure closes the person's sessions.
      await lockPool(tx);
      // Telephony's working tables (003) and the replicated documents are both searched: a lead or call may be
      // known to one only (older data, a call from the number outside any session).
      const tableLeads = (
        await tx.query<{ id: string }>(`SELECT id FROM leads WHERE customer_phone = $1`, [phone])
      ).rows.map((r) => r.id);
      const docLeads = await idsWhere(tx, 'leads', `doc ->> 'customerPhone' = $2`, [phone]);
      const leadIds = [...new Set([...tableLeads, ...docLeads])].sort();
      const sessionIds = (
        await tx.query<{ id: string }>(
          `SELECT id FROM pool_sessions WHERE customer_phone = $1 OR lead_id = ANY($2::text[])`,
          [phone, leadIds],
        )
      ).rows.map((r) => r.id);
      const tableCalls = (
        await tx.query<{ call_sid: string }>(
          `SELECT call_sid FROM calls WHERE from_phone = $1 OR session_id = ANY($2::text[])`,
          [phone, sessionIds],
        )
      ).rows.map((r) => r.call_sid);
      const docCalls = await idsWhere(tx, 'calls', `doc ->> 'leadId' = ANY($2::text[])`, [leadIds]);
      const callIds = [...new Set([...tableCalls, ...docCalls])].sort();
      const tableMessages = (
        await tx.query<{ id: string }>(
          `SELECT id FROM messages WHERE from_phone = $1 OR session_id = ANY($2::text[])`,
          [phone, sessionIds],
        )
      ).rows.map((r) => r.id);
      const messageIds = await idsWhere(
        tx,
        'messages',
        `(doc ->> 'leadId' = ANY($2::text[]) OR id = ANY($3::text[])) AND jsonb_typeof(doc -> 'body') = 'string'`,
        [leadIds, tableMessages],
      );
      const insightIds = await idsWhere(tx, 'insights', `doc ->> 'callId' = ANY($2::text[])`, [callIds]);
      const reviewIds = await idsWhere(tx, 'reviews', `doc ->> 'callId' = ANY($2::text[])`, [callIds]);
      const clipIds = await idsWhere(tx, 'clips', `doc ->> 'callId' = ANY($2::text[])`, [callIds]);
      const recordings = (await recordingsOfCalls(tx, callIds)).filter((r) => r.state === 'stored');
      const jobIds = await finishedJobsMentioning(tx, [phone]);

      const report: ErasureReport = {
        dryRun: !!opts.dryRun,
        subjectHash: hash,
        leads: leadIds.length,
        sessions: sessionIds.length,
        calls: callIds.length,
        recordings: recordings.length,
        mediaObjectsRemoved: 0,
        insights: insightIds.length,
        messages: messageIds.length,
        reviews: reviewIds.length,
        clips: clipIds.length,
        courses: 0,
        jobs: jobIds.length,
      };
      if (isEmpty(report)) return { report, purge: [], found: false };
      if (opts.dryRun) {
        report.courses = await coursesWithClips(tx, clipIds);
        return { report, purge: [], found: true };
      }

      // Calls first (the lock order the download job and the retention sweep use), then recording rows.
      const calls = await lockCalls(tx, callIds);
      for (const call of calls) {
        // `pending` too: a download still waiting at Twilio sees `deleted` and never stores the media.
        if (['stored', 'pending', 'failed'].includes(call.recording.state)) {
          await updateCallRecording(tx, call, { state: 'deleted', storedAt: null }, now);
        }
      }
      await markRecordingsDeleted(
        tx,
        recordings.map((r) => r.recordingSid),
        'erasure',
        now,
      );
      // Twilio's copies too: downloaded ones still there (TWILIO_DELETE_AFTER_DOWNLOAD off, or a deletion that
      // failed) and ones never downloaded (a failed download), known from telephony's recording callbacks.
      const atTwilio = await tx.query<{ sid: string }>(
        `SELECT recording_sid AS sid FROM recordings WHERE call_id = ANY($1::text[]) AND twilio_deleted_at IS NULL
       UNION
       SELECT DISTINCT e.event ->> 'recordingSid' FROM call_events e
        WHERE e.call_sid = ANY($1::text[]) AND e.event ->> 'type' = 'recording'
          AND NOT EXISTS (SELECT 1 FROM recordings r WHERE r.recording_sid = e.event ->> 'recordingSid' AND r.twilio_deleted_at IS NOT NULL)`,
        [callIds],
      );
      for (const r of atTwilio.rows) if (r.sid) await enqueueTwilioDelete(deps, tx, r.sid);

      await deleteDocuments(tx, 'insights', insightIds, now, { scrub: emptyInsight });
      report.courses = await removeClipsFromCourses(tx, clipIds, now);
      await deleteDocuments(tx, 'clips', clipIds, now, { scrub: (c: ClipDoc) => ({ ...c, title: '', notes: '' }) });
      await rewrite(tx, 'reviews', reviewIds, scrubReview, now);
      await rewrite(tx, 'messages', messageIds, scrubMessageBody, now);
      await tx.query(`UPDATE messages SET body = NULL WHERE from_phone = $1 OR session_id = ANY($2::text[])`, [
        phone,
        sessionIds,
      ]);
      await tx.query(`UPDATE messages SET from_phone = $2 WHERE from_phone = $1`, [phone, REMOVED]);
      await tx.query(`UPDATE calls SET from_phone = $2 WHERE from_phone = $1`, [phone, REMOVED]);
      // Their sessions end: relaying needs the real number, which is gone. The do-not-record and SMS STOP lists
      // keep the number, because honouring an opt-out is itself a legal duty.
      await tx.query(
        `UPDATE pool_sessions SET customer_phone = $2, closed_at = coalesce(closed_at, $3) WHERE id = ANY($1::text[])`,
        [sessionIds, REMOVED, now],
      );
      await tx.query(
        `UPDATE leads SET customer_name = $2, customer_phone = $2, postcode = district WHERE id = ANY($1::text[])`,
        [tableLeads, REMOVED],
      );
      // Lead documents with a table row are rebuilt by telephony's own mapper from the scrubbed row (so a later
      // telephony write cannot bring the old values back); documents without one are scrubbed directly.
      const rebuilt = new Set((await writeLeadDocs(tx, tableLeads, now)).map((d) => d.id));
      await rewrite(
        tx,
        'leads',
        docLeads.filter((id) => !rebuilt.has(id)),
        scrubLead,
        now,
      );
      await emptyJobPayloads(tx, jobIds);

      await audit(tx, actor, {
        action: 'erasure.phone',
        subjectType: 'person',
        subjectId: hash,
        detail: auditCounts(report),
      });
      return { report, purge: recordings, found: true };
    }),
  );

  if (!found || report.dryRun) {
    await audit(deps.db, actor, {
      action: report.dryRun ? 'erasure.preview' : 'erasure.phone',
      subjectType: 'person',
      subjectId: hash,
      detail: { ...auditCounts(report), found },
    });
  }
  if (!found) throw new ApiError('UNKNOWN_PHONE', 'no one with that number: nothing was changed', 'phone');

  if (purge.length) {
    const result = await purgeRecordingMedia(deps, purge);
    report.mediaObjectsRemoved = result.objects;
  }
  deps.log.info(report, opts.dryRun ? 'erasure dry run' : "erased a person's data");
  return report;
}

function isEmpty(r: ErasureReport): boolean {
  return r.leads + r.sessions + r.calls + r.recordings + r.insights + r.messages + r.reviews + r.clips + r.jobs === 0;
}

/** The counts as audited: no hash (it is the entry's subject) and no media object count (known after commit). */
function auditCounts(report: ErasureReport): Record<string, number> {
  const { dryRun: _d, subjectHash: _h, mediaObjectsRemoved: _m, ...counts } = report;
  return counts;
}

/** Courses that would lose a clip (the real run counts the ones it changes). */
async function coursesWithClips(q: Queryable, clipIds: string[]): Promise<number> {
  if (clipIds.length === 0) return 0;
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(DISTINCT co.id)::int AS n FROM sync_documents co, jsonb_array_elements(co.doc -> 'items') item
      WHERE co.collection = 'courses' AND NOT co.deleted AND item ->> 'clipId' = ANY($1::text[])`,
    [clipIds],
  );
  return rows[0].n;
}

/**
 * Erasure touches many collections and telephony's tables in one transaction; a concurrent writer taking the
 * same rows in another order can make PostgreSQL abort one side (deadlock_detected). Trying again is safe:
 * the whole transaction was rolled back.
 */
async function retryOnDeadlock<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || i >= attempts) throw err;
    }
  }
}

async function rewrite<C extends CollectionName>(
  tx: Queryable,
  collection: C,
  ids: string[],
  scrub: (doc: DocTypes[C]) => DocTypes[C],
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await lockCollection(tx, collection);
  const docs = await getDocuments(tx, collection, ids, { forUpdate: true });
  await putDocuments(
    tx,
    collection,
    docs.map((d) => scrub(d.doc)),
    now,
  );
}
