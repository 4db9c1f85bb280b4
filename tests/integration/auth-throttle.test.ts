import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser, revokeUser } from '../../sync-server/src/auth/users';
import { waitFor } from '../helpers/rxdb-node';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Sign-in throttling against a real server (sync-server/src/auth/throttle.ts). The password module is the
 * real one; it is only observed, to see which hash each sign-in is checked against.
 */
const checked = vi.hoisted(() => ({ hashes: [] as string[] }));
vi.mock('../../sync-server/src/auth/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../sync-server/src/auth/passwords')>();
  return {
    ...real,
    verifyPassword: async (password: string, stored: string) => {
      checked.hashes.push(stored);
      return real.verifyPassword(password, stored);
    },
  };
});

const MAX = 5;
let server: TestServer;
let slowServer: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_FAILURES: String(MAX) } });
  slowServer = await startTestServer({ env: { LOGIN_MAX_FAILURES: '1' } });
  for (const [i, email] of ['burst', 'inside', 'flooded', 'cleared', 'known', 'gone'].entries()) {
    await createUser(server.db, { email: `${email}@reviews.test`, password: `right-password-${i}`, role: 'reviewer' });
  }
  await revokeUser(server.db, 'gone@reviews.test');
  await createUser(slowServer.db, { email: 'many@reviews.test', password: 'right-password-many', role: 'reviewer' });
});
afterAll(async () => {
  await server?.close();
  await slowServer?.close();
});
beforeEach(() => {
  checked.hashes.length = 0;
});

/** Signs in from `address` (the server trusts X-Forwarded-For from loopback, as behind a local proxy). */
async function login(s: TestServer, email: string, password: string, address: string) {
  const res = await s.api('/api/auth/login', {
    method: 'POST',
    json: { email, password },
    headers: { 'x-forwarded-for': address },
  });
  const body = (await res.json()) as { token?: string; error?: { code: string } };
  return { status: res.status, code: body.error?.code, body, headers: res.headers };
}

async function pairCount(email: string, address: string): Promise<number> {
  const { rows } = await server.db.query<{ attempts: number }>('SELECT attempts FROM login_throttle WHERE key = $1', [
    `pair:${email} ${address}`,
  ]);
  return rows[0]?.attempts ?? 0;
}

describe('sign-in throttling', () => {
  it('of 40 simultaneous wrong passwords exactly LOGIN_MAX_FAILURES are checked; the rest get 429 RATE_LIMITED', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(server, 'burst@reviews.test', `wrong-${i}`, '10.1.0.1')),
    );
    const statuses = results.map((r) => `${r.status} ${r.code}`);
    expect(statuses.filter((s) => s === '401 INVALID_CREDENTIALS')).toHaveLength(MAX);
    expect(statuses.filter((s) => s === '429 RATE_LIMITED')).toHaveLength(40 - MAX);
    expect(checked.hashes).toHaveLength(MAX);
    const refused = results.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses the right password sent inside a burst once the limit is taken', async () => {
    const burst = Array.from({ length: 29 }, (_, i) => login(server, 'inside@reviews.test', `wrong-${i}`, '10.1.0.2'));
    // The right password goes out while the burst is still in flight, once the limit has been counted.
    await waitFor(
      'the burst to take the limit',
      () => pairCount('inside@reviews.test', '10.1.0.2'),
      (n) => n >= MAX,
    );
    const right = await login(server, 'inside@reviews.test', 'right-password-1', '10.1.0.2');
    expect(right.status).toBe(429);
    expect(right.code).toBe('RATE_LIMITED');
    expect(right.body.token).toBeUndefined();
    const wrong = await Promise.all(burst);
    expect(wrong.filter((r) => r.status === 401)).toHaveLength(MAX);
  });

  it('a flood of wrong passwords from one address does not lock out the user signing in from another', async () => {
    const flood = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(server, 'flooded@reviews.test', `wrong-${i}`, '10.1.0.3')),
    );
    expect(flood.filter((r) => r.status === 429)).toHaveLength(30 - MAX);
    const user = await login(server, 'flooded@reviews.test', 'right-password-2', '10.1.0.4');
    expect(user.status).toBe(200);
    expect(user.body.token).toMatch(/^rst_/);
    // The flooding address stays refused, even with the right password.
    expect((await login(server, 'flooded@reviews.test', 'right-password-2', '10.1.0.3')).status).toBe(429);
  });

  it('limits one address across accounts to four times LOGIN_MAX_FAILURES', async () => {
    for (let i = 0; i < 4 * MAX; i++) {
      expect((await login(server, `nobody-${i}@reviews.test`, 'guess', '10.1.0.5')).status).toBe(401);
    }
    const next = await login(server, 'known@reviews.test', 'right-password-4', '10.1.0.5');
    expect(next.status).toBe(429);
    expect(next.code).toBe('RATE_LIMITED');
    expect((await login(server, 'known@reviews.test', 'right-password-4', '10.1.0.6')).status).toBe(200);
  });

  it('a successful sign-in clears the failures of that account from that address', async () => {
    for (let i = 0; i < MAX - 1; i++) {
      expect((await login(server, 'cleared@reviews.test', `wrong-${i}`, '10.1.0.7')).status).toBe(401);
    }
    expect(await pairCount('cleared@reviews.test', '10.1.0.7')).toBe(MAX - 1);
    expect((await login(server, 'cleared@reviews.test', 'right-password-3', '10.1.0.7')).status).toBe(200);
    expect(await pairCount('cleared@reviews.test', '10.1.0.7')).toBe(0);
    expect((await login(server, 'cleared@reviews.test', 'wrong-again', '10.1.0.7')).status).toBe(401);
  });

  it('checks a password with scrypt for unknown, revoked and known emails alike', async () => {
    const unknown = await login(server, 'no-such-person@reviews.test', 'guess', '10.1.0.8');
    const revoked = await login(server, 'gone@reviews.test', 'right-password-5', '10.1.0.8');
    const known = await login(server, 'known@reviews.test', 'guess', '10.1.0.8');
    expect([unknown, revoked, known].map((r) => `${r.status} ${r.code}`)).toEqual(
      Array(3).fill('401 INVALID_CREDENTIALS'),
    );
    // One scrypt check each, with the same cost parameters (N=32768, r=8, p=1) as a real password hash.
    expect(checked.hashes).toHaveLength(3);
    for (const hash of checked.hashes) expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[^$]+\$[^$]{86}==$/);
  });

  it('never refuses an account for failures spread over many addresses, only slows it', async () => {
    // LOGIN_MAX_FAILURES=1: past 4 failures from all addresses together each attempt waits before its check.
    for (let i = 0; i < 6; i++) {
      expect((await login(slowServer, 'many@reviews.test', 'wrong', `10.2.0.${i}`)).status).toBe(401);
    }
    const user = await login(slowServer, 'many@reviews.test', 'right-password-many', '10.2.0.100');
    expect(user.status).toBe(200);
  });

  it('answers a sign-in with Cache-Control: no-store', async () => {
    const ok = await login(server, 'known@reviews.test', 'right-password-4', '10.1.0.9');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });
});
