import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePeaks, peaksFileProblem } from '../../shared/peaks';
import { mediaDeps } from '../../sync-server/src/recordings/deps';
import { getRecording, MEDIA_FILES } from '../../sync-server/src/recordings/repository';
import { getDocument } from '../../sync-server/src/replication/store';
import {
  enqueueDownload,
  gunzipJson,
  ingestCall,
  seedPendingCall,
  sid,
  startFakeTwilio,
  startMediaServer,
  synthWav,
  type FakeTwilio,
  type MediaTestServer,
} from './recordings-fixtures';

/**
 * Job `recording.download` (issue 4 item 1–2): downloaded once from Twilio's API host with the account's
 * credentials, verified, peaks and playback MP3 computed, stored, the call document updated, Twilio's copy
 * deleted. A foreign host named by a callback is never contacted.
 */
let twilio: FakeTwilio;
let foreign: FakeTwilio;
let server: MediaTestServer;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  // Same account and token as the real one, so a request reaching it would carry valid-looking credentials.
  foreign = await startFakeTwilio({ accountSid: twilio.accountSid, authToken: twilio.authToken });
  server = await startMediaServer({ twilio });
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
  await foreign?.close();
});

const jobRow = async (kind: string, key: string) =>
  (
    await server.db.query<{
      status: string;
      attempts: number;
      last_error: string | null;
      payload: Record<string, unknown>;
    }>('SELECT status, attempts, last_error, payload FROM jobs WHERE kind = $1 AND dedupe_key = $2', [kind, key])
  ).rows[0];

