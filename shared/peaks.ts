/**
 * The waveform peaks file the server computes once per recording at ingest and serves next to the media
 * (`peaksUrl` from `POST /api/calls/:id/media-url`). The app draws the waveform from it and never decodes
 * the audio to draw (ARCHITECTURE.md, "The desktop app").
 *
 * Shape: one array of peaks per channel per zoom level. A peak is the largest absolute sample of its bucket,
 * stored as an integer 0..`scale` so a 60-minute dual-channel file stays small as JSON. Channel order
 * follows `channels` (the same order as `CallDoc.recording.channels`).
 */
export const PEAKS_FORMAT_VERSION = 1 as const;
export const PEAK_CHANNELS = ['customer', 'assessor'] as const;
export type PeakChannel = (typeof PEAK_CHANNELS)[number];

export interface PeaksLevel {
  /** Buckets per second of audio. */
  peaksPerSecond: number;
  /** `data[c][i]`: peak of channel `channels[c]` for bucket i, integer 0..scale. */
  data: number[][];
}

export interface PeaksFile {
  version: typeof PEAKS_FORMAT_VERSION;
  /** Sample rate of the audio the peaks were computed from. */
  sampleRate: number;
  durationSec: number;
  channels: PeakChannel[];
  /** The integer standing for full scale (1.0). */
  scale: number;
  /** Coarsest first. */
  levels: PeaksLevel[];
}

/** Zoom levels computed at ingest: overview of an hour-long call, normal reading, close editing. */
export const DEFAULT_PEAK_LEVELS = [2, 10, 50] as const;
export const DEFAULT_PEAK_SCALE = 127;

/** Checks a peaks file received over the network before it is drawn; returns a reason or null. */
export function peaksFileProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const f = value as Partial<PeaksFile>;
  if (f.version !== PEAKS_FORMAT_VERSION) return `unsupported version ${String(f.version)}`;
  if (typeof f.sampleRate !== 'number' || !(f.sampleRate > 0)) return 'sampleRate missing';
  if (typeof f.durationSec !== 'number' || !(f.durationSec >= 0)) return 'durationSec missing';
  if (
    !Array.isArray(f.channels) ||
    f.channels.length === 0 ||
    f.channels.some((c) => !(PEAK_CHANNELS as readonly string[]).includes(c))
  ) {
    return 'channels must list customer and/or assessor';
  }
  if (typeof f.scale !== 'number' || !(f.scale > 0)) return 'scale missing';
  if (!Array.isArray(f.levels) || f.levels.length === 0) return 'no levels';
  for (const level of f.levels) {
    if (!(level.peaksPerSecond > 0)) return 'level without peaksPerSecond';
    if (!Array.isArray(level.data) || level.data.length !== f.channels.length)
      return 'level data does not match channels';
  }
  return null;
}

/**
 * The level to draw at a zoom of `pxPerSec`: the coarsest with at least one peak per pixel, else the finest.
 * Drawing more peaks than pixels costs time and shows nothing more.
 */
export function pickPeaksLevel(file: PeaksFile, pxPerSec: number): PeaksLevel {
  const byDetail = [...file.levels].sort((a, b) => a.peaksPerSecond - b.peaksPerSecond);
  return byDetail.find((l) => l.peaksPerSecond >= pxPerSec) ?? byDetail[byDetail.length - 1];
}

/**
 * The same peaks with channels in the given order (channels the file lacks are skipped). The player always
 * shows Customer above Assessor, whichever leg the recording put first, so a reviewer's eye finds each
 * speaker in the same place on every call.
 */
export function withChannelOrder(file: PeaksFile, order: readonly PeakChannel[] = PEAK_CHANNELS): PeaksFile {
  const index = order.map((c) => file.channels.indexOf(c)).filter((i) => i >= 0);
  if (index.length === file.channels.length && index.every((i, k) => i === k)) return file;
  return {
    ...file,
    channels: index.map((i) => file.channels[i]),
    levels: file.levels.map((l) => ({ ...l, data: index.map((i) => l.data[i]) })),
  };
}

/** One level as the per-channel float arrays (0..1) wavesurfer.js takes as `peaks`. */
export function levelToFloatPeaks(file: PeaksFile, level: PeaksLevel): Float32Array[] {
  const inv = 1 / file.scale;
  return level.data.map((channel) => {
    const out = new Float32Array(channel.length);
    for (let i = 0; i < channel.length; i++) out[i] = channel[i] * inv;
    return out;
  });
}

/**
 * Computes a peaks file from decoded channels (samples −1..1). Pure, so the server can run it at ingest
 * and tests can build expected values. One pass over the samples per channel for the finest level; the
 * coarser levels are folded from it when their rate divides the finest one.
 */
export function computePeaks(
  samples: Float32Array[],
  sampleRate: number,
  channels: PeakChannel[],
  levels: readonly number[] = DEFAULT_PEAK_LEVELS,
  scale: number = DEFAULT_PEAK_SCALE,
): PeaksFile {
  if (samples.length !== channels.length) throw new Error('one sample array per channel');
  const length = samples.reduce((m, s) => Math.max(m, s.length), 0);
  const durationSec = length / sampleRate;
  const sorted = [...levels].sort((a, b) => a - b);
  const finestRate = sorted[sorted.length - 1];
  const finest = samples.map((s) => bucketPeaks(s, sampleRate / finestRate, Math.ceil(durationSec * finestRate)));
  const out: PeaksLevel[] = sorted.map((rate) => {
    const count = Math.ceil(durationSec * rate);
    const data = finest.map((fine, c) => {
      const ratio = finestRate / rate;
      const source = Number.isInteger(ratio)
        ? fold(fine, ratio, count)
        : bucketPeaks(samples[c], sampleRate / rate, count);
      return Array.from(source, (v) => Math.min(scale, Math.round(v * scale)));
    });
    return { peaksPerSecond: rate, data };
  });
  return { version: PEAKS_FORMAT_VERSION, sampleRate, durationSec, channels: [...channels], scale, levels: out };
}

function bucketPeaks(samples: Float32Array, samplesPerBucket: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let b = 0; b < count; b++) {
    const from = Math.floor(b * samplesPerBucket);
    const to = Math.min(samples.length, Math.floor((b + 1) * samplesPerBucket));
    let max = 0;
    for (let i = from; i < to; i++) {
      const v = samples[i] < 0 ? -samples[i] : samples[i];
      if (v > max) max = v;
    }
    out[b] = max;
  }
  return out;
}

function fold(fine: Float32Array, ratio: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let b = 0; b < count; b++) {
    let max = 0;
    const end = Math.min(fine.length, (b + 1) * ratio);
    for (let i = b * ratio; i < end; i++) if (fine[i] > max) max = fine[i];
    out[b] = max;
  }
  return out;
}
