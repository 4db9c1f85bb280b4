import { SAMPLE_RATE } from './speech';

/**
 * Recording media as Twilio serves it: 8 kHz 16-bit PCM WAV (written by audio/wav.ts; MP3 is encoded in the
 * audio worker), one channel per call leg for dual-channel recordings (channel 1 the parent call, channel 2 the
 * dialled party). This lays the parties' speech out on those channels.
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
