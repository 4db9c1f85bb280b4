import fs from 'node:fs/promises';

/**
 * The server's one WAV (RIFF/WAVE) module: reading headers, decoding samples and writing files, for recordings
 * (ingest, peaks, download checks), the analysis (each party sent to transcription on its own) and the Twilio
 * sandbox (the recordings it serves).
 *
 * Twilio serves recordings as 16-bit linear PCM WAV at 8 kHz, one channel per leg for dual-channel recordings
 * (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file). We also read the other
 * encodings a WAV commonly carries (8/24/32-bit PCM, G.711 µ-law and A-law, WAVE_FORMAT_EXTENSIBLE with either)
 * so a media file is never refused only for its encoding, and write 16-bit PCM or µ-law. Samples in memory are
 * always 16-bit, one Int16Array per channel. Other containers (MP3 clips) can join here as their own encoders.
 */
export type WavEncoding = 'pcm' | 'mulaw' | 'alaw';

export interface WavInfo {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per frame (one sample of every channel). */
  blockAlign: number;
  /** Offset of the first sample byte in the file. */
  dataOffset: number;
  /** Bytes of sample data actually present (never more than the file holds). */
  dataBytes: number;
  /** Bytes of sample data the header declares; larger than dataBytes when the file is truncated. */
  declaredDataBytes: number;
  frames: number;
  durationSec: number;
}

export class WavFormatError extends Error {
  constructor(
    message: string,
    /** True when the file ends early: downloading again may help. */
    readonly truncated = false,
  ) {
    super(message);
  }
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Data chunk sizes some streaming writers leave in the header when they do not know the length. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);
const HEADER_PROBE_BYTES = 64 * 1024;

/** Parses the header of a WAV file on disk: walks the RIFF chunks up to `data`. */
export async function readWavInfo(filePath: string): Promise<WavInfo> {
  const handle = await fs.open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const probe = Buffer.alloc(Math.min(size, HEADER_PROBE_BYTES));
    await handle.read(probe, 0, probe.length, 0);
    return parseWavHeader(probe, size);
  } finally {
    await handle.close();
  }
}

/**
 * Parses a WAV header from the first bytes of a file of `fileSize` bytes. The `fmt ` and `data` chunk headers
 * must be inside `head` (they are within the first few hundred bytes of any real file).
 */
export function parseWavHeader(head: Buffer, fileSize: number): WavInfo {
  if (head.length < 12) throw new WavFormatError('file too short for a WAV header', fileSize < 12);
  if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file');
  }
  let offset = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'declaredDataBytes' | 'frames' | 'durationSec'> | null = null;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + 16 > head.length) throw new WavFormatError('fmt chunk cut short', body + 16 > fileSize);
      fmt = parseFmt(head, body, size);
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError('data chunk before fmt chunk');
      const available = Math.max(0, fileSize - body);
      const declared = UNKNOWN_SIZES.has(size) ? available : size;
      const dataBytes = Math.min(declared, available);
      const frames = Math.floor(dataBytes / fmt.blockAlign);
      return {
        ...fmt,
        dataOffset: body,
        dataBytes,
        declaredDataBytes: declared,
        frames,
        durationSec: frames / fmt.sampleRate,
      };
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = body + size + (size & 1);
  }
  throw new WavFormatError('no data chunk in the header', offset >= fileSize);
}

function parseFmt(buf: Buffer, at: number, size: number) {
  let format = buf.readUInt16LE(at);
  const channels = buf.readUInt16LE(at + 2);
  const sampleRate = buf.readUInt32LE(at + 4);
  const blockAlign = buf.readUInt16LE(at + 12);
  const bitsPerSample = buf.readUInt16LE(at + 14);
  if (format === WAVE_FORMAT_EXTENSIBLE) {
    // WAVEFORMATEXTENSIBLE: the real format code is the first two bytes of the SubFormat GUID (offset 24).
    if (size < 40 || at + 26 > buf.length) throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE header cut short');
    format = buf.readUInt16LE(at + 24);
  }
  let encoding: WavEncoding;
  if (format === WAVE_FORMAT_PCM) {
    if (![8, 16, 24, 32].includes(bitsPerSample))
      throw new WavFormatError(`unsupported PCM sample size ${bitsPerSample} bits`);
    encoding = 'pcm';
  } else if (format === WAVE_FORMAT_MULAW || format === WAVE_FORMAT_ALAW) {
    if (bitsPerSample !== 8) throw new WavFormatError('G.711 WAV must have 8-bit samples');
    encoding = format === WAVE_FORMAT_MULAW ? 'mulaw' : 'alaw';
  } else {
    throw new WavFormatError(`unsupported WAV format code 0x${format.toString(16)}`);
  }
  if (channels < 1 || channels > 8) throw new WavFormatError(`unsupported channel count ${channels}`);
  if (sampleRate < 4000 || sampleRate > 192000) throw new WavFormatError(`implausible sample rate ${sampleRate}`);
  if (blockAlign !== channels * (bitsPerSample / 8))
    throw new WavFormatError('block align does not match channels and sample size');
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign };
}

