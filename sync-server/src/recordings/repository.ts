import type { PeakChannel } from '../../../shared/peaks';
import type { Queryable } from '../db';

/** A stored recording as the domain code sees it (rows → objects in one place). */
export interface Recording {
  recordingSid: string;
  callId: string;
  callSid: string;
  state: 'stored' | 'deleted';
  storageKind: 'local' | 's3';
  storagePrefix: string;
  sampleRate: number;
  channels: PeakChannel[];
  durationSec: number;
  twilioDurationSec: number | null;
  originalBytes: number;
  originalSha256: string;
  playbackBytes: number;
  peaksLevels: number[];
  detailLevels: number[];
  storedAt: number;
  deletedAt: number | null;
  deleteReason: 'retention' | 'erasure' | null;
  mediaPurgedAt: number | null;
  twilioDeletedAt: number | null;
  sandbox: boolean;
}

interface RecordingRow {
  recording_sid: string;
  call_id: string;
  call_sid: string;
  state: 'stored' | 'deleted';
  storage_kind: 'local' | 's3';
  storage_prefix: string;
  sample_rate: number;
  channels: string[];
  duration_sec: number;
  twilio_duration_sec: number | null;
  original_bytes: number;
  original_sha256: string;
  playback_bytes: number;
  peaks_levels: number[];
  detail_levels: number[];
  stored_at: number;
  deleted_at: number | null;
  delete_reason: 'retention' | 'erasure' | null;
  media_purged_at: number | null;
  twilio_deleted_at: number | null;
  sandbox: boolean;
}

function toRecording(r: RecordingRow): Recording {
  return {
    recordingSid: r.recording_sid,
    callId: r.call_id,
    callSid: r.call_sid,
    state: r.state,
    storageKind: r.storage_kind,
    storagePrefix: r.storage_prefix,
    sampleRate: r.sample_rate,
    channels: r.channels as PeakChannel[],
    durationSec: Number(r.duration_sec),
    twilioDurationSec: r.twilio_duration_sec,
    originalBytes: Number(r.original_bytes),
    originalSha256: r.original_sha256,
    playbackBytes: Number(r.playback_bytes),
    peaksLevels: r.peaks_levels,
    detailLevels: r.detail_levels,
    storedAt: Number(r.stored_at),
    deletedAt: r.deleted_at === null ? null : Number(r.deleted_at),
    deleteReason: r.delete_reason,
    mediaPurgedAt: r.media_purged_at === null ? null : Number(r.media_purged_at),
    twilioDeletedAt: r.twilio_deleted_at === null ? null : Number(r.twilio_deleted_at),
    sandbox: r.sandbox,
  };
}

/** Object keys of a recording's files, all under its prefix. */
export const MEDIA_FILES = {
  original: 'original.wav',
  playback: 'playback.mp3',
  peaks: 'peaks.json.gz',
  peaksDetail: 'peaks-detail.json.gz',
} as const;
export type MediaFile = keyof typeof MEDIA_FILES;

export function storagePrefixFor(callId: string, recordingSid: string): string {
  // Call ids come from our own documents, but are still made key-safe.
  const safeCall = callId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `recordings/${safeCall}/${recordingSid}/`;
}

export async function getRecording(
  q: Queryable,
  recordingSid: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Recording | null> {
  const { rows } = await q.query<RecordingRow>(
    `SELECT * FROM recordings WHERE recording_sid = $1 ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [recordingSid],
  );
  return rows[0] ? toRecording(rows[0]) : null;
}

/** The recording a call plays: its most recently stored one. */
export async function currentRecordingOfCall(q: Queryable, callId: string): Promise<Recording | null> {
  const { rows } = await q.query<RecordingRow>(
    `SELECT * FROM recordings WHERE call_id = $1 AND state = 'stored' ORDER BY stored_at DESC, recording_sid LIMIT 1`,
    [callId],
  );
  return rows[0] ? toRecording(rows[0]) : null;
}

export async function recordingsOfCalls(
  q: Queryable,
  callIds: string[],
  opts: { forUpdate?: boolean } = {},
): Promise<Recording[]> {
  if (callIds.length === 0) return [];
  const { rows } = await q.query<RecordingRow>(
    `SELECT * FROM recordings WHERE call_id = ANY($1::text[]) ORDER BY recording_sid ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [callIds],
  );
  return rows.map(toRecording);
}

export async function recordingsBySids(q: Queryable, sids: string[]): Promise<Recording[]> {
  if (sids.length === 0) return [];
  const { rows } = await q.query<RecordingRow>(
    `SELECT * FROM recordings WHERE recording_sid = ANY($1::text[]) ORDER BY recording_sid`,
    [sids],
  );
  return rows.map(toRecording);
}

export async function insertRecording(
  q: Queryable,
  r: Omit<Recording, 'state' | 'deletedAt' | 'deleteReason' | 'mediaPurgedAt' | 'twilioDeletedAt'>,
): Promise<void> {
  await q.query(
    `INSERT INTO recordings (recording_sid, call_id, call_sid, state, storage_kind, storage_prefix, sample_rate, channels,
        duration_sec, twilio_duration_sec, original_bytes, original_sha256, playback_bytes, peaks_levels, detail_levels,
        stored_at, sandbox)
     VALUES ($1, $2, $3, 'stored', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      r.recordingSid,
      r.callId,
      r.callSid,
      r.storageKind,
      r.storagePrefix,
      r.sampleRate,
      r.channels,
      r.durationSec,
      r.twilioDurationSec,
      r.originalBytes,
      r.originalSha256,
      r.playbackBytes,
      r.peaksLevels,
      r.detailLevels,
      r.storedAt,
      r.sandbox,
    ],
  );
}

/** Marks recordings deleted (access stops at commit); their objects are purged afterwards. */
export async function markRecordingsDeleted(
  q: Queryable,
  recordingSids: string[],
  reason: 'retention' | 'erasure',
  now: number,
): Promise<void> {
  if (recordingSids.length === 0) return;
  await q.query(
    `UPDATE recordings SET state = 'deleted', deleted_at = $2, delete_reason = $3 WHERE recording_sid = ANY($1::text[]) AND state = 'stored'`,
    [recordingSids, now, reason],
  );
}

export async function markMediaPurged(q: Queryable, recordingSid: string, now: number): Promise<void> {
  await q.query(`UPDATE recordings SET media_purged_at = $2 WHERE recording_sid = $1`, [recordingSid, now]);
}

export async function markTwilioDeleted(q: Queryable, recordingSid: string, now: number): Promise<void> {
  await q.query(`UPDATE recordings SET twilio_deleted_at = $2 WHERE recording_sid = $1 AND twilio_deleted_at IS NULL`, [
    recordingSid,
    now,
  ]);
}

/** Deleted recordings whose stored objects are not yet known to be gone. */
export async function unpurgedRecordings(q: Queryable, limit: number): Promise<Recording[]> {
  const { rows } = await q.query<RecordingRow>(
    `SELECT * FROM recordings WHERE state = 'deleted' AND media_purged_at IS NULL ORDER BY deleted_at LIMIT $1`,
    [limit],
  );
  return rows.map(toRecording);
}
