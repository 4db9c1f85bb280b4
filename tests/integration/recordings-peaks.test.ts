import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computePeaks, type PeakChannel } from '../../shared/peaks';
import { ingestWav } from '../../sync-server/src/recordings/ingest';
import { PeaksAccumulator } from '../../sync-server/src/recordings/peaks';
import {
  encodeWav,
  parseWavHeader,
  readWavInfo,
  toInt16Interleaved,
  WavFormatError,
} from '../../sync-server/src/audio/wav';

/**
 * The ingest's streaming peaks must equal the reference in shared/peaks.ts (what the player's format is
 * defined by), however the file is cut into chunks; and WAV headers are read the way real files are written.
 */
function randomChannels(count: number, frames: number, seed: number): Int16Array[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  return Array.from({ length: count }, (_, c) => {
    const out = new Int16Array(frames);
    for (let i = 0; i < frames; i++) {
      // Bursts of loudness, full-scale extremes included.
      const env = Math.floor(i / 997 + c) % 3 === 0 ? 1 : 0.1;
      out[i] = Math.max(-32768, Math.min(32767, Math.round(rand() * 32768 * env)));
    }
    if (frames > 10) out[7] = -32768;
    return out;
  });
}

function interleave(channels: Int16Array[]): Int16Array {
  const n = channels.length;
  const out = new Int16Array(channels[0].length * n);
  for (let i = 0; i < channels[0].length; i++) for (let c = 0; c < n; c++) out[i * n + c] = channels[c][i];
  return out;
}

describe('streaming peaks', () => {
  const cases: Array<[string, number, number, number]> = [
    ['stereo 8 kHz', 2, 8000, 8000 * 3 + 17],
    ['stereo 11.025 kHz (fractional bucket width)', 2, 11025, 11025 * 2 + 5],
    ['mono 8 kHz', 1, 8000, 8000 * 2 + 3],
    ['stereo 16 kHz, shorter than one overview bucket', 2, 16000, 300],
  ];
  for (const [name, count, rate, frames] of cases) {
    it(`equals shared computePeaks for ${name}, whatever the chunking`, () => {
      const channels = randomChannels(count, frames, count * rate + frames);
      const speakers = (['customer', 'assessor'] as PeakChannel[]).slice(0, count);
      const expected = computePeaks(
        channels.map((ch) => Float32Array.from(ch, (v) => v / 32768)),
        rate,
        speakers,
        [2, 10, 50, 200],
      );
      const all = interleave(channels);
      for (const chunkFrames of [1, 7, 40, 4096, frames]) {
        const acc = new PeaksAccumulator(rate, speakers, [2, 10, 50, 200], undefined, chunkFrames === 7 ? 0 : frames);
        for (let i = 0; i < all.length; i += chunkFrames * count) acc.push(all.subarray(i, i + chunkFrames * count));
        const [got] = acc.finish();
        expect(got, `chunks of ${chunkFrames} frames`).toEqual(expected);
      }
    });
  }

  it('splits levels into the overview and detail files the player fetches', () => {
    const acc = new PeaksAccumulator(8000, ['customer', 'assessor'], [2, 10, 50, 200]);
    acc.push(interleave(randomChannels(2, 8000, 1)));
    const [overview, detail] = acc.finish([[50, 2, 10], [200]]);
    expect(overview.levels.map((l) => l.peaksPerSecond)).toEqual([2, 10, 50]);
    expect(detail.levels.map((l) => [l.peaksPerSecond, l.data[0].length])).toEqual([[200, 200]]);
  });
});

