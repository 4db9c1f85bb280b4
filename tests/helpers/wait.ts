import { vi } from 'vitest';

/**
 * Waits until `probe`'s value passes `ok` and returns that value: vitest's vi.waitFor polls it (every
 * `interval` ms; a probe that throws is tried again). `timeout` is a generous bound, not a timing claim. On
 * timeout the error names what was awaited and the last value seen.
 */
export function waitUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (v: T) => boolean,
  opts: { timeout?: number; interval?: number } = {},
): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await probe();
      if (!ok(v)) throw new Error(`timed out waiting for ${what}; last value: ${shown(v)}`);
      return v;
    },
    { timeout: opts.timeout ?? 10_000, interval: opts.interval ?? 20 },
  );
}

function shown(v: unknown): string {
  try {
    return String(JSON.stringify(v)).slice(0, 500);
  } catch {
    return String(v);
  }
}
