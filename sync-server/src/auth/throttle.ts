import type { Queryable } from '../db';
import { ApiError } from '../http/errors';

/**
 * Sign-in throttling. Every attempt is counted in the database with one atomic upsert per key BEFORE the
 * password is checked, so parallel guesses cannot all pass a check that was read before any of them was
 * written: with a limit of 5, exactly 5 of 40 simultaneous guesses reach the password check.
 *
 * An attempt that is refused, or that succeeds, is taken off the counts again, so a count is the number of
 * failed checks in the window (plus those in flight). A successful sign-in clears its account-from-address
 * count.
 *
 * Why these scopes: a guesser meets the limit of the account from their address (`pair`) and of their
 * address (`address`, wider because an office signs in from behind one address). The account as a whole
 * (`account`, every address) is never refused, because then anyone who knows an email address could lock
 * its owner out by guessing from anywhere; it is only slowed once many addresses together have failed.
 */
export type ThrottleScope = 'address' | 'pair' | 'account';

export interface ThrottleRule {
  scope: ThrottleScope;
  /** The limit as a multiple of LOGIN_MAX_FAILURES. */
  factor: number;
  /** `refuse`: 429 past the limit, password not checked. `slow`: checked after a delay that grows past it. */
  effect: 'refuse' | 'slow';
}

/** In the order counted: a refusal stops before the later scopes are counted (a flood writes one row). */
export const LOGIN_THROTTLE: readonly ThrottleRule[] = [
  { scope: 'address', factor: 4, effect: 'refuse' },
  { scope: 'pair', factor: 1, effect: 'refuse' },
  { scope: 'account', factor: 4, effect: 'slow' },
];

/** Delay per attempt past a `slow` limit, and its ceiling. */
export const SLOW_STEP_MS = 500;
export const SLOW_MAX_MS = 5_000;

export type ThrottleVerdict = { refuse: true } | { refuse: false; delayMs: number };

/** What one rule says about the `attempts`-th attempt in its window (this one included). */
export function throttleVerdict(rule: ThrottleRule, attempts: number, maxFailures: number): ThrottleVerdict {
  const limit = rule.factor * maxFailures;
  if (attempts <= limit) return { refuse: false, delayMs: 0 };
  if (rule.effect === 'refuse') return { refuse: true };
  return { refuse: false, delayMs: Math.min((attempts - limit) * SLOW_STEP_MS, SLOW_MAX_MS) };
}

export function throttleKey(scope: ThrottleScope, email: string, address: string): string {
  switch (scope) {
    case 'address':
      return `address:${address}`;
    case 'pair':
      return `pair:${email} ${address}`;
    case 'account':
      return `account:${email}`;
  }
}

export interface ThrottleLimits {
  maxFailures: number;
  windowMinutes: number;
}

/** Counts one attempt against `key` in one statement; a window older than `windowMinutes` starts again. */
async function countAttempt(
  q: Queryable,
  key: string,
  windowMinutes: number,
): Promise<{ attempts: number; retryAfterSeconds: number }> {
  const { rows } = await q.query<{ attempts: number; retry_after: number }>(
    `INSERT INTO login_throttle AS t (key, window_start, attempts) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       attempts = CASE WHEN t.window_start <= now() - make_interval(mins => $2) THEN 1 ELSE t.attempts + 1 END,
       window_start = CASE WHEN t.window_start <= now() - make_interval(mins => $2) THEN now() ELSE t.window_start END
     RETURNING attempts,
       ceil(extract(epoch FROM t.window_start + make_interval(mins => $2) - now()))::int AS retry_after`,
    [key, windowMinutes],
  );
  return { attempts: rows[0].attempts, retryAfterSeconds: Math.max(1, rows[0].retry_after) };
}

async function uncount(q: Queryable, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await q.query('UPDATE login_throttle SET attempts = attempts - 1 WHERE key = ANY($1) AND attempts > 0', [keys]);
}

export interface AdmittedAttempt {
  /** Wait this long before checking the password (the account is being guessed from many addresses). */
  delayMs: number;
  /**
   * After the password check. Right: the attempt no longer counts and this address's count for the account
   * clears. Wrong: it stays counted.
   */
  settle(passwordWasRight: boolean): Promise<void>;
}

/**
 * Counts a sign-in attempt and admits it to the password check, or throws RATE_LIMITED (429) with the
 * seconds until the refusing window ends in `retryAfterSeconds`.
 */
export async function admitSignInAttempt(
  q: Queryable,
  who: { email: string; address: string },
  limits: ThrottleLimits,
): Promise<AdmittedAttempt> {
  const counted: string[] = [];
  let delayMs = 0;
  for (const rule of LOGIN_THROTTLE) {
    const key = throttleKey(rule.scope, who.email, who.address);
    const { attempts, retryAfterSeconds } = await countAttempt(q, key, limits.windowMinutes);
    counted.push(key);
    const verdict = throttleVerdict(rule, attempts, limits.maxFailures);
    if (verdict.refuse) {
      // A refused attempt never reached the password check, so it is no failure: take it off every count.
      await uncount(q, counted);
      throw new RateLimited(retryAfterSeconds);
    }
    delayMs = Math.max(delayMs, verdict.delayMs);
  }
  return {
    delayMs,
    async settle(passwordWasRight) {
      if (passwordWasRight) {
        const pair = throttleKey('pair', who.email, who.address);
        await q.query('DELETE FROM login_throttle WHERE key = $1', [pair]);
        await uncount(
          q,
          counted.filter((k) => k !== pair),
        );
      }
      // Expired windows are dead weight; the index on window_start keeps this cheap.
      await q.query('DELETE FROM login_throttle WHERE window_start < now() - make_interval(mins => $1)', [
        limits.windowMinutes,
      ]);
    },
  };
}

export class RateLimited extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `too many sign-in attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`);
  }
}
