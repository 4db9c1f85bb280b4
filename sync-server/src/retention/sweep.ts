import type { CourseDoc, InsightDoc, MessageDoc } from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { Queryable } from '../db';
import { lockCalls, updateCallRecording } from '../recordings/call-docs';
import type { MediaDeps } from '../recordings/deps';
import { purgePendingMedia, purgeRecordingMedia } from '../recordings/purge';
import { markRecordingsDeleted, recordingsBySids, type Recording } from '../recordings/repository';
import { deleteDocuments, getDocuments, lockCollection, putDocuments } from '../replication/store';
import { insightHasText, scrubInsightText, scrubMessageBody } from './scrub';

/**
 * The retention sweep (PRODUCT.md, "Legal and privacy": a retention policy for recordings and transcripts).
 * Periods are counted on the server clock from when each item came to exist:
 *   - recordings (and their MP3, peaks): RETENTION_RECORDING_DAYS after they were stored. A recording that a
 *     clip promoted to a training course still needs is kept until that clip expires;
 *   - clips promoted to courses: RETENTION_CLIP_DAYS after the clip was made (then removed from their courses);
 *     clips of a call whose recording is removed go with it;
 *   - transcripts and the quotes in analyses: RETENTION_TRANSCRIPT_DAYS after the insight was created;
 *   - SMS bodies: RETENTION_TRANSCRIPT_DAYS after the message was sent (.env.example: "transcripts and message
 *     bodies").
 * Every change is written through the replication store, so the apps drop the data when they next sync.
 * Work is done in batches, each in its own transaction, so a large backlog never holds locks for long.
 */
export interface RetentionReport {
  dryRun: boolean;
  cutoffs: { recordings: string; transcripts: string; clips: string };
  recordingsDeleted: number;
  mediaObjectsRemoved: number;
  mediaPurgeFailures: number;
  clipsExpired: number;
  clipsWithRecording: number;
  insightsScrubbed: number;
  /** Replicated message documents whose body was removed. */
  messageBodiesScrubbed: number;
  /** Rows of telephony's messages table whose body was removed. */
  messageRowsScrubbed: number;
}

const DAY_MS = 86_400_000;
const BATCH = 200;
const SYSTEM_ACTOR = { label: 'system:retention' };

export function retentionCutoffs(deps: Pick<MediaDeps, 'config' | 'now'>) {
  const now = deps.now();
  return {
    now,
    recordings: now - deps.config.RETENTION_RECORDING_DAYS * DAY_MS,
    transcripts: now - deps.config.RETENTION_TRANSCRIPT_DAYS * DAY_MS,
    clips: now - deps.config.RETENTION_CLIP_DAYS * DAY_MS,
  };
}

/** Clips used by a course (the ones "promoted to courses", kept for RETENTION_CLIP_DAYS). */
const IN_A_COURSE = `EXISTS (SELECT 1 FROM sync_documents co, jsonb_array_elements(co.doc -> 'items') item
                             WHERE co.collection = 'courses' AND NOT co.deleted AND item ->> 'clipId' = cl.id)`;

async function expiredRecordings(
  q: Queryable,
  cut: ReturnType<typeof retentionCutoffs>,
  limit: number,
): Promise<string[]> {
  const { rows } = await q.query<{ recording_sid: string }>(
    `SELECT r.recording_sid FROM recordings r
      WHERE r.state = 'stored' AND r.stored_at < $1
        AND NOT EXISTS (SELECT 1 FROM sync_documents cl
                         WHERE cl.collection = 'clips' AND NOT cl.deleted AND cl.doc ->> 'callId' = r.call_id
                           AND (cl.doc ->> 'createdAt')::bigint >= $2 AND ${IN_A_COURSE})
      ORDER BY r.stored_at LIMIT $3`,
    [cut.recordings, cut.clips, limit],
  );
  return rows.map((r) => r.recording_sid);
}

