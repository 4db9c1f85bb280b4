// The days of a date input are the device's; pin the zone to one with clock changes so the test means the
// same on every machine (Node reads TZ again whenever it changes). Put back afterwards.
const zoneBefore = process.env.TZ;
process.env.TZ = 'Europe/London';

import { afterAll, describe, expect, it } from 'vitest';
import { dayAfter, dayEnd, dayStart, isoDay } from '../../renderer/src/ui/days';
import { formatClock, percent } from '../../renderer/src/ui/format';

const HOUR = 3600_000;

afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

describe('ui/days: calendar days for date inputs and filters', () => {
  it('reads back the day it was given, from its first to its last millisecond', () => {
    expect(isoDay(dayStart('2026-07-14'))).toBe('2026-07-14');
    expect(isoDay(dayEnd('2026-07-14'))).toBe('2026-07-14');
    expect(isoDay(dayEnd('2026-07-14') + 1)).toBe('2026-07-15');
    expect(isoDay(null)).toBe('');
  });

  it('ends a day at the next midnight even when the clocks change that day', () => {
    // 29 March 2026: the clocks go forward, the day has 23 hours; 25 October 2026: back, 25 hours.
    expect(dayAfter('2026-03-29') - dayStart('2026-03-29')).toBe(23 * HOUR);
    expect(isoDay(dayAfter('2026-03-29') - 1)).toBe('2026-03-29');
    expect(dayAfter('2026-10-25') - dayStart('2026-10-25')).toBe(25 * HOUR);
    expect(isoDay(dayAfter('2026-10-25'))).toBe('2026-10-26');
    expect(dayAfter('2026-07-14') - dayStart('2026-07-14')).toBe(24 * HOUR);
  });
});

describe('ui/format: recording positions and shares', () => {
  it('shows positions as m:ss, and h:mm:ss past the hour', () => {
    expect(formatClock(-3)).toBe('0:00');
    expect(formatClock(59.99)).toBe('0:59');
    expect(formatClock(3600)).toBe('1:00:00');
  });

  it('shows a share as a whole percentage', () => {
    expect(percent(0.505)).toBe('51%');
    expect(percent(1)).toBe('100%');
  });
});
