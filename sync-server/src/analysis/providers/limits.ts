import OpenAI from 'openai';
import { PermanentJobError, RetryLaterError } from '../../jobs/queue';

/**
 * A sliding-window request limiter shared by every job of one server instance for one provider, so a re-run
 * over thousands of calls does not exceed the provider's requests-per-minute quota. 429s that still happen
 * (several instances, other users of the key) go back to the job queue with the server's Retry-After.
 */
export class RateLimiter {
  private readonly sent: number[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly perMinute: number,
    private readonly clock: { now(): number; sleep(ms: number): Promise<void> } = {
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
  ) {}

  /** Resolves when one more request may be sent. Callers are served in order. */
  take(): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        const now = this.clock.now();
        while (this.sent.length && this.sent[0] <= now - 60_000) this.sent.shift();
        if (this.sent.length < this.perMinute) {
          this.sent.push(now);
          return;
        }
        await this.clock.sleep(this.sent[0] + 60_000 - now);
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** Delay the server asks for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/**
 * Turns a provider failure into what the job queue should do: wait as told (429/503 with Retry-After), retry
 * with backoff (other 429/5xx, network errors, malformed answers), or fail at once (bad key, unknown model,
 * a request the API rejects: retrying cannot help and would only cost money).
 */
export function toJobError(err: unknown, what: string): Error {
  if (err instanceof RetryLaterError || err instanceof PermanentJobError) return err;
  if (err instanceof OpenAI.APIConnectionError)
    return new Error(
      `${what}: could not reach the provider (${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''})`,
    );
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const message = `${what}: provider answered ${status} ${err.message}`.slice(0, 1000);
    if (status === 429 || status >= 500 || status === 408 || status === 409) {
      const wait = retryAfterMs(err.headers);
      return wait !== null ? new RetryLaterError(message, Math.min(wait, 15 * 60_000)) : new Error(message);
    }
    return new PermanentJobError(message);
  }
  return err instanceof Error ? err : new Error(String(err));
}
