import {
  DEFAULT_PEAK_SCALE,
  PEAKS_FORMAT_VERSION,
  type PeakChannel,
  type PeaksFile,
  type PeaksLevel,
} from '../../../shared/peaks';

/**
 * Streaming peak computation for ingest: the same result as `computePeaks` in shared/peaks.ts (which needs
 * every sample decoded to floats at once, ~230 MB for an hour of dual-channel audio), computed chunk by chunk
 * from interleaved 16-bit samples while the file is read once.
 *
 * Buckets follow shared/peaks.ts exactly: bucket b of a level with `rate` peaks per second covers samples
 * [floor(b·sr/rate), floor((b+1)·sr/rate)); its value is the largest |sample| (as a fraction of full scale,
 * 32768) × scale, rounded. Coarser levels are folded from the finest when their rate divides it.
 */
export class PeaksAccumulator {
  private readonly finestRate: number;
  private readonly samplesPerBucket: number;
  private readonly channelCount: number;
  /** Finest-level maxima per channel, as integers 0..32768; grown as buckets complete. */
  private fine: Uint16Array[];
  private bucket = 0;
  private nextBoundary: number;
  private frame = 0;
  private current: Int32Array;

  constructor(
    private readonly sampleRate: number,
    private readonly channels: PeakChannel[],
    private readonly levels: readonly number[],
    private readonly scale: number = DEFAULT_PEAK_SCALE,
    expectedFrames = 0,
  ) {
    if (levels.length === 0) throw new Error('at least one peaks level');
    this.channelCount = channels.length;
    this.finestRate = Math.max(...levels);
    this.samplesPerBucket = sampleRate / this.finestRate;
    this.nextBoundary = Math.floor(this.samplesPerBucket);
    const initial = Math.max(16, Math.ceil((expectedFrames / sampleRate) * this.finestRate) + 1);
    this.fine = channels.map(() => new Uint16Array(initial));
    this.current = new Int32Array(this.channelCount);
  }

  /** Adds whole frames of interleaved samples (`channelCount` values per frame, channel order as constructed). */
  push(interleaved: Int16Array): void {
    const n = this.channelCount;
    const frames = (interleaved.length / n) | 0;
    if (n === 2) {
      this.pushStereo(interleaved, frames);
      return;
    }
    const cur = this.current;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < n; c++) {
        const s = interleaved[i * n + c];
        const a = s < 0 ? -s : s;
        if (a > cur[c]) cur[c] = a;
      }
      if (++this.frame >= this.nextBoundary) this.closeBucket();
    }
  }

  /**
   * The hot path (every Twilio dual-channel recording), unrolled for two channels. Works bucket by bucket, so
   * the inner loop has no boundary test, and takes |sample| without a branch.
   */
  private pushStereo(x: Int16Array, frames: number): void {
    let i = 0;
    while (i < frames) {
      const take = Math.min(frames - i, this.nextBoundary - this.frame);
      let a0 = this.current[0];
      let a1 = this.current[1];
      const end = (i + take) * 2;
      for (let j = i * 2; j < end; j += 2) {
        const s0 = x[j];
        const s1 = x[j + 1];
        const m0 = (s0 ^ (s0 >> 31)) - (s0 >> 31);
        const m1 = (s1 ^ (s1 >> 31)) - (s1 >> 31);
        a0 = m0 > a0 ? m0 : a0;
        a1 = m1 > a1 ? m1 : a1;
      }
      this.current[0] = a0;
      this.current[1] = a1;
      i += take;
      this.frame += take;
      if (this.frame >= this.nextBoundary) this.closeBucket();
    }
  }

  private closeBucket(): void {
    const b = this.bucket;
    if (b >= this.fine[0].length) this.fine = this.fine.map((arr) => grow(arr));
    for (let c = 0; c < this.channelCount; c++) {
      this.fine[c][b] = this.current[c];
      this.current[c] = 0;
    }
    this.bucket = b + 1;
    this.nextBoundary = Math.floor((this.bucket + 1) * this.samplesPerBucket);
  }

  /** Frames pushed so far. */
  get frames(): number {
    return this.frame;
  }

  /**
   * Finishes and returns one peaks file per group of levels (for example the overview levels served first and
   * a detail level fetched when the reviewer zooms in). Every group's levels must be among the constructed ones.
   */
  finish(groups: ReadonlyArray<readonly number[]> = [this.levels]): PeaksFile[] {
    const durationSec = this.frame / this.sampleRate;
    // The partly filled last bucket.
    if (this.frame > Math.floor(this.bucket * this.samplesPerBucket)) this.closeBucket();
    const fineCount = Math.ceil(durationSec * this.finestRate);
    const byRate = new Map<number, PeaksLevel>();
    for (const rate of this.levels) {
      const count = Math.ceil(durationSec * rate);
      const ratio = this.finestRate / rate;
      if (!Number.isInteger(ratio))
        throw new Error(`peaks level ${rate}/s does not divide the finest level ${this.finestRate}/s`);
      const data = this.fine.map((fine) => {
        const out = new Array<number>(count);
        for (let b = 0; b < count; b++) {
          let max = 0;
          const end = Math.min(fineCount, this.bucket, (b + 1) * ratio);
          for (let i = b * ratio; i < end; i++) if (fine[i] > max) max = fine[i];
          out[b] = Math.min(this.scale, Math.round((max / 32768) * this.scale));
        }
        return out;
      });
      byRate.set(rate, { peaksPerSecond: rate, data });
    }
    return groups.map((group) => {
      const sorted = [...group].sort((a, b) => a - b);
      const levels = sorted.map((rate) => {
        const level = byRate.get(rate);
        if (!level) throw new Error(`peaks level ${rate}/s was not computed`);
        return level;
      });
      return {
        version: PEAKS_FORMAT_VERSION,
        sampleRate: this.sampleRate,
        durationSec,
        channels: [...this.channels],
        scale: this.scale,
        levels,
      };
    });
  }
}

function grow(arr: Uint16Array): Uint16Array {
  const next = new Uint16Array(arr.length * 2);
  next.set(arr);
  return next;
}
