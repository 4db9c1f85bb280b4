import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallAnalysis, type TranscriptSegment } from '../../shared/analysis';
import { speechRegions } from '../../sync-server/src/analysis/audio/speech-regions';
import { RateLimiter } from '../../sync-server/src/analysis/providers/limits';
import { ModelAnswer, OpenAIAnalyser } from '../../sync-server/src/analysis/providers/openai-analysis';
import { OpenAITranscriber, UPLOAD_LIMIT_BYTES } from '../../sync-server/src/analysis/providers/openai-transcription';
import type { CallAudio } from '../../sync-server/src/analysis/types';
import { PermanentJobError, RetryLaterError } from '../../sync-server/src/jobs/queue';
import { burstsWav, type Burst } from '../helpers/audio';
import { dominantFrequency, startFakeOpenAI, type FakeOpenAI, type Upload } from '../helpers/fake-openai';

/**
 * The OpenAI providers through the real `openai` SDK against a local server that checks requests as the
 * real API does (tests/helpers/fake-openai.ts) and answers in its format, including 429s and malformed
 * answers.
 */
let fake: FakeOpenAI;
let client: OpenAI;
const limiter = new RateLimiter(100_000);

beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ apiKey: fake.key, baseURL: fake.url, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.uploads.length = 0;
  fake.chats.length = 0;
  fake.requests.length = 0;
});

const TEXT_BY_FREQ: Record<number, string> = {
  400: 'Hello, I was after a quote for a new boiler.',
  500: "Good morning, it's Sam from Northside Gas, thanks for calling.",
  600: "Thursday morning's good for me.",
  700: "Lovely, you're booked in for Thursday, I'll text you a confirmation.",
};
const textFor = (samples: Int16Array, rate: number) => {
  const f = dominantFrequency(samples, rate);
  const key = Object.keys(TEXT_BY_FREQ)
    .map(Number)
    .find((k) => Math.abs(k - f) < 40);
  return key ? TEXT_BY_FREQ[key] : `unrecognised tone ${Math.round(f)} Hz`;
};

const CONVERSATION: Burst[] = [
  { channel: 0, start: 1.0, end: 3.0, freq: 400 },
  { channel: 1, start: 3.6, end: 6.0, freq: 500 },
  { channel: 0, start: 7.0, end: 8.5, freq: 600 },
  { channel: 1, start: 9.2, end: 12.0, freq: 700 },
];

function audioOf(wav: Buffer, extra: Partial<CallAudio> = {}): CallAudio {
  return {
    callId: 'call-1',
    recordingSid: 'RE1',
    durationSec: null,
    channels: ['customer', 'assessor'],
    sandbox: false,
    loadWav: async () => wav,
    ...extra,
  };
}