/** G.711 µ-law byte → 16-bit linear (ITU-T G.711). */
export function mulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return v & 0x80 ? -magnitude : magnitude;
}

/** G.711 A-law byte → 16-bit linear (ITU-T G.711). */
export function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if (magnitude > 32767) magnitude = 32767;
  return v & 0x80 ? magnitude : -magnitude;
}

const MULAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => mulawToLinear(i));
const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

/**
 * Converts whole frames of sample bytes to interleaved 16-bit samples. 16-bit PCM is viewed in place when the
 * buffer is aligned (the common case), otherwise copied.
 */
export function toInt16Interleaved(info: Pick<WavInfo, 'encoding' | 'bitsPerSample'>, bytes: Buffer): Int16Array {
  if (info.encoding === 'mulaw' || info.encoding === 'alaw') {
    const table = info.encoding === 'mulaw' ? MULAW_TABLE : ALAW_TABLE;
    const out = new Int16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
    return out;
  }
  switch (info.bitsPerSample) {
    case 16:
      if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
      return new Int16Array(Uint8Array.from(bytes).buffer);
    case 8: {
      // 8-bit PCM is unsigned with 128 as silence.
      const out = new Int16Array(bytes.length);
      for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] - 128) << 8;
      return out;
    }
    case 24: {
      const out = new Int16Array(bytes.length / 3);
      for (let i = 0, j = 0; j < out.length; i += 3, j++) out[j] = bytes.readInt16LE(i + 1);
      return out;
    }
    default: {
      const out = new Int16Array(bytes.length / 4);
      for (let i = 0, j = 0; j < out.length; i += 4, j++) out[j] = bytes.readInt16LE(i + 2);
      return out;
    }
  }
}

/** Decoded audio: one array of 16-bit samples per channel. */
export interface PcmChannels {
  sampleRate: number;
  channels: Int16Array[];
  durationSec: number;
}

/** Decodes a whole WAV file held in memory into one 16-bit array per channel. */
export function decodeWav(buf: Buffer): PcmChannels {
  const info = parseWavHeader(buf, buf.length);
  const bytes = buf.subarray(info.dataOffset, info.dataOffset + info.frames * info.blockAlign);
  const interleaved = toInt16Interleaved(info, bytes);
  return {
    sampleRate: info.sampleRate,
    channels: deinterleave(interleaved, info.channels),
    durationSec: info.durationSec,
  };
}

/** Splits interleaved samples (one of each channel per frame) into one array per channel. */
export function deinterleave(interleaved: Int16Array, channelCount: number): Int16Array[] {
  const frames = Math.floor(interleaved.length / channelCount);
  const channels = Array.from({ length: channelCount }, () => new Int16Array(frames));
  for (let f = 0; f < frames; f++)
    for (let c = 0; c < channelCount; c++) channels[c][f] = interleaved[f * channelCount + c];
  return channels;
}

/** What encodeWav writes: 16-bit linear PCM, or G.711 µ-law (8 bits a sample, as telephone audio travels). */
export type WavOutputEncoding = 'pcm16' | 'mulaw';

/** 16-bit linear → G.711 µ-law byte (ITU-T G.711: bias 0x84, clipped at 32635). */
export function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample)) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return s;
}

/**
 * Builds a WAV file from one array of 16-bit samples per channel (all the same length): 16-bit PCM by default,
 * or µ-law. A canonical 44-byte header (a WAVE_FORMAT_PCM or WAVE_FORMAT_MULAW fmt chunk, then data).
 */
export function encodeWav(channels: Int16Array[], sampleRate: number, encoding: WavOutputEncoding = 'pcm16'): Buffer {
  if (channels.length < 1 || channels.length > 8) throw new WavFormatError(`cannot write ${channels.length} channels`);
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) throw new WavFormatError('channels of different lengths');
  const count = channels.length;
  const bytesPerSample = encoding === 'pcm16' ? 2 : 1;
  const dataBytes = frames * count * bytesPerSample;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(encoding === 'pcm16' ? WAVE_FORMAT_PCM : WAVE_FORMAT_MULAW, 20);
  out.writeUInt16LE(count, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * count * bytesPerSample, 28);
  out.writeUInt16LE(count * bytesPerSample, 32);
  out.writeUInt16LE(bytesPerSample * 8, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  if (encoding === 'pcm16') {
    const view = new Int16Array(out.buffer, out.byteOffset + 44, frames * count);
    for (let i = 0; i < frames; i++) for (let c = 0; c < count; c++) view[i * count + c] = channels[c][i];
  } else {
    for (let i = 0; i < frames; i++)
      for (let c = 0; c < count; c++) out[44 + i * count + c] = linearToMulaw(channels[c][i]);
  }
  return out;
}

/** Mixes several channels down to one, clipping at the 16-bit range (a mono copy of a dual-channel call). */
export function downmix(channels: Int16Array[]): Int16Array {
  if (channels.length === 1) return channels[0];
  const out = new Int16Array(channels[0].length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const ch of channels) sum += ch[i];
    out[i] = Math.max(-32768, Math.min(32767, sum));
  }
  return out;
}