describe('WAV headers', () => {
  const pcm = encodeWav([new Int16Array([1, -2, 3]), new Int16Array([4, -5, 6])], 8000);

  it('reads a plain 16-bit PCM header', () => {
    expect(parseWavHeader(pcm, pcm.length)).toMatchObject({
      encoding: 'pcm',
      channels: 2,
      sampleRate: 8000,
      bitsPerSample: 16,
      dataOffset: 44,
      dataBytes: 12,
      frames: 3,
    });
  });

  it('skips other chunks before the data, with their pad byte', () => {
    const list = Buffer.concat([
      Buffer.from('LIST'),
      Buffer.from([5, 0, 0, 0]),
      Buffer.from('INFOx'),
      Buffer.from([0]),
    ]);
    const wav = Buffer.concat([pcm.subarray(0, 36), list, pcm.subarray(36)]);
    wav.writeUInt32LE(wav.length - 8, 4);
    const info = parseWavHeader(wav, wav.length);
    expect(info.dataOffset).toBe(44 + list.length);
    expect(toInt16Interleaved(info, wav.subarray(info.dataOffset))).toEqual(new Int16Array([1, 4, -2, -5, 3, 6]));
  });

  it('reads WAVE_FORMAT_EXTENSIBLE and G.711 µ-law', () => {
    const ext = Buffer.alloc(68);
    ext.write('RIFF', 0, 'latin1');
    ext.writeUInt32LE(60, 4);
    ext.write('WAVEfmt ', 8, 'latin1');
    ext.writeUInt32LE(40, 16);
    ext.writeUInt16LE(0xfffe, 20);
    ext.writeUInt16LE(1, 22);
    ext.writeUInt32LE(8000, 24);
    ext.writeUInt32LE(16000, 28);
    ext.writeUInt16LE(2, 32);
    ext.writeUInt16LE(16, 34);
    ext.writeUInt16LE(22, 36);
    ext.writeUInt16LE(1, 44); // SubFormat GUID starts with the PCM format code
    ext.write('data', 60, 'latin1');
    ext.writeUInt32LE(0, 64);
    expect(parseWavHeader(ext, ext.length)).toMatchObject({ encoding: 'pcm', channels: 1, dataBytes: 0 });

    const ulaw = Buffer.from(pcm);
    ulaw.writeUInt16LE(7, 20);
    ulaw.writeUInt16LE(8, 34);
    ulaw.writeUInt16LE(2, 32);
    ulaw.writeUInt32LE(16000, 28);
    const info = parseWavHeader(ulaw, ulaw.length);
    expect(info).toMatchObject({ encoding: 'mulaw', frames: 6 });
    // µ-law 0xFF and 0x7F are the two zeros; 0x00 and 0x80 the extremes.
    expect(Array.from(toInt16Interleaved(info, Buffer.from([0xff, 0x7f, 0x00, 0x80])))).toEqual([0, 0, -32124, 32124]);
  });

  it('tells a truncated file (worth downloading again) from a file that is not a WAV', () => {
    const cut = pcm.subarray(0, 30);
    expect(() => parseWavHeader(cut, cut.length)).toThrow(WavFormatError);
    try {
      parseWavHeader(cut, cut.length);
    } catch (err) {
      expect((err as WavFormatError).truncated).toBe(true);
    }
    const html = Buffer.from('<html><body>Sign in</body></html>');
    try {
      parseWavHeader(html, html.length);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WavFormatError);
      expect((err as WavFormatError).truncated).toBe(false);
    }
    const short = Buffer.concat([pcm, Buffer.alloc(0)]);
    short.writeUInt32LE(400, 40); // the header promises more data than the file holds
    const info = parseWavHeader(short, short.length);
    expect(info.declaredDataBytes).toBeGreaterThan(info.dataBytes);
  });

  it('ingest refuses a truncated file as retryable and encodes a whole one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-ingest-'));
    try {
      const whole = encodeWav(randomChannels(2, 8000, 3), 8000);
      fs.writeFileSync(path.join(dir, 'a.wav'), whole);
      const result = await ingestWav(path.join(dir, 'a.wav'), path.join(dir, 'a.mp3'), ['customer', 'assessor']);
      expect(result.info.durationSec).toBe(1);
      expect(result.playbackBytes).toBe(fs.statSync(path.join(dir, 'a.mp3')).size);
      fs.writeFileSync(path.join(dir, 'b.wav'), whole.subarray(0, 20_000));
      expect((await readWavInfo(path.join(dir, 'b.wav'))).dataBytes).toBe(20_000 - 44);
      await expect(
        ingestWav(path.join(dir, 'b.wav'), path.join(dir, 'b.mp3'), ['customer', 'assessor']),
      ).rejects.toMatchObject({ truncated: true });
      // The encoder runs in a worker; its failures reach the caller.
      await expect(
        ingestWav(path.join(dir, 'a.wav'), path.join(dir, 'no-such-dir', 'a.mp3'), ['customer', 'assessor']),
      ).rejects.toThrow(/MP3 encoder: .*ENOENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
