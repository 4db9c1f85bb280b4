import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallAnalysis } from '../../shared/analysis';
import type { InsightDoc } from '../../shared/schemas';
import { SandboxTranscriber } from '../../sync-server/src/analysis/providers/sandbox-transcription';
import { addAssessor, addLead, addNumbers, callDoc, startTelephony, until, type Telephony } from './voice-setup';

/**
 * The whole path with the Twilio sandbox standing in for Twilio and for transcription: a demo call is
 * placed and recorded, the recording is downloaded and stored, the sandbox's script becomes the transcript
 * (marked as sandbox data) and the offline analyser writes the insight.
 */
const POOL = ['+447700900811'];
const CUSTOMER = '+447700900131';
const ASSESSOR = '+447700900141';

let t: Telephony;
let recordingsDir: string;

beforeAll(async () => {
  recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-analysis-sandbox-'));
  // Twilio's copy is kept (no delete after download) so the test can compare the insight with the script.
  t = await startTelephony({
    TRANSCRIPTION_PROVIDER: 'sandbox',
    ANALYSIS_PROVIDER: 'local',
    RECORDINGS_DIR: recordingsDir,
    TWILIO_DELETE_AFTER_DOWNLOAD: '0',
  });
  await addNumbers(t, POOL);
  await addAssessor(t, 'asr-an-1', 'Dan Price', ASSESSOR);
  await addLead(t, 'lead-an-1', { name: 'John Smith', phone: CUSTOMER }, ['asr-an-1']);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(recordingsDir, { recursive: true, force: true });
});

describe('analysis of a sandbox demo call', () => {
  it('turns the recorded call into an insight whose transcript is the sandbox script, labelled as sandbox data', async () => {
    const result = await t.sandbox.placeCall({ from: CUSTOMER, to: POOL[0], callee: { ringSec: 2 }, hangup: 'callee' });
    expect(result.recordings).toHaveLength(1);
    await until(
      () => callDoc(t, result.callSid),
      (d) => d?.status === 'completed' && d.recording.state === 'pending',
    );
    // recording.download → analysis.transcribe → analysis.analyse
    const insight = await until(
      async () => {
        await t.server.ctx.jobs.drain();
        const { rows } = await t.server.db.query<{ doc: InsightDoc }>(
          `SELECT doc FROM sync_documents WHERE collection = 'insights' AND doc ->> 'callId' = $1`,
          [result.callSid],
        );
        return rows[0]?.doc ?? null;
      },
      (doc) => doc?.status === 'done',
      60_000,
    );
    expect(insight!.transcriber).toMatchObject({ provider: 'sandbox', model: 'script', sandbox: true });
    expect(insight!.sandbox).toBe(true);
    const script = await t.sandbox.transcript(result.recordings[0].sid);
    expect(insight!.transcript!.map((s) => [s.speaker, s.text])).toEqual(
      script!.segments.map((s) => [s.speaker, s.text]),
    );
    expect(new Set(insight!.transcript!.map((s) => s.speaker))).toEqual(new Set(['customer', 'assessor']));
    const analysis = CallAnalysis.parse(insight!.analysis);
    expect(analysis.stamp.provider).toBe('local');
    expect(analysis.outcome.evidence.length + analysis.caveats.length).toBeGreaterThan(0);
  });

  it('a text between the customer and the assessor queues the SMS analysis of their assignment', async () => {
    await t.sandbox.sendSms({
      from: ASSESSOR,
      to: POOL[0],
      body: "Hi John, it's Dan from Price Heating. Are you free Thursday morning for the survey?",
    });
    await t.sandbox.sendSms({ from: CUSTOMER, to: POOL[0], body: 'Yes Thursday works, thanks' });
    await t.sandbox.settled();
    await t.server.ctx.jobs.drain();
    const { rows } = await t.server.db.query<{
      result: {
        messages: { assessor: number; customer: number };
        sequence: string[];
        perMessage: Array<{ features: { questions: number } }>;
      };
    }>(`SELECT result FROM sms_analyses`);
    expect(rows).toHaveLength(1);
    expect(rows[0].result.messages).toEqual({ assessor: 1, customer: 1 });
    expect(rows[0].result.sequence.filter((s) => s.endsWith('sms'))).toEqual(['assessor-sms', 'customer-sms']);
    expect(rows[0].result.perMessage[0].features.questions).toBe(1);
  });

  it('the sandbox provider gives no transcript for a real (non-sandbox) call and never asks the sandbox for one', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const provider = new SandboxTranscriber(() => t.server.ctx.config.twilio, counting);
    const real = await provider.transcribe({
      callId: 'c-real',
      recordingSid: 'RE00000000000000000000000000000000',
      durationSec: 10,
      channels: ['customer', 'assessor'],
      sandbox: false,
      loadWav: () => Promise.reject(new Error('must not read audio')),
    });
    expect(real).toBeNull();
    expect(requests).toBe(0);
    const unknown = await provider.transcribe({
      callId: 'c-unknown',
      recordingSid: 'RE99999999999999999999999999999999',
      durationSec: 10,
      channels: ['customer', 'assessor'],
      sandbox: true,
      loadWav: () => Promise.reject(new Error('must not read audio')),
    });
    expect(unknown).toBeNull();
    expect(requests).toBe(1);
  });
});
