import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { toApiError } from '../../sync-server/src/http/app';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 9 item 6: malformed input that used to reach SQL and come back as 500. Each case is refused with a 4xx
 * and a stable code before any handler reads it: NUL characters and unpaired surrogates anywhere (path, query,
 * JSON body, even signed out), numbers past bigint, and database errors that only a client's value can cause.
 */
let server: TestServer;
let admin: string;
let apiKey: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
  apiKey = (await createApiKey(server.db, 'marketplace')).key;
});
afterAll(async () => {
  await server?.close();
});

async function answer(path: string, init: { method?: string; token?: string; body?: string } = {}) {
  const res = await server.api(path, {
    method: init.method ?? 'GET',
    token: init.token,
    ...(init.body !== undefined ? { body: init.body, headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  const code = (res.headers.get('content-type') ?? '').includes('application/json')
    ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null)
    : null;
  return [res.status, code] as const;
}

describe('text no database can store', () => {
  it('a NUL character in the signed-out login is 400 VALIDATION_FAILED', async () => {
    const body = JSON.stringify({ email: 'a\u0000@example.com', password: 'x\u0000y' });
    expect(await answer('/api/auth/login', { method: 'POST', body })).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('a NUL character in a path parameter or a query value is 400 VALIDATION_FAILED', async () => {
    expect(await answer('/api/leads/%00', { token: apiKey })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await answer('/api/leads/a%00b', { token: apiKey })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await answer('/api/recordings/access-log?actor=%00', { token: admin })).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('an unpaired surrogate in a JSON field (externalId) is 400 VALIDATION_FAILED', async () => {
    // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse turns back into one.
    for (const externalId of ['\ud800', 'x\udc00y', 'ok\ud83d']) {
      const body = JSON.stringify({
        externalId,
        name: 'Sam',
        phone: '+447700900191',
        districts: ['W1'],
        services: ['boiler'],
      });
      expect(await answer('/api/assessors', { method: 'POST', token: apiKey, body })).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    // A proper pair (an emoji) is ordinary text.
    const body = JSON.stringify({
      externalId: 'emoji-\ud83d\ude00',
      name: 'Sam',
      phone: '+447700900191',
      districts: ['W1'],
      services: ['boiler'],
    });
    expect((await answer('/api/assessors', { method: 'POST', token: apiKey, body }))[0]).toBeLessThan(300);
  });

  it('a NUL character in a field name is refused too', async () => {
    const body = '{"a\\u0000b": 1}';
    expect(await answer('/api/auth/login', { method: 'POST', body })).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('a path parameter that is not valid percent-encoding is 400, not 500', async () => {
    expect(await answer('/api/leads/%E0%A4%A', { token: apiKey })).toEqual([400, 'VALIDATION_FAILED']);
    expect(await answer('/api/leads/%ED%A0%80', { token: apiKey })).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('numbers past what the database holds', () => {
  it.each(['/api/jobs/99999999999999999999/retry'])('POST %s is 400 VALIDATION_FAILED naming the id', async (path) => {
    expect(await answer(path, { method: 'POST', token: admin })).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('job ids that are not plain decimal numbers are refused the same way', async () => {
    for (const id of ['1e3', '0x10', '-1', '0', '1.5', '9007199254740993'])
      expect([id, ...(await answer(`/api/jobs/${id}/retry`, { method: 'POST', token: admin }))]).toEqual([
        id,
        400,
        'VALIDATION_FAILED',
      ]);
    // A well-formed id of no job is simply not found.
    expect(await answer('/api/jobs/123456/retry', { method: 'POST', token: admin })).toEqual([404, 'NOT_FOUND']);
  });
});

describe('database errors that only the client can cause', () => {
  it.each([
    ['22P02 invalid text representation', `SELECT 'not a number'::int`],
    ['22003 numeric value out of range', 'SELECT 99999999999999999999::bigint'],
    ['22021 invalid byte sequence', `SELECT convert_from('\\xff'::bytea, 'UTF8')`],
    ['22P05 untranslatable character', `SELECT '"\\u0000"'::jsonb`],
    ['54000 program limit exceeded', `SELECT repeat('xx', 600000000)`],
  ])('%s is a 400 VALIDATION_FAILED, not a 500', async (_label, sql) => {
    const err = await server.db.query(sql).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(toApiError(err)).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  });

  it('any other database error stays a 500 INTERNAL (a fault of ours)', async () => {
    const err = await server.db.query('SELECT * FROM no_such_table').then(
      () => null,
      (e: unknown) => e,
    );
    expect(toApiError(err)).toMatchObject({ code: 'INTERNAL', status: 500 });
  });
});