describe('recording download job', () => {
  it("stores a dual-channel recording with peaks and MP3, labels the caller as channel 1, and deletes Twilio's copy", async () => {
    const { callId, recordingSid, channels } = await ingestCall(server, twilio, { seconds: 4 });

    const call = await getDocument(server.db, 'calls', callId);
    expect(call!.recording).toMatchObject({ state: 'stored', durationSec: 4, channels: ['customer', 'assessor'] });
    expect(call!.recording.storedAt).toBeGreaterThan(0);

    const rec = await getRecording(server.db, recordingSid);
    expect(rec).toMatchObject({
      state: 'stored',
      callId,
      sampleRate: 8000,
      channels: ['customer', 'assessor'],
      durationSec: 4,
      twilioDurationSec: 4,
    });

    // Exactly one authorised media GET; then the DELETE (run by its own job).
    const mediaGets = twilio.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`${recordingSid}.wav`));
    expect(mediaGets).toEqual([{ method: 'GET', path: expect.stringContaining(recordingSid), authorized: true }]);
    expect(twilio.deleted.has(recordingSid)).toBe(true);
    expect((await getRecording(server.db, recordingSid))!.twilioDeletedAt).not.toBeNull();

    // The stored objects: the original byte for byte, a stereo MP3, and peaks equal to shared/peaks.ts's.
    const storage = mediaDeps(server.ctx).storage;
    expect(await storage.list(rec!.storagePrefix)).toEqual(
      Object.values(MEDIA_FILES)
        .map((f) => rec!.storagePrefix + f)
        .sort(),
    );
    const original = await storage.readBuffer(rec!.storagePrefix + MEDIA_FILES.original);
    expect(original.equals(twilio.media.get(recordingSid)!.wav)).toBe(true);
    const mp3 = await storage.readBuffer(rec!.storagePrefix + MEDIA_FILES.playback);
    expect(mp3[0]).toBe(0xff);
    expect(mp3[1] & 0xe0).toBe(0xe0); // MPEG frame sync
    expect(mp3[3] >> 6).toBe(0); // channel mode 00 = stereo: both speakers kept apart
    expect(mp3.length).toBeLessThan(original.length / 3);

    const overview = gunzipJson(await storage.readBuffer(rec!.storagePrefix + MEDIA_FILES.peaks));
    const detail = gunzipJson(await storage.readBuffer(rec!.storagePrefix + MEDIA_FILES.peaksDetail));
    expect(peaksFileProblem(overview)).toBeNull();
    expect(peaksFileProblem(detail)).toBeNull();
    const floats = channels.map((c) => Float32Array.from(c, (v) => v / 32768));
    expect(overview).toEqual(computePeaks(floats, 8000, ['customer', 'assessor'], [2, 10, 50]));
    expect(detail).toEqual(computePeaks(floats, 8000, ['customer', 'assessor'], [200]));
    // The synthetic customer speaks in the first half only, the assessor in the second.
    const level2 = overview.levels.find((l) => l.peaksPerSecond === 2)!;
    expect(level2.data[0].map((v) => v > 60)).toEqual([true, true, true, true, false, false, false, false]);
    expect(level2.data[1].map((v) => v > 40)).toEqual([false, false, false, false, true, true, true, true]);

    // Analysis is asked for once the media is stored.
    expect(await jobRow('analysis.transcribe', `analysis.transcribe:${recordingSid}`)).toMatchObject({
      status: 'queued',
      payload: { callId, recordingSid },
    });
  });

  it('labels channel 1 as the assessor when the assessor placed the call', async () => {
    const { callId } = await ingestCall(server, twilio, { over: { direction: 'assessor_to_customer' } });
    const call = await getDocument(server.db, 'calls', callId);
    expect(call!.recording.channels).toEqual(['assessor', 'customer']);
  });

  it('downloads once: a duplicate callback and a re-run of the job fetch nothing more', async () => {
    const { callId, recordingSid } = await ingestCall(server, twilio);
    const before = twilio.requests.length;
    // Twilio retries the callback: the webhook enqueues again with the same dedupe key.
    const again = await enqueueDownload(server, {
      callSid: callId,
      recordingSid,
      recordingUrl: twilio.recordingUrl(recordingSid),
      durationSec: 3,
    });
    expect(again).toBeNull();
    // Even a job that runs twice (a worker died after storing) does not download again.
    await server.db.query(`UPDATE jobs SET status = 'queued', run_at = now() WHERE dedupe_key = $1`, [
      `recording:${recordingSid}`,
    ]);
    expect(await server.ctx.jobs.drain(['recording.download'])).toBe(1);
    expect(twilio.requests.length).toBe(before);
  });

  it('refuses a RecordingUrl on another host: nothing is fetched from it and the call shows the failure', async () => {
    const callId = sid('CA');
    const recordingSid = sid('RE');
    foreign.media.set(recordingSid, { wav: synthWav(2, 8000, [() => 0.5, () => 0.5]).wav });
    await seedPendingCall(server.db, callId);
    const seenBefore = twilio.requests.length;
    await enqueueDownload(server, {
      callSid: callId,
      recordingSid,
      recordingUrl: foreign.recordingUrl(recordingSid),
      durationSec: 2,
    });
    await server.ctx.jobs.drain(['recording.download']);

    expect(foreign.requests).toEqual([]);
    expect(twilio.requests.length).toBe(seenBefore);
    const job = await jobRow('recording.download', `recording:${recordingSid}`);
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(job.last_error).toContain('refusing to fetch');
    expect((await getDocument(server.db, 'calls', callId))!.recording.state).toBe('failed');
    expect(await getRecording(server.db, recordingSid)).toBeNull();
    const logged = server.logs.find((l) => l.msg.includes('refused a recording URL'));
    expect(logged).toMatchObject({ level: 50, recordingUrl: foreign.recordingUrl(recordingSid) });
  });

  it('refuses look-alike URLs without contacting anyone', async () => {
    const recordingSid = sid('RE');
    const host = new URL(twilio.url).host;
    const variants = [
      `http://evil.example@${'127.0.0.2'}:${new URL(foreign.url).port}/2010-04-01/Accounts/${twilio.accountSid}/Recordings/${recordingSid}`,
      `${twilio.url.replace('http:', 'https:')}/2010-04-01/Accounts/${twilio.accountSid}/Recordings/${recordingSid}`,
      `http://${host}@${new URL(foreign.url).host}/2010-04-01/Accounts/${twilio.accountSid}/Recordings/${recordingSid}`,
      // Right host, but another account's or another recording's path.
      `${twilio.url}/2010-04-01/Accounts/${sid('AC')}/Recordings/${recordingSid}`,
      `${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Recordings/${sid('RE')}`,
    ];
    const before = twilio.requests.length;
    for (const url of variants) {
      const callId = sid('CA');
      await seedPendingCall(server.db, callId);
      await enqueueDownload(server, { callSid: callId, recordingSid, recordingUrl: url, durationSec: 2, callId });
      await server.db.query(`UPDATE jobs SET dedupe_key = dedupe_key || ':' || id WHERE dedupe_key = $1`, [
        `recording:${recordingSid}`,
      ]);
      await server.ctx.jobs.drain(['recording.download']);
      expect((await getDocument(server.db, 'calls', callId))!.recording.state, url).toBe('failed');
    }
    expect(twilio.requests.length).toBe(before);
    expect(foreign.requests).toEqual([]);
  });

  it('retries a download cut short, then stores the complete file', async () => {
    const callId = sid('CA');
    const recordingSid = sid('RE');
    const { wav } = synthWav(3, 8000, [() => 0.3, () => 0.6]);
    twilio.media.set(recordingSid, { wav, truncateTo: 5000 });
    await seedPendingCall(server.db, callId);
    await enqueueDownload(server, {
      callSid: callId,
      recordingSid,
      recordingUrl: twilio.recordingUrl(recordingSid),
      durationSec: 3,
    });
    await server.ctx.jobs.drain(['recording.download']);
    const first = await jobRow('recording.download', `recording:${recordingSid}`);
    expect(first).toMatchObject({ status: 'queued', attempts: 1 });
    expect((await getDocument(server.db, 'calls', callId))!.recording.state).toBe('pending');

    twilio.media.set(recordingSid, { wav });
    await server.db.query(`UPDATE jobs SET run_at = now() WHERE dedupe_key = $1`, [`recording:${recordingSid}`]);
    await server.ctx.jobs.drain(['recording.download']);
    expect(await jobRow('recording.download', `recording:${recordingSid}`)).toMatchObject({
      status: 'done',
      attempts: 2,
    });
    expect((await getDocument(server.db, 'calls', callId))!.recording.state).toBe('stored');
  });

  it("fails a recording whose length does not match what Twilio reported, and keeps Twilio's copy", async () => {
    const callId = sid('CA');
    const recordingSid = sid('RE');
    twilio.media.set(recordingSid, { wav: synthWav(2, 8000, [() => 0.3, () => 0.3]).wav });
    await seedPendingCall(server.db, callId);
    await enqueueDownload(server, {
      callSid: callId,
      recordingSid,
      recordingUrl: twilio.recordingUrl(recordingSid),
      durationSec: 30,
    });
    await server.ctx.jobs.drain(['recording.download', 'recording.twilio-delete']);
    const job = await jobRow('recording.download', `recording:${recordingSid}`);
    expect(job.status).toBe('failed');
    expect(job.last_error).toMatch(/lasts 2\.0 s but Twilio reported 30 s/);
    expect((await getDocument(server.db, 'calls', callId))!.recording.state).toBe('failed');
    expect(twilio.deleted.has(recordingSid)).toBe(false);
  });

  it('refuses a mono file where Twilio promised two channels', async () => {
    const callId = sid('CA');
    const recordingSid = sid('RE');
    const { wav: stereo } = synthWav(2, 8000, [() => 0.3, () => 0.3]);
    // Rewrite the header to one channel at twice the frame count: a well-formed mono WAV of 4 s.
    const mono = Buffer.from(stereo);
    mono.writeUInt16LE(1, 22);
    mono.writeUInt32LE(8000 * 2, 28);
    mono.writeUInt16LE(2, 32);
    twilio.media.set(recordingSid, { wav: mono });
    await seedPendingCall(server.db, callId);
    await enqueueDownload(server, {
      callSid: callId,
      recordingSid,
      recordingUrl: twilio.recordingUrl(recordingSid),
      durationSec: 4,
    });
    await server.ctx.jobs.drain(['recording.download']);
    const job = await jobRow('recording.download', `recording:${recordingSid}`);
    expect(job.status).toBe('failed');
    expect(job.last_error).toContain('dual-channel');
  });

  it('waits for the call document rather than storing a recording nobody can find', async () => {
    const callId = sid('CA');
    const recordingSid = sid('RE');
    twilio.media.set(recordingSid, { wav: synthWav(2, 8000, [() => 0.3, () => 0.3]).wav });
    const before = twilio.requests.length;
    await enqueueDownload(server, {
      callSid: callId,
      recordingSid,
      recordingUrl: twilio.recordingUrl(recordingSid),
      durationSec: 2,
    });
    await server.ctx.jobs.drain(['recording.download']);
    expect(await jobRow('recording.download', `recording:${recordingSid}`)).toMatchObject({
      status: 'queued',
      attempts: 1,
    });
    expect(twilio.requests.length).toBe(before);
    // The callback raced the call's own callbacks; once the call exists the retry stores it.
    await seedPendingCall(server.db, callId);
    await server.db.query(`UPDATE jobs SET run_at = now() WHERE dedupe_key = $1`, [`recording:${recordingSid}`]);
    await server.ctx.jobs.drain(['recording.download']);
    expect((await getDocument(server.db, 'calls', callId))!.recording.state).toBe('stored');
  });
});

describe('recording download with TWILIO_DELETE_AFTER_DOWNLOAD=0', () => {
  it("keeps Twilio's copy", async () => {
    const keep = await startMediaServer({ twilio, env: { TWILIO_DELETE_AFTER_DOWNLOAD: '0' } });
    try {
      const { recordingSid } = await ingestCall(keep, twilio);
      expect(twilio.deleted.has(recordingSid)).toBe(false);
      expect(twilio.requests.some((r) => r.method === 'DELETE' && r.path.includes(recordingSid))).toBe(false);
      const jobs = await keep.db.query(`SELECT 1 FROM jobs WHERE kind = 'recording.twilio-delete'`);
      expect(jobs.rows).toEqual([]);
    } finally {
      await keep.close();
    }
  });
});
