import { describe, expect, it } from 'vitest';
import {
  LOGIN_THROTTLE,
  SLOW_MAX_MS,
  SLOW_STEP_MS,
  throttleKey,
  throttleVerdict,
} from '../../sync-server/src/auth/throttle';

const rule = (scope: string) => LOGIN_THROTTLE.find((r) => r.scope === scope)!;

describe('login throttle policy', () => {
  it('refuses the attempt after LOGIN_MAX_FAILURES on one account from one address', () => {
    expect(throttleVerdict(rule('pair'), 5, 5)).toEqual({ refuse: false, delayMs: 0 });
    expect(throttleVerdict(rule('pair'), 6, 5)).toEqual({ refuse: true });
  });

  it('allows an address four times as many attempts across accounts', () => {
    expect(throttleVerdict(rule('address'), 20, 5)).toEqual({ refuse: false, delayMs: 0 });
    expect(throttleVerdict(rule('address'), 21, 5)).toEqual({ refuse: true });
  });

  it('never refuses an account as a whole; slows it more with every attempt past the limit, up to a ceiling', () => {
    const account = rule('account');
    for (const attempts of [1, 20, 21, 22, 1000]) expect(throttleVerdict(account, attempts, 5).refuse).toBe(false);
    expect(throttleVerdict(account, 20, 5)).toEqual({ refuse: false, delayMs: 0 });
    expect(throttleVerdict(account, 21, 5)).toEqual({ refuse: false, delayMs: SLOW_STEP_MS });
    expect(throttleVerdict(account, 22, 5)).toEqual({ refuse: false, delayMs: 2 * SLOW_STEP_MS });
    expect(throttleVerdict(account, 1000, 5)).toEqual({ refuse: false, delayMs: SLOW_MAX_MS });
  });

  it('counts the address first, so a refused flood does not write a row per guessed email', () => {
    expect(LOGIN_THROTTLE.map((r) => r.scope)).toEqual(['address', 'pair', 'account']);
  });

  it('keys each scope apart', () => {
    const keys = (['address', 'pair', 'account'] as const).map((s) => throttleKey(s, 'a@b.test', '10.0.0.1'));
    expect(new Set(keys).size).toBe(3);
    expect(keys).toEqual(['address:10.0.0.1', 'pair:a@b.test 10.0.0.1', 'account:a@b.test']);
  });
});