async function expiredCourseClips(
  q: Queryable,
  cut: ReturnType<typeof retentionCutoffs>,
  limit: number,
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT cl.id FROM sync_documents cl
      WHERE cl.collection = 'clips' AND NOT cl.deleted AND (cl.doc ->> 'createdAt')::bigint < $1 AND ${IN_A_COURSE}
      ORDER BY cl.id LIMIT $2`,
    [cut.clips, limit],
  );
  return rows.map((r) => r.id);
}

async function textInsights(q: Queryable, cutoff: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM sync_documents
      WHERE collection = 'insights' AND NOT deleted AND doc -> 'createdAt' < to_jsonb($1::bigint)
        AND (jsonb_typeof(doc -> 'transcript') = 'array'
             OR (jsonb_typeof(doc -> 'analysis') = 'object' AND doc -> 'analysis' ->> 'summary' IS DISTINCT FROM '[removed]'))
      ORDER BY id LIMIT $2`,
    [cutoff, limit],
  );
  return rows.map((r) => r.id);
}

async function messagesWithBodies(q: Queryable, cutoff: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM sync_documents
      WHERE collection = 'messages' AND NOT deleted AND doc -> 'sentAt' < to_jsonb($1::bigint)
        AND jsonb_typeof(doc -> 'body') = 'string'
      ORDER BY id LIMIT $2`,
    [cutoff, limit],
  );
  return rows.map((r) => r.id);
}

/** Removes clips from the courses that list them (the course stays, minus those items). */
export async function removeClipsFromCourses(tx: Queryable, clipIds: string[], now: number): Promise<number> {
  if (clipIds.length === 0) return 0;
  const { rows } = await tx.query<{ id: string }>(
    `SELECT DISTINCT co.id FROM sync_documents co, jsonb_array_elements(co.doc -> 'items') item
      WHERE co.collection = 'courses' AND NOT co.deleted AND item ->> 'clipId' = ANY($1::text[])`,
    [clipIds],
  );
  if (rows.length === 0) return 0;
  await lockCollection(tx, 'courses');
  const courses = await getDocuments(
    tx,
    'courses',
    rows.map((r) => r.id),
    { forUpdate: true },
  );
  const gone = new Set(clipIds);
  const updated: CourseDoc[] = courses.map((c) => ({
    ...c.doc,
    items: c.doc.items.filter((i) => !gone.has(i.clipId)),
  }));
  await putDocuments(tx, 'courses', updated, now);
  return updated.length;
}

/** Clip ids of these calls that are not (or no longer) protected by a course. */
async function clipsOfCalls(tx: Queryable, callIds: string[]): Promise<string[]> {
  if (callIds.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM sync_documents WHERE collection = 'clips' AND NOT deleted AND doc ->> 'callId' = ANY($1::text[])`,
    [callIds],
  );
  return rows.map((r) => r.id);
}

/**
 * Marks recordings deleted and updates their calls (state `deleted`), tombstones the clips cut from them and
 * takes those clips out of courses. Media objects are removed by the caller after commit.
 */
export async function deleteRecordingsInTx(
  tx: Queryable,
  recordings: Recording[],
  reason: 'retention' | 'erasure',
  now: number,
): Promise<{ clips: number }> {
  if (recordings.length === 0) return { clips: 0 };
  const callIds = [...new Set(recordings.map((r) => r.callId))];
  // Lock order everywhere: call documents, then recording rows (as the download job does).
  const calls = await lockCalls(tx, callIds);
  await markRecordingsDeleted(
    tx,
    recordings.map((r) => r.recordingSid),
    reason,
    now,
  );
  const stillStored = new Set(
    (
      await tx.query<{ call_id: string }>(
        `SELECT DISTINCT call_id FROM recordings WHERE call_id = ANY($1::text[]) AND state = 'stored'`,
        [callIds],
      )
    ).rows.map((r) => r.call_id),
  );
  for (const call of calls) {
    // A call keeps playing if it has another recording still within its period.
    if (stillStored.has(call.id) || call.recording.state === 'deleted') continue;
    await updateCallRecording(tx, call, { state: 'deleted', storedAt: null }, now);
  }
  const clipIds = await clipsOfCalls(
    tx,
    callIds.filter((id) => !stillStored.has(id)),
  );
  await removeClipsFromCourses(tx, clipIds, now);
  await deleteDocuments(tx, 'clips', clipIds, now);
  return { clips: clipIds.length };
}

