import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('sync server basics', () => {
  it('reports health with database and migrations', async () => {
    const res = await server.api('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', database: { kind: 'pglite', state: 'ok' }, migrations: 'current' });
  });

  it('signs in the bootstrap admin and answers /api/auth/me', async () => {
    const token = await server.login();
    const res = await server.api('/api/auth/me', { token });
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ email: 'admin@test.local', role: 'admin' });
  });

  it('answers malformed JSON with INVALID_JSON and unknown routes with NOT_FOUND', async () => {
    const bad = await server.api('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('INVALID_JSON');
    const missing = await server.api('/api/nope');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('NOT_FOUND');
  });
});
