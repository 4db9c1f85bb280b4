import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';

/**
 * A call's own clock: real seconds, or virtual seconds that pass instantly (tests, and the demo's backdated
 * calls). An open-ended wait (a manual hang-up) passes in real time even on a virtual clock.
 */
export class CallClock {
  private t: number;
  private realMark: number | null = null;

  constructor(
    start: number,
    readonly mode: 'real' | 'virtual',
  ) {
    this.t = start;
  }

  now(): number {
    return this.realMark === null ? this.t : this.t + (Date.now() - this.realMark);
  }

  /** Lets `sec` seconds of call time pass, or less if `woken` fires first; returns the seconds that passed. */
  async pass(sec: number, woken: Promise<void>): Promise<number> {
    if (sec <= 0) return 0;
    if (this.mode === 'virtual' && Number.isFinite(sec)) {
      this.t += sec * 1000;
      await yieldToLoop();
      return sec;
    }
    // Real time passes: always in real timing, and in virtual timing for an open-ended wait (a manual hangup).
    const ac = new AbortController();
    const mark = Date.now();
    this.realMark = mark;
    const timer = Number.isFinite(sec)
      ? sleep(sec * 1000, undefined, { signal: ac.signal }).catch(() => undefined)
      : new Promise<void>(() => undefined);
    await Promise.race([timer, woken]);
    ac.abort();
    const elapsed = Math.min(Date.now() - mark, Number.isFinite(sec) ? sec * 1000 : Infinity);
    this.t += elapsed;
    this.realMark = null;
    return elapsed / 1000;
  }
}