/** `actor`: who ran it, for the audit trail (an admin's "run now"); the daily job runs as `system:retention`. */
export async function runRetentionSweep(
  deps: MediaDeps,
  opts: { dryRun?: boolean; actor?: Parameters<typeof audit>[1] } = {},
): Promise<RetentionReport> {
  const cut = retentionCutoffs(deps);
  const report: RetentionReport = {
    dryRun: !!opts.dryRun,
    cutoffs: {
      recordings: new Date(cut.recordings).toISOString(),
      transcripts: new Date(cut.transcripts).toISOString(),
      clips: new Date(cut.clips).toISOString(),
    },
    recordingsDeleted: 0,
    mediaObjectsRemoved: 0,
    mediaPurgeFailures: 0,
    clipsExpired: 0,
    clipsWithRecording: 0,
    insightsScrubbed: 0,
    messageBodiesScrubbed: 0,
    messageRowsScrubbed: 0,
  };
  if (opts.dryRun) {
    const big = 1_000_000;
    report.clipsExpired = (await expiredCourseClips(deps.db, cut, big)).length;
    report.recordingsDeleted = (await expiredRecordings(deps.db, cut, big)).length;
    report.insightsScrubbed = (await textInsights(deps.db, cut.transcripts, big)).length;
    report.messageBodiesScrubbed = (await messagesWithBodies(deps.db, cut.transcripts, big)).length;
    const rows = await deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE received_at < $1 AND body IS NOT NULL`,
      [cut.transcripts],
    );
    report.messageRowsScrubbed = rows.rows[0].n;
    return report;
  }

  // Clips first: a course clip that expires today releases its recording for the step after.
  for (;;) {
    const n = await deps.db.transaction(async (tx) => {
      const ids = await expiredCourseClips(tx, cut, BATCH);
      await removeClipsFromCourses(tx, ids, cut.now);
      return deleteDocuments(tx, 'clips', ids, cut.now);
    });
    report.clipsExpired += n;
    if (n < BATCH) break;
  }

  for (;;) {
    const batch = await deps.db.transaction(async (tx) => {
      const sids = await expiredRecordings(tx, cut, BATCH);
      if (sids.length === 0) return [];
      const recordings = await recordingsBySids(tx, sids);
      const { clips } = await deleteRecordingsInTx(tx, recordings, 'retention', cut.now);
      report.clipsWithRecording += clips;
      return recordings;
    });
    report.recordingsDeleted += batch.length;
    const purge = await purgeRecordingMedia(deps, batch);
    report.mediaObjectsRemoved += purge.objects;
    report.mediaPurgeFailures += purge.failed;
    if (batch.length < BATCH) break;
  }
  const retry = await purgePendingMedia(deps);
  report.mediaObjectsRemoved += retry.objects;
  report.mediaPurgeFailures += retry.failed;

  for (;;) {
    const n = await deps.db.transaction(async (tx) => {
      const ids = await textInsights(tx, cut.transcripts, BATCH);
      if (ids.length === 0) return 0;
      await lockCollection(tx, 'insights');
      const docs = await getDocuments(tx, 'insights', ids, { forUpdate: true });
      const scrubbed: InsightDoc[] = docs.filter((d) => insightHasText(d.doc)).map((d) => scrubInsightText(d.doc));
      await putDocuments(tx, 'insights', scrubbed, cut.now);
      return ids.length;
    });
    report.insightsScrubbed += n;
    if (n < BATCH) break;
  }

  for (;;) {
    const n = await deps.db.transaction(async (tx) => {
      const ids = await messagesWithBodies(tx, cut.transcripts, BATCH);
      if (ids.length === 0) return 0;
      await lockCollection(tx, 'messages');
      const docs = await getDocuments(tx, 'messages', ids, { forUpdate: true });
      const scrubbed: MessageDoc[] = docs.map((d) => scrubMessageBody(d.doc));
      await putDocuments(tx, 'messages', scrubbed, cut.now);
      return ids.length;
    });
    report.messageBodiesScrubbed += n;
    if (n < BATCH) break;
  }
  // Telephony's own copy of the texts (migration 003).
  const tableBodies = await deps.db.query(
    `UPDATE messages SET body = NULL WHERE received_at < $1 AND body IS NOT NULL`,
    [cut.transcripts],
  );
  report.messageRowsScrubbed = tableBodies.rowCount;

  const { dryRun: _dry, ...counts } = report;
  await audit(deps.db, opts.actor ?? SYSTEM_ACTOR, {
    action: 'retention.sweep',
    subjectType: 'system',
    detail: counts,
  });
  deps.log.info(counts, 'retention sweep done');
  return report;
}
