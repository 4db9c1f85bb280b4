import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { z } from 'zod';
import type { PeaksFile } from '../../../shared/peaks';
import { JOB_KINDS } from '../jobs/kinds';
import { PermanentJobError, RetryLaterError, type JobOutcome, type JobRecord } from '../jobs/queue';
import { lockCalls, speakersFor, updateCallRecording } from './call-docs';
import type { MediaDeps } from './deps';
import { DETAIL_LEVELS, ingestWav, OVERVIEW_LEVELS } from './ingest';
import type { Queryable } from '../db';
import { getRecording, insertRecording, markTwilioDeleted, MEDIA_FILES, storagePrefixFor } from './repository';
import {
  deleteTwilioRecording,
  downloadRecording,
  isRecordingSid,
  MediaFetchError,
  mediaUrlFor,
  RefusedRecordingUrlError,
} from './twilio-media';
import { readWavInfo, WavFormatError } from '../audio/wav';
import { fieldOf } from '../../../shared/objects';

/**
 * Job `recording.download`, enqueued by the telephony webhook on Twilio's recording-status callback (the webhook
 * answers at once; this runs in the job queue with retries and backoff). Steps:
 *   1. refuse a RecordingUrl that is not this account's recording on Twilio's API host (nothing is fetched);
 *   2. download the WAV once with the account's credentials;
 *   3. verify it: a WAV, the channel count Twilio reported, a duration matching RecordingDuration;
 *   4. compute peaks and the playback MP3 in one pass; store all four objects;
 *   5. in one transaction: the recordings row, the call document (state `stored`, duration, speakers per
 *      channel) and the follow-up jobs (transcription; deleting Twilio's copy when TWILIO_DELETE_AFTER_DOWNLOAD).
 * Running it again for a stored recording downloads nothing.
 */
export const DownloadPayload = JOB_KINDS['recording.download'].payload;
export type DownloadPayload = z.infer<typeof DownloadPayload>;

/** A recording larger than this is refused (a 4-hour dual-channel 8 kHz WAV is ~460 MB). */
const MAX_RECORDING_BYTES = 2 * 1024 ** 3;
/** RecordingDuration is whole seconds; the WAV's own length may differ by rounding and a few frames. */
const DURATION_TOLERANCE_SEC = 2;
const gzip = promisify(zlib.gzip);
const LEASE_HEARTBEAT_MS = 60_000;

export function peaksJsonGz(peaks: PeaksFile): Promise<Buffer> {
  return gzip(Buffer.from(JSON.stringify(peaks)), { level: 6 });
}

