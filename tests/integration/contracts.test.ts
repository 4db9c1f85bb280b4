import { Ajv2020 } from 'ajv/dist/2020.js';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allContracts, defineRoute } from '../../shared/contracts';
import { getHealth } from '../../shared/contracts/health';
import { authenticate, redeemStreamTicket } from '../../sync-server/src/auth/tokens';
import { createApp } from '../../sync-server/src/http/app';
import { openApiPath } from '../../sync-server/src/http/openapi';
import { route, type RouteDef } from '../../sync-server/src/http/routes';
import { allRoutes } from '../../sync-server/src/modules';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Issue 11: every route is described by a contract in shared/contracts; the OpenAPI document generated from them
 * lists every route and is valid 3.1; and answers are checked against their contracts at run time in tests
 * (VALIDATE_RESPONSES, set by tests/helpers/server.ts), so any integration test that meets an answer outside its
 * contract fails with INTERNAL naming the field.
 */
let server: TestServer;
let routes: RouteDef[];

beforeAll(async () => {
  server = await startTestServer();
  routes = allRoutes(server.ctx);
});
afterAll(async () => {
  await server.close();
});

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

describe('route contracts', () => {
  it('every registered route has a contract with its own method, path and access', () => {
    const missing = routes.filter((r) => !r.contract).map((r) => key(r.method, r.path));
    expect(missing).toEqual([]);
    for (const r of routes) {
      expect(key(r.contract?.method ?? '', r.contract?.path ?? '')).toBe(key(r.method, r.path));
      expect(r.contract?.access).toEqual(r.access);
    }
  });

  it('every contract is served by a route, once (none listed twice, none left over)', () => {
    const served = routes.map((r) => key(r.method, r.path));
    expect(new Set(served).size).toBe(served.length);
    const declared = allContracts.map((c) => key(c.method, c.path));
    expect(new Set(declared).size).toBe(declared.length);
    // Listed in shared/contracts/index.ts (so the OpenAPI document has it) and registered in modules.ts.
    expect([...declared].sort()).toEqual([...served].sort());
  });

  it('a JSON answer must have a response schema, and only JSON answers have one', () => {
    for (const c of allContracts) {
      const answers = c.answers ?? 'json';
      expect([key(c.method, c.path), answers === 'json'], 'response schema').toEqual([
        key(c.method, c.path),
        c.response !== undefined,
      ]);
    }
  });
});

describe('OpenAPI document', () => {
  let doc: Record<string, unknown>;
  beforeAll(async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Record<string, unknown>;
  });

  it('is served to anyone as OpenAPI 3.1 and lists every route with its responses and error codes', () => {
    expect(doc.openapi).toBe('3.1.0');
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    for (const r of routes) {
      const operation = paths[openApiPath(r.path)]?.[r.method];
      expect(operation, key(r.method, r.path)).toBeDefined();
      const statuses = Object.keys(operation.responses).map(Number);
      expect(statuses.some((s) => s < 300)).toBe(true);
      expect(statuses).toContain(500);
      if (r.access !== 'public' && r.access !== 'twilio') expect(statuses).toEqual(expect.arrayContaining([401, 403]));
      if (r.access === 'twilio') expect(statuses).toContain(403);
    }
    expect(Object.values(paths).flatMap((p) => Object.keys(p))).toHaveLength(routes.length);
  });

  it('has only schemas a JSON Schema 2020-12 validator compiles, and every $ref resolves', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addKeyword('x-access');
    const text = JSON.stringify(doc);
    for (const ref of new Set([...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]))) {
      expect((doc.components as { schemas: Record<string, unknown> }).schemas[ref], ref).toBeDefined();
    }
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    ajv.addSchema({ $id: 'components', $defs: schemas });
    const collect = (value: unknown, out: unknown[]) => {
      if (Array.isArray(value)) value.forEach((v) => collect(v, out));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === 'schema') out.push(v);
          else collect(v, out);
        }
      }
      return out;
    };
    const all = collect(doc.paths, []);
    expect(all.length).toBeGreaterThan(routes.length);
    for (const schema of all) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('#/components/schemas/', 'components#/$defs/'),
      ) as object;
      expect(() => ajv.compile(rewritten)).not.toThrow();
    }
  });

  it('GET /api/docs is a page listing every route, with no script', async () => {
    const res = await fetch(`${server.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    for (const r of routes) expect(html, key(r.method, r.path)).toContain(`<code>${openApiPath(r.path)}</code>`);
  });
});

describe('typed handlers', () => {
  it('refuse the wrong answer shape at typecheck (this file fails `npm run typecheck` otherwise)', () => {
    // @ts-expect-error — 'fine' is not one of the health statuses; a handler must return its contract's shape.
    const wrong = route(getHealth, () => ({ status: 'fine' }));
    expect(wrong.contract).toBe(getHealth);
  });
});

describe('response checks (VALIDATE_RESPONSES)', () => {
  const echo = defineRoute({
    method: 'get',
    path: '/test/echo',
    access: 'public',
    summary: 'test',
    query: z.object({ say: z.string() }),
    response: z.object({ said: z.string().email() }),
  });
  const serve = async (validate: boolean) => {
    const app: express.Express = createApp(
      { ...server.ctx, config: { ...server.ctx.config, VALIDATE_RESPONSES: validate } },
      [route(echo, ({ query }) => ({ said: query.say }))],
      { authenticate, redeemStreamTicket },
    );
    const listener = app.listen(0);
    await new Promise((resolve) => listener.once('listening', resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => listener.close(resolve)) };
  };

  it('an answer outside its contract fails the request that caused it, naming the field', async () => {
    const s = await serve(true);
    try {
      const good = await fetch(`${s.url}/test/echo?say=a@b.example`);
      expect([good.status, await good.json()]).toEqual([200, { said: 'a@b.example' }]);
      const bad = await fetch(`${s.url}/test/echo?say=nope`);
      const body = (await bad.json()) as { error: { code: string; message: string } };
      expect([bad.status, body.error.code]).toEqual([500, 'INTERNAL']);
      expect(body.error.message).toContain('said');
    } finally {
      await s.close();
    }
  });

  it('is off unless asked (production answers what the handler returned)', async () => {
    const s = await serve(false);
    try {
      const res = await fetch(`${s.url}/test/echo?say=nope`);
      expect([res.status, await res.json()]).toEqual([200, { said: 'nope' }]);
    } finally {
      await s.close();
    }
  });

  it('input is parsed with the contract before the handler runs: VALIDATION_FAILED naming the field', async () => {
    const s = await serve(true);
    try {
      const res = await fetch(`${s.url}/test/echo`);
      const body = (await res.json()) as { error: { code: string; field?: string } };
      expect([res.status, body.error.code, body.error.field]).toEqual([400, 'VALIDATION_FAILED', 'say']);
    } finally {
      await s.close();
    }
  });
});
