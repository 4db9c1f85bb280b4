import { describe, expect, it } from 'vitest';
import {
  computePeaks,
  levelToFloatPeaks,
  peaksFileProblem,
  pickPeaksLevel,
  withChannelOrder,
} from '../../shared/peaks';

const tone = (seconds: number, rate: number, amplitude: (t: number) => number): Float32Array => {
  const out = new Float32Array(seconds * rate);
  for (let i = 0; i < out.length; i++) out[i] = amplitude(i / rate) * Math.sin(i * 0.3);
  return out;
};

describe('peaks file', () => {
  const rate = 8000;
  // Customer speaks in the first second only, the assessor in the second only.
  const customer = tone(2, rate, (t) => (t < 1 ? 0.8 : 0));
  const assessor = tone(2, rate, (t) => (t >= 1 ? -0.5 : 0));
  const file = computePeaks([customer, assessor], rate, ['customer', 'assessor'], [2, 10], 100);

  it('keeps each channel apart at every level, coarsest first', () => {
    expect(peaksFileProblem(file)).toBeNull();
    expect(file.durationSec).toBe(2);
    expect(file.levels.map((l) => [l.peaksPerSecond, l.data[0].length, l.data[1].length])).toEqual([
      [2, 4, 4],
      [10, 20, 20],
    ]);
    expect(file.levels[0].data[0].map((v) => v > 70)).toEqual([true, true, false, false]);
    expect(file.levels[0].data[1].map((v) => v > 40)).toEqual([false, false, true, true]);
  });

  it('a folded coarse level equals one computed from the samples directly', () => {
    const direct = computePeaks([customer, assessor], rate, ['customer', 'assessor'], [2], 100);
    expect(file.levels[0].data).toEqual(direct.levels[0].data);
  });

  it('picks the coarsest level with at least one peak per pixel', () => {
    expect(pickPeaksLevel(file, 1).peaksPerSecond).toBe(2);
    expect(pickPeaksLevel(file, 5).peaksPerSecond).toBe(10);
    expect(pickPeaksLevel(file, 400).peaksPerSecond).toBe(10);
  });

  it('scales stored integers back to 0..1 for the waveform', () => {
    const floats = levelToFloatPeaks(file, file.levels[0]);
    expect(floats).toHaveLength(2);
    expect(Math.max(...floats[0])).toBeLessThanOrEqual(1);
    expect(floats[0][0]).toBeCloseTo(file.levels[0].data[0][0] / 100);
  });

  it('names what is wrong with a malformed file', () => {
    expect(peaksFileProblem(null)).toBe('not an object');
    expect(peaksFileProblem({ ...file, version: 2 })).toBe('unsupported version 2');
    expect(peaksFileProblem({ ...file, channels: ['left'] })).toBe('channels must list customer and/or assessor');
    expect(peaksFileProblem({ ...file, levels: [{ peaksPerSecond: 2, data: [[1]] }] })).toBe(
      'level data does not match channels',
    );
  });

  it('puts the customer first whichever leg the recording put first', () => {
    const assessorFirst = computePeaks([assessor, customer], rate, ['assessor', 'customer'], [2, 10], 100);
    const ordered = withChannelOrder(assessorFirst);
    expect(ordered.channels).toEqual(['customer', 'assessor']);
    expect(ordered.levels.map((l) => l.data)).toEqual(file.levels.map((l) => l.data));
    expect(withChannelOrder(file)).toBe(file);
  });
});
