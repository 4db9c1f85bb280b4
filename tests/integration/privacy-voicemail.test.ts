import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNumbers, api, callDoc, startTelephony, until, type Telephony } from './voice-setup';

/**
 * Issue 16.3: a voicemail left by a caller outside any session is heard by the support team at Twilio and is
 * deleted there when RETENTION_VOICEMAIL_DAYS have passed; an erasure of the caller's number deletes it at once.
 */
const POOL = ['+447700900821'];
const STRANGER = '+447700900998';
const DAY = 86_400_000;

let t: Telephony;

beforeAll(async () => {
  t = await startTelephony({ RETENTION_VOICEMAIL_DAYS: '3' });
  await addNumbers(t, POOL);
});
afterAll(async () => {
  await t?.close();
});

describe('voicemails outside a session', () => {
  it('are deleted at Twilio when their retention ends, and at once when the caller is erased', async () => {
    const before = t.server.ctx.now();
    const result = await t.sandbox.placeCall({
      from: STRANGER,
      to: POOL[0],
      voicemail: { text: 'Please call me back.' },
    });
    expect(result.recordings).toHaveLength(1);
    const recordingSid = result.recordings[0].sid;
    await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'completed',
    );
    const job = await until(
      async () =>
        (
          await t.server.db.query<{ kind: string; run_at: Date; status: string }>(
            `SELECT kind, run_at, status FROM jobs WHERE dedupe_key = $1`,
            [`voicemail-delete:${recordingSid}`],
          )
        ).rows[0],
      (j) => !!j,
    );
    expect(job).toMatchObject({ kind: 'recording.twilio-delete', status: 'queued' });
    expect(job.run_at.getTime()).toBeGreaterThanOrEqual(before + 3 * DAY);
    expect(job.run_at.getTime()).toBeLessThanOrEqual(t.server.ctx.now() + 3 * DAY);
    // Never downloaded: the recordings pipeline keeps session calls only.
    const downloads = await t.server.db.query(`SELECT 1 FROM jobs WHERE dedupe_key = $1`, [
      `recording:${recordingSid}`,
    ]);
    expect(downloads.rows).toEqual([]);
    expect(t.sandbox.recording(recordingSid)?.status).toBe('completed');

    // The caller asks to be erased: Twilio's copy goes now, not in three days.
    const erased = await api(t, '/api/erasure', { phone: STRANGER }, t.admin);
    expect(erased.status).toBe(200);
    expect(erased.body!.report).toMatchObject({ calls: 1 });
    await t.server.ctx.jobs.drain(['recording.twilio-delete']);
    expect(t.sandbox.recording(recordingSid)?.status ?? 'deleted').toBe('deleted');
    // It was the erasure's own deletion: the scheduled one is still waiting for its day.
    const scheduled = await t.server.db.query<{ status: string }>(`SELECT status FROM jobs WHERE dedupe_key = $1`, [
      `voicemail-delete:${recordingSid}`,
    ]);
    expect(scheduled.rows).toEqual([{ status: 'queued' }]);
  });
});
