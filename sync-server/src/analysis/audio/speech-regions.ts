/**
 * Where the speech is in one channel of a call, so each party can be sent to a transcription model in pieces
 * under the upload limit, cut at pauses. The WAV itself is read and written by audio/wav.ts.
 */
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
