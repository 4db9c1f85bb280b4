import crypto from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { AssessorDoc, ClipDoc, CollectionName, DocTypes } from '../../../shared/schemas';
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
 * Erasure of one person's data on request (UK GDPR art. 17). The person is named one of three ways
 * (ErasureSubject): a customer's phone number, an assessor (their id or their own number), or a lead (the
 * customer of that one enquiry). What is found is then removed the same way for all three:
 *   - recordings of their calls (original, MP3, peaks) are deleted, here and at Twilio; the calls stay as
 *     anonymous metadata (times, durations, outcome) with recording state `deleted`;
 *   - transcripts and analyses of those calls are deleted (tombstones), as are clips cut from them (and those
 *     clips leave any course: training uses are re-rendered without them);
 *   - SMS bodies to and from them are emptied; reviewers' free-text notes and region comments on their calls are
 *     emptied (scores stay);
 *   - a customer's leads lose the personal fields (name, number, full postcode), in telephony's tables and
 *     documents; an assessor's record loses their name and number and stops taking work (their id stays, so
 *     the marketplace metrics keep an anonymous trace); the sessions close (relaying needs the number);
 *   - finished jobs whose payload mentions the number are emptied.
 * Everything is written through the replication store in one transaction, so every app, including one offline
 * now, drops the data on its next sync. A failure half-way rolls the whole transaction back: running the request
 * again does all of it. Media objects are removed after the commit; any that storage refused stay marked
 * deleted (nobody can fetch them) and the retention sweep removes them (recordings/purge.ts). The only trace
 * kept is an audit entry with a keyed hash of the subject (so a repeated request can be recognised, but the
 * number cannot be recovered from the log) and the counts.
 *
 * A dry run (the admin screen's preview) counts the same things, changes nothing and is audited as
 * `erasure.preview`. A subject nothing is held about is refused (UNKNOWN_PHONE, UNKNOWN_ASSESSOR, UNKNOWN_LEAD),
 * preview or not, after auditing the request (with `found: false`): nothing is changed, and "no one with that
 * number" is an answer the admin should see rather than a row of zeros. A second request for the same person
 * therefore finds no one, is audited, and changes nothing.
 */
export interface ErasureReport {
  dryRun: boolean;
  /** HMAC-SHA256 of the subject (E.164 number, `assessor:<id>` or `lead:<id>`) with a server secret. */
  subjectHash: string;
  leads: number;
  /** Assessor records scrubbed (assessor erasure only). */
  assessors: number;
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

/** Who an erasure request is about. */
export type ErasureSubject =
  | { kind: 'phone'; phone: string }
  | { kind: 'assessor'; assessorId?: string; phone?: string }
  | { kind: 'lead'; leadId: string };

export const ERASURE_SECRET_NAME = 'erasure-hash-v1';

export function normalisePhone(input: string): string {
  const parsed = parsePhoneNumberFromString(input.trim(), 'GB');
  if (!parsed || !/^\+\d{8,15}$/.test(parsed.number))
    throw new ApiError('INVALID_PHONE', `not a phone number: ${input}`, 'phone');
  return parsed.number;
}

export async function subjectHash(q: Queryable, key: string): Promise<string> {
  const secret = await serverSecret(q, ERASURE_SECRET_NAME);
  return crypto.createHmac('sha256', secret).update(key).digest('hex');
}

async function idsWhere(q: Queryable, collection: string, sql: string, params: unknown[]): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM sync_documents WHERE collection = $1 AND NOT deleted AND (${sql}) ORDER BY id`,
    [collection, ...params],
  );
  return rows.map((r) => r.id);
}

const uniq = (...lists: string[][]): string[] => [...new Set(lists.flat())].sort();

/** The subject as validated: its kind, the key its hash is made from, and what the refusal names. */
export interface ResolvedSubject {
  subject: ErasureSubject;
  key: string;
  unknown: { code: 'UNKNOWN_PHONE' | 'UNKNOWN_ASSESSOR' | 'UNKNOWN_LEAD'; message: string; field: string };
}

const ID = /^[A-Za-z0-9_.:-]{1,100}$/;

export function resolveSubject(subject: ErasureSubject): ResolvedSubject {
  switch (subject.kind) {
    case 'phone': {
      const phone = normalisePhone(subject.phone);
      return {
        subject: { kind: 'phone', phone },
        key: phone,
        unknown: { code: 'UNKNOWN_PHONE', message: 'no one with that number: nothing was changed', field: 'phone' },
      };
    }
    case 'assessor': {
      if (!subject.assessorId === !subject.phone)
        throw new ApiError('VALIDATION_FAILED', 'name the assessor by id or by phone, not both', 'assessorId');
      if (subject.assessorId !== undefined && !ID.test(subject.assessorId))
        throw new ApiError('VALIDATION_FAILED', `not an assessor id: ${subject.assessorId}`, 'assessorId');
      const phone = subject.phone === undefined ? undefined : normalisePhone(subject.phone);
      return {
        subject: { kind: 'assessor', assessorId: subject.assessorId, phone },
        key: phone ?? `assessor:${subject.assessorId}`,
        unknown: {
          code: 'UNKNOWN_ASSESSOR',
          message: 'no assessor with that id or number: nothing was changed',
          field: phone ? 'phone' : 'assessorId',
        },
      };
    }
    case 'lead':
      if (!ID.test(subject.leadId))
        throw new ApiError('VALIDATION_FAILED', `not a lead id: ${subject.leadId}`, 'leadId');
      return {
        subject,
        key: `lead:${subject.leadId}`,
        unknown: { code: 'UNKNOWN_LEAD', message: 'no lead with that id: nothing was changed', field: 'leadId' },
      };
  }
}

/** Everything held about the subject, by the ids each store uses. */
export interface Scope {
  /** Real numbers of the person (a customer's, or an assessor's own). */
  phones: string[];
  tableLeads: string[];
  docLeads: string[];
  tableAssessors: string[];
  docAssessors: string[];
  sessionIds: string[];
  callIds: string[];
  /** Rows of telephony's messages table. */
  tableMessages: string[];
}

/** Finds the subject's data in telephony's tables (003) and the replicated documents: either may know it alone. */
export async function findScope(tx: Queryable, subject: ErasureSubject): Promise<Scope> {
  let phones: string[] = [];
  let tableLeads: string[] = [];
  let docLeads: string[] = [];
  let tableAssessors: string[] = [];
  let docAssessors: string[] = [];
  let sessionIds: string[] = [];
  let tableCalls: string[] = [];
  let docCalls: string[] = [];
  let tableMessages: string[] = [];
  let docMessages: string[] = [];

  if (subject.kind === 'phone' || subject.kind === 'lead') {
    if (subject.kind === 'phone') {
      phones = [subject.phone];
      tableLeads = (
        await tx.query<{ id: string }>(`SELECT id FROM leads WHERE customer_phone = $1`, [subject.phone])
      ).rows.map((r) => r.id);
      docLeads = await idsWhere(tx, 'leads', `doc ->> 'customerPhone' = $2`, [subject.phone]);
    } else {
      const rows = (
        await tx.query<{ id: string; phone: string }>(`SELECT id, customer_phone AS phone FROM leads WHERE id = $1`, [
          subject.leadId,
        ])
      ).rows;
      tableLeads = rows.map((r) => r.id);
      const docs = await getDocuments(tx, 'leads', [subject.leadId]);
      docLeads = docs.filter((d) => !d.deleted).map((d) => d.id);
      phones = uniq(
        rows.map((r) => r.phone),
        docs.flatMap((d) => (d.doc.customerPhone ? [d.doc.customerPhone] : [])),
      ).filter((p) => p !== REMOVED);
    }
    const leadIds = uniq(tableLeads, docLeads);
    sessionIds = (
      subject.kind === 'phone'
        ? await tx.query<{ id: string }>(
            `SELECT id FROM pool_sessions WHERE customer_phone = ANY($1::text[]) OR lead_id = ANY($2::text[])`,
            [phones, leadIds],
          )
        : await tx.query<{ id: string }>(`SELECT id FROM pool_sessions WHERE lead_id = ANY($1::text[])`, [leadIds])
    ).rows.map((r) => r.id);
    docCalls = await idsWhere(tx, 'calls', `doc ->> 'leadId' = ANY($2::text[])`, [leadIds]);
    docMessages = await idsWhere(tx, 'messages', `doc ->> 'leadId' = ANY($2::text[])`, [leadIds]);
  } else {
    const rows = (
      await tx.query<{ id: string; phone: string }>(`SELECT id, phone FROM assessors WHERE id = $1 OR phone = $2`, [
        subject.assessorId ?? null,
        subject.phone ?? null,
      ])
    ).rows;
    tableAssessors = rows.map((r) => r.id);
    const docs = await idsWhere(tx, 'assessors', `id = $2 OR doc ->> 'phone' = $3`, [
      subject.assessorId ?? null,
      subject.phone ?? null,
    ]);
    const docPhones = (await getDocuments(tx, 'assessors', docs)).flatMap((d) => (d.doc.phone ? [d.doc.phone] : []));
    docAssessors = docs;
    phones = uniq(
      rows.map((r) => r.phone),
      docPhones,
      subject.phone ? [subject.phone] : [],
    ).filter((p) => p !== REMOVED);
    const assessorIds = uniq(tableAssessors, docAssessors);
    sessionIds = (
      await tx.query<{ id: string }>(
        `SELECT id FROM pool_sessions WHERE assessor_id = ANY($1::text[]) OR assessor_phone = ANY($2::text[])`,
        [assessorIds, phones],
      )
    ).rows.map((r) => r.id);
    docCalls = await idsWhere(tx, 'calls', `doc ->> 'assessorId' = ANY($2::text[])`, [assessorIds]);
    docMessages = await idsWhere(tx, 'messages', `doc ->> 'assessorId' = ANY($2::text[])`, [assessorIds]);
  }

  // A lead's erasure takes only that lead's calls and texts; a number's takes every call and text from it too
  // (a call from the number outside any session, a voicemail).
  const byPhone = subject.kind === 'lead' ? [] : phones;
  tableCalls = (
    await tx.query<{ call_sid: string }>(
      `SELECT call_sid FROM calls WHERE from_phone = ANY($1::text[]) OR session_id = ANY($2::text[])`,
      [byPhone, sessionIds],
    )
  ).rows.map((r) => r.call_sid);
  tableMessages = (
    await tx.query<{ id: string }>(
      `SELECT id FROM messages WHERE from_phone = ANY($1::text[]) OR session_id = ANY($2::text[])`,
      [byPhone, sessionIds],
    )
  ).rows.map((r) => r.id);
  return {
    phones,
    tableLeads,
    docLeads,
    tableAssessors,
    docAssessors,
    sessionIds,
    callIds: uniq(tableCalls, docCalls),
    tableMessages: uniq(tableMessages, docMessages),
  };
}

/** `npm run cli -- erase --phone` and POST /api/erasure: a customer by number. */
export function eraseByPhone(
  deps: MediaDeps,
  actor: Parameters<typeof audit>[1],
  phoneInput: string,
  opts: { dryRun?: boolean } = {},
): Promise<ErasureReport> {
  return eraseSubject(deps, actor, { kind: 'phone', phone: phoneInput }, opts);
}

export async function eraseSubject(
  deps: MediaDeps,
  actor: Parameters<typeof audit>[1],
  requested: ErasureSubject,
  opts: { dryRun?: boolean } = {},
): Promise<ErasureReport> {
  const { subject, key, unknown } = resolveSubject(requested);
  const action = `erasure.${subject.kind}`;
  const hash = await subjectHash(deps.db, key);
  const now = deps.now();

  const { report, purge, found } = await retryOnDeadlock(() =>
    deps.db.transaction(async (tx) => {
      // The pool lock first, as allocation takes it: erasure closes the person's sessions.
      await lockPool(tx);
      const scope = await findScope(tx, subject);
      const { phones, tableLeads, docLeads, tableAssessors, docAssessors, sessionIds, callIds } = scope;
      const leadIds = uniq(tableLeads, docLeads);
      const assessorIds = uniq(tableAssessors, docAssessors);
      const messageIds = await idsWhere(
        tx,
        'messages',
        `id = ANY($2::text[]) AND jsonb_typeof(doc -> 'body') = 'string'`,
        [scope.tableMessages],
      );
      const insightIds = await idsWhere(tx, 'insights', `doc ->> 'callId' = ANY($2::text[])`, [callIds]);
      const reviewIds = await idsWhere(tx, 'reviews', `doc ->> 'callId' = ANY($2::text[])`, [callIds]);
      const clipIds = await idsWhere(tx, 'clips', `doc ->> 'callId' = ANY($2::text[])`, [callIds]);
      const recordings = (await recordingsOfCalls(tx, callIds)).filter((r) => r.state === 'stored');
      const jobIds = await finishedJobsMentioning(tx, phones);

      const report: ErasureReport = {
        dryRun: !!opts.dryRun,
        subjectHash: hash,
        leads: subject.kind === 'assessor' ? 0 : leadIds.length,
        assessors: assessorIds.length,
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
      // An assessor or lead already erased is still on file (scrubbed): nothing personal left is "no one".
      const nothingLeft =
        subject.kind !== 'phone' &&
        phones.length === 0 &&
        report.recordings + report.insights + report.messages + report.clips === 0;
      if (isEmpty(report) || nothingLeft) return { report, purge: [], found: false };
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
      // failed) and ones never downloaded (a failed download, a voicemail), known from the recording callbacks.
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
      await tx.query(`UPDATE messages SET body = NULL WHERE id = ANY($1::text[])`, [scope.tableMessages]);
      await tx.query(
        `UPDATE messages SET from_phone = $3 WHERE id = ANY($1::text[]) AND from_phone = ANY($2::text[])`,
        [scope.tableMessages, phones, REMOVED],
      );
      await tx.query(
        `UPDATE calls SET from_phone = $3 WHERE call_sid = ANY($1::text[]) AND from_phone = ANY($2::text[])`,
        [callIds, phones, REMOVED],
      );
      // Their sessions end: relaying needs the real number, which is gone. The do-not-record and SMS STOP lists
      // keep the number, because honouring an opt-out is itself a legal duty.
      await tx.query(
        `UPDATE pool_sessions SET
           customer_phone = CASE WHEN customer_phone = ANY($2::text[]) OR $4 THEN $3 ELSE customer_phone END,
           assessor_phone = CASE WHEN assessor_phone = ANY($2::text[]) THEN $3 ELSE assessor_phone END,
           closed_at = coalesce(closed_at, $5)
         WHERE id = ANY($1::text[])`,
        [sessionIds, phones, REMOVED, subject.kind === 'lead', now],
      );
      if (subject.kind !== 'assessor') {
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
      } else {
        // The assessor leaves: no name, no number, no new work. Their id stays for the metrics and tiers.
        await tx.query(
          `UPDATE assessors SET name = $2, phone = $2, active = false, updated_at = $3 WHERE id = ANY($1::text[])`,
          [tableAssessors, REMOVED, now],
        );
        // Their documents are scrubbed directly (a rebuild from the row would carry the placeholder as a number).
        await rewrite(tx, 'assessors', assessorIds, scrubAssessor, now);
        // Their sessions' lead documents list the closed assignments.
        const touchedLeads = (
          await tx.query<{ lead_id: string }>(`SELECT DISTINCT lead_id FROM pool_sessions WHERE id = ANY($1::text[])`, [
            sessionIds,
          ])
        ).rows.map((r) => r.lead_id);
        await writeLeadDocs(tx, touchedLeads, now);
      }
      await emptyJobPayloads(tx, jobIds);

      await audit(tx, actor, {
        action,
        subjectType: subject.kind === 'assessor' ? 'assessor' : 'person',
        subjectId: hash,
        detail: auditCounts(report),
      });
      return { report, purge: recordings, found: true };
    }),
  );

  if (!found || report.dryRun) {
    await audit(deps.db, actor, {
      action: report.dryRun ? 'erasure.preview' : action,
      subjectType: subject.kind === 'assessor' ? 'assessor' : 'person',
      subjectId: hash,
      detail: { ...auditCounts(report), found, ...(report.dryRun ? { kind: subject.kind } : {}) },
    });
  }
  if (!found) throw new ApiError(unknown.code, unknown.message, unknown.field);

  if (purge.length) {
    const result = await purgeRecordingMedia(deps, purge);
    report.mediaObjectsRemoved = result.objects;
  }
  deps.log.info({ ...report, kind: subject.kind }, opts.dryRun ? 'erasure dry run' : "erased a person's data");
  return report;
}

/** An assessor document without a row in telephony's table: scrubbed as the rebuilt ones read. */
function scrubAssessor(doc: AssessorDoc): AssessorDoc {
  return { ...doc, name: REMOVED, phone: null, phoneMasked: REMOVED, active: false };
}

function isEmpty(r: ErasureReport): boolean {
  return (
    r.leads +
      r.assessors +
      r.sessions +
      r.calls +
      r.recordings +
      r.insights +
      r.messages +
      r.reviews +
      r.clips +
      r.jobs ===
    0
  );
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