export async function runDownloadJob(deps: MediaDeps, job: JobRecord): Promise<JobOutcome> {
  const parsed = DownloadPayload.safeParse(job.payload);
  if (!parsed.success)
    throw new PermanentJobError(`invalid recording.download payload: ${parsed.error.issues[0]?.message}`);
  const p = parsed.data;
  const callId = p.callId ?? p.callSid;
  // A long call takes minutes to ingest on a busy machine: keep the job's lease (jobs.locked_until, five minutes
  // from the claim) ahead, so no other worker reclaims it while this one is still encoding.
  const heartbeat = setInterval(() => {
    deps.jobs
      .extendLease(job.id)
      .catch((err: unknown) => deps.log.warn({ err, jobId: job.id }, 'could not extend the download job lease'));
  }, LEASE_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await download(deps, p, callId);
  } catch (err) {
    const final = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    // The reviewer sees that the recording failed instead of a call that stays "pending" for ever.
    if (final)
      await markFailed(deps, callId).catch((e: unknown) =>
        deps.log.error({ err: e, callId }, 'could not mark the recording failed'),
      );
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

async function download(deps: MediaDeps, p: DownloadPayload, callId: string): Promise<JobOutcome> {
  const log = deps.log.child({ job: 'recording.download', callId, recordingSid: p.recordingSid });
  if (await getRecording(deps.db, p.recordingSid)) {
    log.info('recording already stored; nothing to download');
    return {};
  }
  const creds = deps.config.twilio;
  if (!creds) throw new RetryLaterError('no Twilio credentials yet (the sandbox may still be starting)', 30_000);

  let url: URL;
  try {
    url = mediaUrlFor(p.recordingUrl, p.recordingSid, creds);
  } catch (err) {
    if (err instanceof RefusedRecordingUrlError) {
      log.error(
        { recordingUrl: p.recordingUrl, expected: err.expected },
        'refused a recording URL outside the Twilio API host; nothing was fetched',
      );
      throw new PermanentJobError(err.message);
    }
    throw err;
  }

  const [call] = await deps.db.transaction((tx) => lockCalls(tx, [callId]));
  if (!call) throw new Error(`call ${callId} is not known yet`);
  if (call.recording.state === 'deleted') {
    // The customer's data was erased while the recording waited at Twilio: never store it.
    log.info("call was erased before its recording was downloaded; deleting Twilio's copy only");
    await enqueueTwilioDelete(deps, deps.db, p.recordingSid);
    return {};
  }
  if (!call.direction)
    throw new PermanentJobError(`call ${callId} has no direction, so its channels cannot be labelled`);
  if (p.channels === 1)
    throw new PermanentJobError(
      'mono recording: speakers cannot be told apart (record with record-from-answer-dual); left at Twilio',
    );
  const speakers = speakersFor(call.direction);

  const tmpDir = path.join(deps.config.dataDir, 'tmp');
  await fsp.mkdir(tmpDir, { recursive: true });
  const base = path.join(tmpDir, `${p.recordingSid}-${crypto.randomBytes(4).toString('hex')}`);
  const wavPath = `${base}.wav`;
  const mp3Path = `${base}.mp3`;
  try {
    let file;
    try {
      file = await downloadRecording(url, creds, wavPath, { maxBytes: MAX_RECORDING_BYTES });
    } catch (err) {
      if (err instanceof MediaFetchError && err.retryAfterMs) throw new RetryLaterError(err.message, err.retryAfterMs);
      throw err;
    }
    log.info({ bytes: file.bytes }, 'downloaded recording');

    // Verify before spending time on encoding.
    let info;
    try {
      info = await readWavInfo(wavPath);
    } catch (err) {
      if (err instanceof WavFormatError && !err.truncated)
        throw new PermanentJobError(`downloaded media is not a usable WAV: ${err.message}`);
      throw err;
    }
    if (info.declaredDataBytes > info.dataBytes)
      throw new Error(
        `downloaded WAV is truncated (${info.dataBytes} of ${info.declaredDataBytes} bytes); will download again`,
      );
    if (info.channels !== 2)
      throw new PermanentJobError(`expected a dual-channel recording, the WAV has ${info.channels} channel(s)`);
    if (p.channels && info.channels !== p.channels)
      throw new PermanentJobError(`Twilio reported ${p.channels} channels, the WAV has ${info.channels}`);
    if (
      p.durationSec !== null &&
      p.durationSec !== undefined &&
      Math.abs(info.durationSec - p.durationSec) > DURATION_TOLERANCE_SEC
    ) {
      throw new PermanentJobError(`WAV lasts ${info.durationSec.toFixed(1)} s but Twilio reported ${p.durationSec} s`);
    }

    const ingest = await ingestWav(wavPath, mp3Path, speakers).catch((err: unknown) => {
      throw err instanceof WavFormatError && !err.truncated ? new PermanentJobError(err.message) : err;
    });
    const prefix = storagePrefixFor(callId, p.recordingSid);
    await deps.storage.putFile(prefix + MEDIA_FILES.original, wavPath);
    await deps.storage.putFile(prefix + MEDIA_FILES.playback, mp3Path);
    await deps.storage.putBuffer(prefix + MEDIA_FILES.peaks, await peaksJsonGz(ingest.overview));
    await deps.storage.putBuffer(prefix + MEDIA_FILES.peaksDetail, await peaksJsonGz(ingest.detail));
    // Twilio's copy is deleted (below, with TWILIO_DELETE_AFTER_DOWNLOAD) only once ours is known to be there
    // whole: the storage must hold the original at the size downloaded and verified, and the playback file.
    await verifyStored(deps, prefix, { original: file.bytes, playback: ingest.playbackBytes });

    const committed = await deps.db.transaction(async (tx) => {
      const [current] = await lockCalls(tx, [callId]);
      if (!current || current.recording.state === 'deleted') return false;
      if (await getRecording(tx, p.recordingSid, { forUpdate: true })) return true; // another worker got there first
      const now = deps.now();
      await insertRecording(tx, {
        recordingSid: p.recordingSid,
        callId,
        callSid: p.callSid,
        storageKind: deps.storage.kind,
        storagePrefix: prefix,
        sampleRate: info.sampleRate,
        channels: speakers,
        durationSec: info.durationSec,
        twilioDurationSec: p.durationSec ?? null,
        originalBytes: file.bytes,
        originalSha256: file.sha256,
        playbackBytes: ingest.playbackBytes,
        peaksLevels: [...OVERVIEW_LEVELS],
        detailLevels: [...DETAIL_LEVELS],
        storedAt: now,
        sandbox: p.sandbox ?? call.sandbox,
      });
      await updateCallRecording(
        tx,
        current,
        { state: 'stored', durationSec: Math.round(info.durationSec * 100) / 100, channels: speakers, storedAt: now },
        now,
      );
      await deps.jobs.enqueue(
        tx,
        'analysis.transcribe',
        { callId, recordingSid: p.recordingSid },
        { dedupeKey: `analysis.transcribe:${p.recordingSid}` },
      );
      if (deps.config.TWILIO_DELETE_AFTER_DOWNLOAD) await enqueueTwilioDelete(deps, tx, p.recordingSid);
      return true;
    });
    if (!committed) {
      // Erased while we were downloading: remove what was just stored and Twilio's copy.
      await deps.storage.deletePrefix(prefix);
      await enqueueTwilioDelete(deps, deps.db, p.recordingSid);
      log.info('call was erased during the download; stored media removed');
      return {};
    }
    log.info(
      { durationSec: info.durationSec, playbackBytes: ingest.playbackBytes, storage: deps.storage.kind },
      'recording stored',
    );
    return { cost: { bytes: file.bytes, audioSeconds: Math.round(info.durationSec) } };
  } finally {
    await Promise.all([fsp.rm(wavPath, { force: true }), fsp.rm(mp3Path, { force: true })]);
  }
}

/** Asks storage what it holds (size, not content); a missing or short object fails this attempt (retried). */
async function verifyStored(
  deps: MediaDeps,
  prefix: string,
  expected: { original: number; playback: number },
): Promise<void> {
  for (const [file, bytes] of [
    [MEDIA_FILES.original, expected.original],
    [MEDIA_FILES.playback, expected.playback],
    [MEDIA_FILES.peaks, null],
    [MEDIA_FILES.peaksDetail, null],
  ] as const) {
    const info = await deps.storage.stat(prefix + file);
    if (!info || (bytes !== null && info.size !== bytes))
      throw new Error(`stored ${file} is ${info ? `${info.size} bytes, expected ${bytes}` : 'missing'}; storing again`);
  }
}

/**
 * Asks for Twilio's copy to be deleted (job `recording.twilio-delete`). The kind's dedupe key (jobs/kinds.ts) is
 * the one telephony's webhooks use too, so a recording gets one such job; one that already failed for good is put back in the queue,
 * because an erasure must not be stopped by an earlier failure.
 */
export async function enqueueTwilioDelete(
  deps: Pick<MediaDeps, 'jobs'>,
  q: Queryable,
  recordingSid: string,
): Promise<void> {
  await deps.jobs.enqueueOrRevive(q, 'recording.twilio-delete', { recordingSid });
}

async function markFailed(deps: MediaDeps, callId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [call] = await lockCalls(tx, [callId]);
    if (call && call.recording.state === 'pending')
      await updateCallRecording(tx, call, { state: 'failed' }, deps.now());
  });
}

/** Job `recording.twilio-delete`: removes Twilio's copy once ours is stored (or the call was erased). */
export async function runTwilioDeleteJob(deps: MediaDeps, job: JobRecord): Promise<JobOutcome> {
  const recordingSid = fieldOf(job.payload, 'recordingSid');
  if (!isRecordingSid(recordingSid)) throw new PermanentJobError('invalid recording.twilio-delete payload');
  const creds = deps.config.twilio;
  if (!creds) throw new RetryLaterError('no Twilio credentials yet', 30_000);
  let result;
  try {
    result = await deleteTwilioRecording(creds, recordingSid);
  } catch (err) {
    if (err instanceof MediaFetchError && err.retryAfterMs) throw new RetryLaterError(err.message, err.retryAfterMs);
    throw err;
  }
  await markTwilioDeleted(deps.db, recordingSid, deps.now());
  deps.log.info({ recordingSid, result }, 'deleted the recording from Twilio');
  return {};
}
