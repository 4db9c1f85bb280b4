import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findUserByEmail } from '../../sync-server/src/auth/users';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createUser(server.db, { email: 'rita@reviews.test', password: 'reviewer-password-1', role: 'reviewer' });
  await createUser(server.db, { email: 'locked@reviews.test', password: 'reviewer-password-2', role: 'reviewer' });
});
afterAll(async () => {
  await server.close();
});

async function login(email: string, password: string, ip?: string) {
  const res = await server.api('/api/auth/login', {
    method: 'POST',
    json: { email, password },
    headers: ip ? { 'x-forwarded-for': ip } : undefined,
  });
  return {
    status: res.status,
    body: (await res.json()) as { token?: string; error?: { code: string; field?: string } },
  };
}

describe('accounts and sessions', () => {
  it('stores passwords as salted scrypt hashes, never in clear', async () => {
    const a = await findUserByEmail(server.db, 'rita@reviews.test');
    const b = await findUserByEmail(server.db, 'locked@reviews.test');
    expect(a!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a!.passwordHash).not.toContain('reviewer-password-1');
    expect(a!.passwordHash.split('$')[4]).not.toBe(b!.passwordHash.split('$')[4]);
  });

  it('signs in with the right password and refuses a wrong one with INVALID_CREDENTIALS', async () => {
    const ok = await login('RITA@reviews.test ', 'reviewer-password-1');
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^rst_/);
    const bad = await login('rita@reviews.test', 'nope');
    expect(bad.status).toBe(401);
    expect(bad.body.error!.code).toBe('INVALID_CREDENTIALS');
  });

  it('rate-limits an account after repeated failures, even with the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('locked@reviews.test', `wrong-${i}`)).status).toBe(401);
    const limited = await login('locked@reviews.test', 'reviewer-password-2');
    expect(limited.status).toBe(429);
    expect(limited.body.error!.code).toBe('RATE_LIMITED');
  });

  it('signs out by revoking the token', async () => {
    const { body } = await login('rita@reviews.test', 'reviewer-password-1');
    const out = await server.api('/api/auth/logout', { method: 'POST', token: body.token });
    expect(out.status).toBe(200);
    const me = await server.api('/api/auth/me', { token: body.token });
    expect(me.status).toBe(401);
    expect((await me.json()).error.code).toBe('TOKEN_REVOKED');
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const { body } = await login('rita@reviews.test', 'reviewer-password-1');
    await server.db.query(`UPDATE auth_tokens SET expires_at = now() - interval '1 minute'`);
    const me = await server.api('/api/auth/me', { token: body.token });
    expect(me.status).toBe(401);
    expect((await me.json()).error.code).toBe('TOKEN_EXPIRED');
  });

  it('revoking a user ends their sessions', async () => {
    const admin = await server.login();
    const { body } = await login('rita@reviews.test', 'reviewer-password-1');
    const revoke = await server.api('/api/users/revoke', {
      method: 'POST',
      token: admin,
      json: { email: 'rita@reviews.test' },
    });
    expect(revoke.status).toBe(200);
    const me = await server.api('/api/auth/me', { token: body.token });
    expect((await me.json()).error.code).toBe('TOKEN_REVOKED');
    expect((await login('rita@reviews.test', 'reviewer-password-1')).status).toBe(401);
  });

  it('answers bad input with stable codes and writes nothing', async () => {
    const admin = await server.login();
    const before = (await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;
    const wrongType = await server.api('/api/users', {
      method: 'POST',
      token: admin,
      json: { email: 'x@y.test', password: 12, role: 'admin' },
    });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', field: 'password' } });
    const badRole = await server.api('/api/users', {
      method: 'POST',
      token: admin,
      json: { email: 'x@y.test', password: 'long-enough-pass', role: 'root' },
    });
    expect((await badRole.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'role' });
    const notJson = await server.api('/api/users', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBe(415);
    expect((await notJson.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await server.api('/api/users', {
      method: 'POST',
      token: admin,
      json: { email: 'x@y.test', password: 'p'.repeat(2_000_000), role: 'admin' },
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    const malformed = await server.api('/api/users', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: '{"email": "x@y.test",',
    });
    expect((await malformed.json()).error.code).toBe('INVALID_JSON');
    const duplicate = await server.api('/api/users', {
      method: 'POST',
      token: admin,
      json: { email: 'admin@test.local', password: 'long-enough-pass', role: 'admin' },
    });
    expect(duplicate.status).toBe(409);
    const after = (await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;
    expect(after).toBe(before);
  });

  it('records sign-ins in the audit trail that admins can browse', async () => {
    const admin = await server.login();
    const res = await server.api('/api/audit?action=auth.login&limit=5', { token: admin });
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: Array<{ action: string; actor: string }> };
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.action === 'auth.login')).toBe(true);
  });
});
