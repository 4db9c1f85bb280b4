import { SAMPLE_RATE } from './speech';

/**
 * Recording media as Twilio serves it: 8 kHz 16-bit PCM WAV (MP3 is encoded in the audio worker), one channel
 * per call leg for dual-channel recordings (channel 1 the parent call, channel 2 the dialled party).
 */

export interface PlacedClip {
  /** 0-based channel index. */
  channel: number;
  /** Start in seconds from the beginning of the recording. */
  start: number;
  pcm: Int16Array;
  /** Seconds of the clip to keep (a call may end mid-sentence). */
  keep?: number;
}

/** A quiet, deterministic line hiss so silent stretches do not draw as a flat line. */
function hiss(seed: number, length: number, out: Int16Array): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s & 0xff) - 128) >> 2;
  }
}

/** Lays clips out on `channels` channels of `seconds` seconds; `muted` spans (paused recording) are silent. */
export function mixChannels(opts: {
  seconds: number;
  channels: number;
  clips: PlacedClip[];
  seed: number;
  muted?: Array<[number, number]>;
}): Int16Array[] {
  const length = Math.max(0, Math.round(opts.seconds * SAMPLE_RATE));
  const out: Int16Array[] = [];
  for (let c = 0; c < opts.channels; c++) {
    const ch = new Int16Array(length);
    hiss(opts.seed + c * 7919, length, ch);
    out.push(ch);
  }
  for (const clip of opts.clips) {
    const ch = out[Math.min(clip.channel, opts.channels - 1)];
    const start = Math.round(clip.start * SAMPLE_RATE);
    const keep =
      clip.keep === undefined ? clip.pcm.length : Math.min(clip.pcm.length, Math.round(clip.keep * SAMPLE_RATE));
    for (let i = 0; i < keep; i++) {
      const j = start + i;
      if (j < 0) continue;
      if (j >= length) break;
      const v = ch[j] + clip.pcm[i];
      ch[j] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
  }
  for (const [from, to] of opts.muted ?? []) {
    const a = Math.max(0, Math.round(from * SAMPLE_RATE));
    const b = Math.min(length, Math.round(to * SAMPLE_RATE));
    for (const ch of out) ch.fill(0, a, Math.max(a, b));
  }
  return out;
}

/** Mixes several channels down to one (RequestedChannels=1). */
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

export function encodeWav(channels: Int16Array[]): Buffer {
  const n = channels.length;
  const frames = channels[0]?.length ?? 0;
  const dataBytes = frames * n * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(n, 22);
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE * n * 2, 28);
  buf.writeUInt16LE(n * 2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  let o = 44;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < n; c++) {
      buf.writeInt16LE(channels[c][i], o);
      o += 2;
    }
  }
  return buf;
}

/** Reads back what encodeWav wrote (tests use it to check channel content). */
export function decodeWav(buf: Buffer): { sampleRate: number; channels: Int16Array[] } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV file');
  let offset = 12;
  let n = 1;
  let sampleRate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      n = buf.readUInt16LE(offset + 10);
      sampleRate = buf.readUInt32LE(offset + 12);
    } else if (id === 'data') {
      const frames = Math.floor(size / (2 * n));
      const channels = Array.from({ length: n }, () => new Int16Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < n; c++) channels[c][i] = buf.readInt16LE(offset + 8 + (i * n + c) * 2);
      }
      return { sampleRate, channels };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}