describe('OpenAI transcription provider', () => {
  it('sends each channel on its own as a WAV upload and merges speaker-labelled segments in time order (gpt-4o-transcribe)', async () => {
    fake.onTranscribe = (u: Upload) => ({
      text: textFor(u.wav.channels[0], u.wav.sampleRate),
      usage: { type: 'duration', seconds: u.wav.durationSec },
    });
    const t = new OpenAITranscriber(client, 'gpt-4o-transcribe', limiter);
    const result = await t.transcribe(audioOf(burstsWav(CONVERSATION, 14)));
    // The 4o models answer text only, so each utterance goes alone and its cut gives the timestamps.
    expect(fake.uploads).toHaveLength(4);
    for (const u of fake.uploads) {
      expect(u).toMatchObject({
        model: 'gpt-4o-transcribe',
        responseFormat: 'json',
        granularities: [],
        language: 'en',
        contentType: 'audio/wav',
      });
      expect(u.filename).toMatch(/^call-1-(customer|assessor)-\d+\.wav$/);
      expect(u.wav.channels).toHaveLength(1);
    }
    expect(result.segments.map((s) => [s.speaker, s.text])).toEqual([
      ['customer', TEXT_BY_FREQ[400]],
      ['assessor', TEXT_BY_FREQ[500]],
      ['customer', TEXT_BY_FREQ[600]],
      ['assessor', TEXT_BY_FREQ[700]],
    ]);
    CONVERSATION.forEach((b, i) => {
      expect(Math.abs(result.segments[i].start - b.start)).toBeLessThan(0.3);
      expect(Math.abs(result.segments[i].end - b.end)).toBeLessThan(0.3);
    });
    expect(result.stamp).toEqual({
      provider: 'openai',
      model: 'gpt-4o-transcribe',
      version: 'per-channel-1/plain',
      sandbox: false,
    });
    expect(result.usage.requests).toBe(4);
  });

  it('splits a 30-minute recording under the 25 MB upload limit and stitches timestamps across the pieces (whisper-1, word timings)', async () => {
    // Utterances every 20 s through the call; 30 minutes of 8 kHz 16-bit audio is 28.8 MB per channel.
    const bursts: Burst[] = [];
    for (let t = 5, i = 0; t < 1795; t += 20, i++)
      bursts.push({ channel: (i % 2) as 0 | 1, start: t, end: t + 3, freq: i % 4 < 2 ? 400 : 600 });
    fake.onTranscribe = (u: Upload) => {
      const rate = u.wav.sampleRate;
      const samples = u.wav.channels[0];
      // Whisper's answer: segments and words with times relative to the uploaded piece.
      const segments = speechRegions(samples, rate).map((r, id) => ({
        id,
        start: r.start / rate,
        end: r.end / rate,
        text: textFor(samples.subarray(r.start, r.end), rate),
      }));
      const words = segments.flatMap((s) => {
        const ws = s.text.split(' ');
        return ws.map((w, k) => ({
          word: w,
          start: s.start + ((s.end - s.start) * k) / ws.length,
          end: s.start + ((s.end - s.start) * (k + 1)) / ws.length,
        }));
      });
      return {
        task: 'transcribe',
        language: 'english',
        duration: u.wav.durationSec,
        text: segments.map((s) => s.text).join(' '),
        segments,
        words,
      };
    };
    const t = new OpenAITranscriber(client, 'whisper-1', limiter);
    const result = await t.transcribe(audioOf(burstsWav(bursts, 1800)));
    expect(fake.uploads.length).toBeGreaterThanOrEqual(4);
    for (const u of fake.uploads) {
      expect(u.bytes).toBeLessThanOrEqual(UPLOAD_LIMIT_BYTES);
      expect(u).toMatchObject({
        model: 'whisper-1',
        responseFormat: 'verbose_json',
        granularities: ['segment', 'word'],
      });
    }
    const perChannel = fake.uploads.reduce((acc, u) => acc + u.wav.durationSec, 0);
    expect(perChannel).toBeCloseTo(3600, 0);
    expect(result.segments).toHaveLength(bursts.length);
    bursts.forEach((b, i) => {
      const s = result.segments[i];
      expect(s.speaker).toBe(b.channel === 0 ? 'customer' : 'assessor');
      expect(Math.abs(s.start - b.start)).toBeLessThan(0.3);
      expect(s.words?.length).toBeGreaterThan(0);
      expect(s.words![0].start).toBeGreaterThanOrEqual(s.start - 0.01);
      expect(s.words![s.words!.length - 1].end).toBeLessThanOrEqual(s.end + 0.01);
    });
    expect(result.usage.audioSeconds).toBeCloseTo(3600, 0);
  }, 120_000);

  it('uses diarized_json with chunking for diarize models and ignores their speaker guesses (the channel is the speaker)', async () => {
    fake.onTranscribe = (u: Upload) => {
      const rate = u.wav.sampleRate;
      const samples = u.wav.channels[0];
      return {
        text: '',
        segments: speechRegions(samples, rate).map((r, i) => ({
          type: 'transcript.text.segment',
          id: `seg_${i}`,
          speaker: 'A',
          start: r.start / rate,
          end: r.end / rate,
          text: textFor(samples.subarray(r.start, r.end), rate),
        })),
      };
    };
    const t = new OpenAITranscriber(client, 'gpt-4o-transcribe-diarize', limiter);
    const result = await t.transcribe(audioOf(burstsWav(CONVERSATION, 40)));
    expect(fake.uploads).toHaveLength(2);
    expect(fake.uploads.every((u) => u.responseFormat === 'diarized_json' && u.chunking === 'auto')).toBe(true);
    expect(result.segments.map((s) => s.speaker)).toEqual(['customer', 'assessor', 'customer', 'assessor']);
  });

  it('turns a 429 with Retry-After into a RetryLaterError with that delay', async () => {
    fake.failNext({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    const t = new OpenAITranscriber(client, 'gpt-4o-transcribe', limiter);
    const err = await t.transcribe(audioOf(burstsWav(CONVERSATION, 14))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).delayMs).toBe(7000);
  });

  it('retries a 500 with backoff but fails at once on a wrong key or an unknown model', async () => {
    fake.failNext({
      status: 500,
      body: { error: { message: 'The server had an error', type: 'server_error', code: null } },
    });
    const t = new OpenAITranscriber(client, 'gpt-4o-transcribe', limiter);
    const serverError = await t.transcribe(audioOf(burstsWav(CONVERSATION, 14))).catch((e: unknown) => e);
    expect(serverError).toBeInstanceOf(Error);
    expect(serverError).not.toBeInstanceOf(PermanentJobError);
    expect(serverError).not.toBeInstanceOf(RetryLaterError);

    const badKey = new OpenAITranscriber(
      new OpenAI({ apiKey: 'sk-wrong', baseURL: fake.url, maxRetries: 0 }),
      'gpt-4o-transcribe',
      limiter,
    );
    const auth = await badKey.transcribe(audioOf(burstsWav(CONVERSATION, 14))).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(PermanentJobError);
    expect((auth as Error).message).toMatch(/401/);

    const unknown = new OpenAITranscriber(client, 'whisper-9', limiter);
    const model = await unknown.transcribe(audioOf(burstsWav(CONVERSATION, 14))).catch((e: unknown) => e);
    expect(model).toBeInstanceOf(PermanentJobError);
    expect((model as Error).message).toMatch(/404/);
  });

  it('rejects a malformed transcription answer instead of storing it', async () => {
    fake.onTranscribe = () => ({
      task: 'transcribe',
      duration: 2,
      text: 'x',
      segments: [{ id: 0, start: 'soon', end: 1, text: 'x' }],
      words: [],
    });
    const t = new OpenAITranscriber(client, 'whisper-1', limiter);
    const err = await t.transcribe(audioOf(burstsWav(CONVERSATION, 14))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/malformed/);
  });
});

const SEGMENTS: TranscriptSegment[] = [
  {
    speaker: 'assessor',
    start: 1.2,
    end: 4.8,
    text: "Good morning, it's Sam from Northside Gas about your boiler quote.",
  },
  {
    speaker: 'customer',
    start: 5.4,
    end: 8.9,
    text: "Eighty five pounds? That's a bit steep, the last chap charged sixty.",
  },
  {
    speaker: 'assessor',
    start: 9.5,
    end: 14.0,
    text: 'I understand. Ours includes the flue gas analysis and there is no call-out charge.',
  },
  { speaker: 'customer', start: 14.6, end: 19.0, text: 'Okay, can I pay now? My card is 4929 1234 5678 9013.' },
  {
    speaker: 'assessor',
    start: 19.5,
    end: 24.0,
    text: "Please don't read card numbers out. You're booked for Thursday at eight, I'll text you a confirmation.",
  },
];

function answer(overrides: Partial<ModelAnswer> = {}): ModelAnswer {
  const criterion = (met: boolean, quote: string | null) => ({ met, quote, reason: met ? 'present' : 'missing' });
  return {
    sentiment: {
      score: 0.4,
      curve: [
        { time: 5.4, score: -0.2 },
        { time: 14.6, score: 0.3 },
      ],
    },
    triggers: [{ quote: 'there is no call-out charge', time: 9.5, speaker: 'assessor', label: 'no hidden costs' }],
    objections: [
      {
        category: 'price',
        quote: "That's a bit steep",
        time: 5.4,
        handled: true,
        responseQuote: 'Ours includes the flue gas analysis',
      },
    ],
    professionalism: {
      greeting: criterion(true, "Good morning, it's Sam from Northside Gas"),
      clarity: criterion(true, null),
      empathy: criterion(true, 'I understand.'),
      nextStep: criterion(true, "You're booked for Thursday at eight"),
      issues: [],
    },
    outcome: {
      value: 'booked',
      confidence: 0.9,
      evidence: [{ quote: "You're booked for Thursday at eight", time: 19.5, speaker: 'assessor' }],
    },
    summary: 'Price objection answered with what is included; booked for Thursday.',
    cardDetails: [],
    ...overrides,
  };
}

describe('OpenAI analysis provider', () => {
  it('asks for a strict json_schema response, never sends card numbers, and returns a CallAnalysis grounded in the transcript', async () => {
    fake.onChat = () => answer();
    const a = new OpenAIAnalyser(client, 'gpt-4o-mini', limiter);
    const out = await a.analyse({ segments: SEGMENTS, service: 'boiler' });
    expect(CallAnalysis.safeParse(out.analysis).success).toBe(true);
    const req = fake.chats[0];
    expect(req.model).toBe('gpt-4o-mini');
    expect(req.response_format.type).toBe('json_schema');
    expect(req.response_format.json_schema).toMatchObject({ name: 'call_analysis', strict: true });
    expect(req.messages[0].role).toBe('system');
    const sent = JSON.stringify(req.messages);
    expect(sent).not.toMatch(/4929|9013/);
    expect(sent).toContain('[card number removed]');
    expect(out.analysis.cardDetails.map((f) => f.kind)).toEqual(['card-number']);
    expect(out.analysis.stamp).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(out.analysis.outcome).toMatchObject({ value: 'booked', confidence: 0.9 });
    expect(out.analysis.outcome.evidence[0]).toMatchObject({ time: 19.5, speaker: 'assessor' });
    expect(out.analysis.objections[0]).toMatchObject({
      category: 'price',
      time: 5.4,
      handled: true,
      response: { time: 9.5 },
    });
    expect(out.analysis.professionalism.score).toBe(100);
    expect(out.usage.promptTokens).toBeGreaterThan(0);
    expect(out.usage.completionTokens).toBeGreaterThan(0);
  });

  it('drops quotes that are not in the transcript and caps the confidence of an outcome left without evidence', async () => {
    fake.onChat = () =>
      answer({
        outcome: {
          value: 'lost',
          confidence: 0.95,
          evidence: [{ quote: 'I never want to hear from you again', time: 3, speaker: 'customer' }],
        },
        objections: [{ category: 'trust', quote: 'You lot are cowboys', time: 2, handled: false, responseQuote: null }],
      });
    const out = await new OpenAIAnalyser(client, 'gpt-4o-mini', limiter).analyse({ segments: SEGMENTS });
    expect(out.analysis.outcome.evidence).toEqual([]);
    expect(out.analysis.outcome.confidence).toBeLessThanOrEqual(0.4);
    expect(out.analysis.objections).toEqual([]);
    expect(out.analysis.caveats.join(' ')).toMatch(/could not be found/);
  });

  it('treats an answer that is not JSON, or JSON of the wrong shape, as a failure to retry', async () => {
    const a = new OpenAIAnalyser(client, 'gpt-4o-mini', limiter);
    fake.failNext({ malformedContent: '{"sentiment": {"score": 0.4, "curve": [' });
    const notJson = await a.analyse({ segments: SEGMENTS }).catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(Error);
    expect(notJson).not.toBeInstanceOf(PermanentJobError);

    fake.failNext({ malformedContent: JSON.stringify({ outcome: 'booked' }) });
    const wrongShape = await a.analyse({ segments: SEGMENTS }).catch((e: unknown) => e);
    expect(wrongShape).toBeInstanceOf(Error);
    expect(wrongShape).not.toBeInstanceOf(PermanentJobError);
  });

  it('honours Retry-After on a 429 from the chat endpoint and refuses an unknown model for good', async () => {
    const a = new OpenAIAnalyser(client, 'gpt-4o-mini', limiter);
    fake.failNext({
      status: 429,
      headers: { 'retry-after-ms': '1500' },
      body: { error: { message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' } },
    });
    const limited = await a.analyse({ segments: SEGMENTS }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RetryLaterError);
    expect((limited as RetryLaterError).delayMs).toBe(1500);

    const unknown = await new OpenAIAnalyser(client, 'gpt-5-imaginary', limiter)
      .analyse({ segments: SEGMENTS })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PermanentJobError);
  });
});
