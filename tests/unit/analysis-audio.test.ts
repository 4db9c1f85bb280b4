import { describe, expect, it } from 'vitest';
import { speechRegions, splitAtPauses } from '../../sync-server/src/analysis/audio/speech-regions';
import { decodeWav, encodeWav, WavFormatError } from '../../sync-server/src/audio/wav';
import { RateLimiter, retryAfterMs } from '../../sync-server/src/analysis/providers/limits';
import { transcriptionMode } from '../../sync-server/src/analysis/providers/openai-transcription';
import { burstsWav } from '../helpers/audio';

/** µ-law encoding of a 16-bit sample (ITU-T G.711), to build the kind of WAV Twilio can send. */
function muLaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample)) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return s;
}

describe('WAV handling for per-channel transcription', () => {
  it('reads 16-bit PCM back exactly and splits the two parties into their own channels', () => {
    const a = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const b = Int16Array.from([5, 6, 7, 8, 9]);
    const pcm = decodeWav(encodeWav([a, b], 8000));
    expect(pcm.sampleRate).toBe(8000);
    expect([...pcm.channels[0]]).toEqual([...a]);
    expect([...pcm.channels[1]]).toEqual([...b]);
    expect(decodeWav(encodeWav([a], 16000)).channels).toHaveLength(1);
  });

  it('decodes G.711 µ-law stereo within its quantisation error', () => {
    const samples = [0, 100, -100, 1000, -1000, 8000, -8000, 30000];
    const data = Buffer.alloc(samples.length * 2);
    samples.forEach((s, i) => {
      data[i * 2] = muLaw(s);
      data[i * 2 + 1] = muLaw(-s);
    });
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'ascii');
    header.writeUInt32LE(36 + data.length, 4);
    header.write('WAVEfmt ', 8, 'ascii');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(7, 20);
    header.writeUInt16LE(2, 22);
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(16000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(8, 34);
    header.write('data', 36, 'ascii');
    header.writeUInt32LE(data.length, 40);
    const pcm = decodeWav(Buffer.concat([header, data]));
    samples.forEach((s, i) => {
      expect(Math.abs(pcm.channels[0][i] - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) * 0.07));
      expect(Math.abs(pcm.channels[1][i] + s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) * 0.07));
    });
  });

  it('refuses what is not a WAV it can read', () => {
    expect(() => decodeWav(Buffer.from('ID3\u0004 an mp3 file'))).toThrow(WavFormatError);
  });

  it('finds stretches of speech and never cuts a piece inside one', () => {
    const wav = burstsWav(
      Array.from({ length: 30 }, (_, i) => ({
        channel: 0 as const,
        start: i * 10 + 1,
        end: i * 10 + 7,
        freq: 300 + i * 10,
      })),
      300,
    );
    const { channels, sampleRate } = decodeWav(wav);
    const regions = speechRegions(channels[0], sampleRate);
    expect(regions).toHaveLength(30);
    regions.forEach((r, i) => {
      expect(Math.abs(r.start / sampleRate - (i * 10 + 1))).toBeLessThan(0.25);
      expect(Math.abs(r.end / sampleRate - (i * 10 + 7))).toBeLessThan(0.25);
    });
    const max = 45 * sampleRate;
    const pieces = splitAtPauses(channels[0], sampleRate, max);
    expect(pieces[0].start).toBe(0);
    expect(pieces[pieces.length - 1].end).toBe(channels[0].length);
    for (let i = 0; i < pieces.length; i++) {
      expect(pieces[i].end - pieces[i].start).toBeLessThanOrEqual(max);
      if (i > 0) expect(pieces[i].start).toBe(pieces[i - 1].end);
      const cut = pieces[i].end / sampleRate;
      if (i < pieces.length - 1)
        expect(regions.some((r) => r.start / sampleRate < cut && cut < r.end / sampleRate)).toBe(false);
    }
  });

  it('chooses the response format each transcription model supports', () => {
    expect(transcriptionMode('whisper-1')).toBe('verbose');
    expect(transcriptionMode('gpt-4o-transcribe-diarize')).toBe('diarized');
    expect(transcriptionMode('gpt-4o-transcribe')).toBe('plain');
    expect(transcriptionMode('gpt-4o-mini-transcribe')).toBe('plain');
  });
});

describe('provider limits', () => {
  it('lets through at most the configured requests per minute, in order', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(3, {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4, 5].map((n) => limiter.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(waits).toEqual([60_000]);
    expect(now).toBe(60_000);
  });

  it('reads Retry-After in seconds, milliseconds or as an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '12' }))).toBe(12_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '12' }))).toBe(250);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({}))).toBeNull();
  });
});
