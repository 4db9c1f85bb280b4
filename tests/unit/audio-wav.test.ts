import { describe, expect, it } from 'vitest';
import {
  alawToLinear,
  decodeWav,
  downmix,
  encodeWav,
  linearToMulaw,
  mulawToLinear,
  parseWavHeader,
  WavFormatError,
} from '../../sync-server/src/audio/wav';

/** A canonical 44-byte header for `dataBytes` of samples in the given format code. */
function header(format: number, channels: number, sampleRate: number, bits: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(format, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

const ramp = (n: number, step: number) => Int16Array.from({ length: n }, (_, i) => ((i * step) % 65536) - 32768);

describe('one WAV module (audio/wav.ts)', () => {
  it('round-trips 16-bit PCM exactly, mono and stereo, with the rate and duration', () => {
    const mono = ramp(8000, 37);
    const back = decodeWav(encodeWav([mono], 8000));
    expect(back.sampleRate).toBe(8000);
    expect(back.durationSec).toBe(1);
    expect(back.channels).toEqual([mono]);

    const left = ramp(4000, 101);
    const right = Int16Array.from(left, (v) => -v - 1);
    const stereo = decodeWav(encodeWav([left, right], 16000));
    expect(stereo.channels).toEqual([left, right]);
    expect(stereo.durationSec).toBe(0.25);
    expect(parseWavHeader(encodeWav([left, right], 16000), 44 + 16000)).toMatchObject({
      encoding: 'pcm',
      channels: 2,
      bitsPerSample: 16,
      blockAlign: 4,
      frames: 4000,
    });
  });

  it('writes µ-law that decodes within G.711 quantisation error, and µ-law codes survive a round trip exactly', () => {
    const samples = Int16Array.from([0, 100, -100, 1000, -1000, 8000, -8000, 30000, -30000]);
    const wav = encodeWav([samples, Int16Array.from(samples, (v) => -v)], 8000, 'mulaw');
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(parseWavHeader(wav, wav.length)).toMatchObject({ encoding: 'mulaw', bitsPerSample: 8, channels: 2 });
    const back = decodeWav(wav);
    samples.forEach((s, i) => {
      expect(Math.abs(back.channels[0][i] - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) * 0.07));
      expect(Math.abs(back.channels[1][i] + s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) * 0.07));
    });
    // Every µ-law code but negative zero (0x7f, which decodes to 0 like 0xff) encodes back to itself.
    for (let code = 0; code < 256; code++) {
      if (code === 0x7f) continue;
      expect(linearToMulaw(mulawToLinear(code))).toBe(code);
    }
  });

  it('decodes A-law and 8-bit unsigned PCM', () => {
    // A-law 0xd5 and 0x55 are the two smallest magnitudes (+8, -8); 0xaa and 0x2a the largest.
    const alaw = Buffer.from([0xd5, 0x55, 0xaa, 0x2a]);
    const a = decodeWav(Buffer.concat([header(6, 1, 8000, 8, alaw.length), alaw]));
    expect([...a.channels[0]]).toEqual([8, -8, 32256, -32256]);
    expect(alawToLinear(0xd5)).toBe(8);
    const u8 = Buffer.from([128, 255, 0]);
    const p = decodeWav(Buffer.concat([header(1, 1, 8000, 8, u8.length), u8]));
    expect([...p.channels[0]]).toEqual([0, 127 << 8, -128 << 8]);
  });

  it('mixes channels down to one, clipped at the 16-bit range', () => {
    expect([...downmix([Int16Array.from([1, 30000, -30000]), Int16Array.from([2, 30000, -30000])])]).toEqual([
      3, 32767, -32768,
    ]);
  });

  it('refuses a malformed header with a clear error', () => {
    const refuses = (buf: Buffer, message: RegExp) => {
      expect(() => decodeWav(buf)).toThrow(WavFormatError);
      expect(() => decodeWav(buf)).toThrow(message);
    };
    refuses(Buffer.from('ID3\u0004 an mp3 file'), /not a RIFF\/WAVE file/);
    refuses(Buffer.from('RIFF'), /too short/);
    refuses(Buffer.concat([header(0x55, 1, 8000, 16, 0)]), /unsupported WAV format code 0x55/);
    refuses(header(1, 1, 8000, 12, 0), /unsupported PCM sample size 12 bits/);
    refuses(header(1, 0, 8000, 16, 0), /unsupported channel count 0/);
    refuses(header(1, 1, 100, 16, 0), /implausible sample rate 100/);
    const misaligned = header(1, 2, 8000, 16, 0);
    misaligned.writeUInt16LE(3, 32);
    refuses(misaligned, /block align does not match/);
    const noData = header(1, 1, 8000, 16, 0).subarray(0, 36);
    refuses(noData, /no data chunk/);
    expect(() => encodeWav([Int16Array.from([1, 2]), Int16Array.from([1])], 8000)).toThrow(/different lengths/);
  });
});
