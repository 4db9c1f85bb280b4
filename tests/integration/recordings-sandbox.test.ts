import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeaksFile } from '../../shared/peaks';
import { getRecording } from '../../sync-server/src/recordings/repository';
import type { SandboxTranscript } from '../../sync-server/src/twilio-sandbox';
import { addAssessor, addLead, addNumbers, callDoc, startTelephony, until, type Telephony } from './voice-setup';

/**
 * The recording pipeline behind the real telephony webhooks and the Twilio sandbox (which plays Twilio:
 * records dual-channel speech, posts the signed recording callback, serves the WAV behind basic auth and
 * answers the DELETE). The speakers' lanes are checked against the sandbox's script: whoever the script says is
 * talking must be the loud lane, for calls in both directions.
 */
const POOL = ['+447700900821'];
const CUSTOMER = '+447700900231';
const ASSESSOR = '+447700900241';

let t: Telephony;
let recordingsDir: string;
let admin: string;

beforeAll(async () => {
  recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-rec-sandbox-'));
  t = await startTelephony({ RECORDINGS_DIR: recordingsDir });
  await addNumbers(t, POOL);
  const assessorId = await addAssessor(t, 'asr-rec-1', 'Dan Price', ASSESSOR);
  await addLead(t, 'lead-rec-1', { name: 'John Smith', phone: CUSTOMER }, [assessorId]);
  admin = await t.server.login();
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(recordingsDir, { recursive: true, force: true });
});

/** Mean peak of each lane over a time span, at the 10/s level. */
function laneMeans(peaks: PeaksFile, from: number, to: number): number[] {
  const level = peaks.levels.find((l) => l.peaksPerSecond === 10)!;
  return level.data.map((lane) => {
    const slice = lane.slice(Math.floor(from * 10), Math.ceil(to * 10));
    return slice.reduce((a, b) => a + b, 0) / Math.max(1, slice.length);
  });
}

async function recordAndStore(
  from: string,
  caller: 'customer' | 'assessor',
): Promise<{ callSid: string; recordingSid: string; script: SandboxTranscript }> {
  // The script's roles follow who really calls whom, so its speaker labels are the truth to check against.
  const roles =
    caller === 'customer'
      ? ({ caller: 'customer', callee: 'assessor' } as const)
      : ({ caller: 'assessor', callee: 'customer' } as const);
  const result = await t.sandbox.placeCall({ from, to: POOL[0], callee: { ringSec: 2 }, hangup: 'callee', roles });
  expect(result.recordings).toHaveLength(1);
  const recordingSid = result.recordings[0].sid;
  const script = (await t.sandbox.transcript(recordingSid))!;
  await until(
    () => callDoc(t, result.callSid),
    (d) => d?.status === 'completed' && d.recording.state === 'pending',
  );
  await t.server.ctx.jobs.drain(['recording.download', 'recording.twilio-delete']);
  return { callSid: result.callSid, recordingSid, script };
}

describe('recordings from the Twilio sandbox', () => {
  for (const [caller, from, lanes] of [
    ['customer', CUSTOMER, ['customer', 'assessor']],
    ['assessor', ASSESSOR, ['assessor', 'customer']],
  ] as const) {
    it(`stores a call the ${caller} placed, with the lanes labelled by who spoke, and removes Twilio's copy`, async () => {
      const { callSid, recordingSid, script } = await recordAndStore(from, caller);
      const doc = await callDoc(t, callSid);
      expect(doc!.recording).toMatchObject({ state: 'stored', channels: lanes });
      expect(doc!.recording.durationSec).toBeCloseTo(script.duration, 0);
      const rec = await getRecording(t.server.db, recordingSid);
      expect(rec).toMatchObject({ state: 'stored', sampleRate: 8000, channels: lanes, sandbox: true });
      expect(rec!.twilioDeletedAt).not.toBeNull();
      expect(t.sandbox.recording(recordingSid)?.status ?? 'deleted').toBe('deleted');

      const res = await t.server.api(`/api/calls/${callSid}/media-url`, { method: 'POST', token: admin, json: {} });
      const { peaksUrl, audioUrl } = (await res.json()) as { peaksUrl: string; audioUrl: string };
      const peaks = (await (await fetch(peaksUrl)).json()) as PeaksFile;
      expect(peaks.channels).toEqual(lanes);
      const spoken = script.segments.filter((s) => s.end - s.start >= 1);
      expect(spoken.length).toBeGreaterThan(1);
      for (const seg of spoken) {
        const [lane0, lane1] = laneMeans(peaks, seg.start + 0.2, seg.end - 0.2);
        const speakerLane = peaks.channels.indexOf(seg.speaker as 'customer' | 'assessor');
        const loud = speakerLane === 0 ? lane0 : lane1;
        const quiet = speakerLane === 0 ? lane1 : lane0;
        expect(loud, `${seg.speaker} "${seg.text}" ${seg.start}-${seg.end}s`).toBeGreaterThan(quiet * 2 + 1);
      }
      const audio = await fetch(audioUrl, { headers: { range: 'bytes=0-3' } });
      expect(audio.status).toBe(206);
      expect(Buffer.from(await audio.arrayBuffer())[0]).toBe(0xff);
    });
  }
});
