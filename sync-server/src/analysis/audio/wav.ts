/**
 * Just enough WAV to send each party of a dual-channel call recording to a transcription model on its own
 * (so the speaker of every word is exact), cut into pieces under the upload limit at pauses in speech.
 *
 * Reads PCM 8/16/24/32-bit, G.711 µ-law and A-law (Twilio's and the sandbox's recordings), and
 * WAVE_FORMAT_EXTENSIBLE with a PCM sub-format; writes 16-bit PCM mono.
 */
export interface PcmChannels {
  sampleRate: number;
  /** One array per channel, 16-bit samples. */
  channels: Int16Array[];
  durationSec: number;
}

export class WavFormatError extends Error {}

function decodeMuLaw(u: number): number {
  u = ~u & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  let sample = ((mantissa << 3) + 0x84) << exponent;
  sample -= 0x84;
  return sign ? -sample : sample;
}

function decodeALaw(a: number): number {
  a ^= 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const sample = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return sign ? sample : -sample;
}

export function parseWav(buf: Buffer): PcmChannels {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format = 0;
  let channelCount = 0;
  let sampleRate = 0;
  let bits = 0;
  let data: Buffer | null = null;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    // A streamed WAV may carry 0 or 0xFFFFFFFF as the data size: take the rest of the file.
    if (id === 'data' && (size === 0 || body + size > buf.length)) size = buf.length - body;
    if (id === 'fmt ') {
      format = buf.readUInt16LE(body);
      channelCount = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if (format === 0xfffe && size >= 26) format = buf.readUInt16LE(body + 24);
    } else if (id === 'data') {
      data = buf.subarray(body, body + size);
    }
    offset = body + size + (size % 2);
  }
  if (!format || !data) throw new WavFormatError('WAV without fmt or data chunk');
  if (channelCount < 1 || channelCount > 8 || sampleRate < 1000)
    throw new WavFormatError(`unsupported WAV: ${channelCount} channels at ${sampleRate} Hz`);
  const bytesPerSample = format === 7 || format === 6 ? 1 : bits / 8;
  if (!(format === 1 && [1, 2, 3, 4].includes(bytesPerSample)) && format !== 6 && format !== 7) {
    throw new WavFormatError(`unsupported WAV encoding (format ${format}, ${bits} bits)`);
  }
  const frames = Math.floor(data.length / (bytesPerSample * channelCount));
  const channels = Array.from({ length: channelCount }, () => new Int16Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channelCount; c++) {
      const p = (f * channelCount + c) * bytesPerSample;
      let v: number;
      if (format === 7) v = decodeMuLaw(data[p]);
      else if (format === 6) v = decodeALaw(data[p]);
      else if (bytesPerSample === 1) v = (data[p] - 128) << 8;
      else if (bytesPerSample === 2) v = data.readInt16LE(p);
      else if (bytesPerSample === 3) v = data.readIntLE(p, 3) >> 8;
      else v = data.readInt32LE(p) >> 16;
      channels[c][f] = v;
    }
  }
  return { sampleRate, channels, durationSec: frames / sampleRate };
}

export function encodeWavMono(samples: Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(out, 44);
  return out;
}

/** Builds a multi-channel 16-bit PCM WAV (tests, the sandbox's fixtures). */
export function encodeWav(channels: Int16Array[], sampleRate: number): Buffer {
  const n = channels.length;
  const frames = channels[0]?.length ?? 0;
  const dataBytes = frames * n * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(n, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * n * 2, 28);
  out.writeUInt16LE(n * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let f = 0; f < frames; f++) for (let c = 0; c < n; c++) out.writeInt16LE(channels[c][f], 44 + (f * n + c) * 2);
  return out;
}

export interface Region {
  /** Sample indices, end exclusive. */
  start: number;
  end: number;
}

/**
 * Finds stretches of speech by short-time energy: 20 ms frames above a threshold set from the channel's own
 * noise floor, joined across pauses shorter than `joinGapSec`, padded so that word edges are not clipped.
 */
export function speechRegions(
  samples: Int16Array,
  sampleRate: number,
  opts: { joinGapSec?: number; minSpeechSec?: number; padSec?: number } = {},
): Region[] {
  const frame = Math.max(1, Math.round(sampleRate * 0.02));
  const frames = Math.floor(samples.length / frame);
  if (frames === 0) return [];
  const rms = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += samples[i] * samples[i];
    rms[f] = Math.sqrt(sum / frame);
  }
  const sorted = [...rms].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.1)];
  const peak = sorted[Math.floor(sorted.length * 0.98)];
  // Speech sits well above the floor; an absolute minimum keeps pure digital silence from counting as speech.
  const threshold = Math.max(200, floor * 3, floor + (peak - floor) * 0.08);
  const joinGap = Math.round((opts.joinGapSec ?? 0.6) / 0.02);
  const minSpeech = Math.round((opts.minSpeechSec ?? 0.2) / 0.02);
  const pad = Math.round((opts.padSec ?? 0.15) * sampleRate);
  const regions: Region[] = [];
  let runStart = -1;
  let lastLoud = -1;
  for (let f = 0; f <= frames; f++) {
    const loud = f < frames && rms[f] >= threshold;
    if (loud) {
      if (runStart < 0) runStart = f;
      else if (f - lastLoud > joinGap) {
        if (lastLoud - runStart + 1 >= minSpeech)
          regions.push({ start: runStart * frame, end: (lastLoud + 1) * frame });
        runStart = f;
      }
      lastLoud = f;
    }
  }
  if (runStart >= 0 && lastLoud - runStart + 1 >= minSpeech)
    regions.push({ start: runStart * frame, end: (lastLoud + 1) * frame });
  return regions.map((r) => ({ start: Math.max(0, r.start - pad), end: Math.min(samples.length, r.end + pad) }));
}

/**
 * Cuts a channel into pieces of at most `maxSamples`, cutting in the middle of the longest pause near the end
 * of each piece so that no word is split between two uploads.
 */
export function splitAtPauses(samples: Int16Array, sampleRate: number, maxSamples: number): Region[] {
  if (samples.length <= maxSamples) return [{ start: 0, end: samples.length }];
  const regions = speechRegions(samples, sampleRate);
  const pieces: Region[] = [];
  let start = 0;
  while (samples.length - start > maxSamples) {
    const limit = start + maxSamples;
    // The widest gap between speech regions in the last quarter of the allowed window.
    let cut = limit;
    let widest = 0;
    for (let i = 0; i + 1 < regions.length; i++) {
      const gapStart = regions[i].end;
      const gapEnd = regions[i + 1].start;
      if (gapEnd <= start + maxSamples * 0.75 || gapStart >= limit) continue;
      const a = Math.max(gapStart, start + Math.floor(maxSamples * 0.75));
      const b = Math.min(gapEnd, limit);
      if (b - a > widest) {
        widest = b - a;
        cut = Math.floor((a + b) / 2);
      }
    }
    pieces.push({ start, end: cut });
    start = cut;
  }
  pieces.push({ start, end: samples.length });
  return pieces;
}
