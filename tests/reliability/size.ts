/**
 * The reliability probes run twice over: bounded in every `npm test` (CI), and at ten times the size with
 * `npm run soak` (RINGSIDE_SOAK=1). Each probe scales its counts with `scaled` and prints what it tried and
 * what held with `report`, so a run's figures can be quoted.
 */
export const SOAK = process.env.RINGSIDE_SOAK === '1';

/** 1 in CI, 10 in a soak. */
export const SIZE = SOAK ? 10 : 1;

export const scaled = (n: number): number => Math.round(n * SIZE);

/** Per-test timeout: generous, since a test's length grows with SIZE; nothing asserts on time. */
export const PROBE_TIMEOUT = SOAK ? 60 * 60_000 : 180_000;

/** One line per probe, e.g. `fuzz: 3,200 requests, 0 server errors`. */
export function report(line: string): void {
  console.log(`[reliability${SOAK ? ' soak' : ''}] ${line}`);
}

export const fmt = (n: number): string => n.toLocaleString('en-GB');
