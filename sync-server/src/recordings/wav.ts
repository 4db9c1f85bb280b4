import fs from 'node:fs/promises';

/**
 * Reading WAV (RIFF/WAVE) headers. Twilio serves recordings as 16-bit linear PCM WAV at 8 kHz, one channel per
 * leg for dual-channel recordings (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file).
 * We also accept the other encodings a WAV commonly carries (8/24/32-bit PCM, G.711 µ-law and A-law,
 * WAVE_FORMAT_EXTENSIBLE) so a media file is never refused only for its encoding.
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
function mulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return v & 0x80 ? -magnitude : magnitude;
}

/** G.711 A-law byte → 16-bit linear (ITU-T G.711). */
function alawToLinear(a: number): number {
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

/** Builds a 16-bit PCM WAV file (tests, the benchmark and demo data use it to synthesise recordings). */
export function encodeWav16(channels: Int16Array[], sampleRate: number): Buffer {
  const frames = channels[0]?.length ?? 0;
  const count = channels.length;
  const dataBytes = frames * count * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(count, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * count * 2, 28);
  out.writeUInt16LE(count * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  const view = new Int16Array(out.buffer, out.byteOffset + 44, frames * count);
  for (let i = 0; i < frames; i++) for (let c = 0; c < count; c++) view[i * count + c] = channels[c][i];
  return out;
}
