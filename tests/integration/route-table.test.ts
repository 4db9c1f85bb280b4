import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Principal } from '../../shared/roles';
import { pullableCollections, pushableCollections } from '../../shared/sync-policy';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { createUser } from '../../sync-server/src/auth/users';
import type { RouteDef } from '../../sync-server/src/http/routes';
import { allRoutes } from '../../sync-server/src/modules';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Walks the whole route table with no credentials and with every role (and an API key): a caller outside a
 * route's access list is refused with 401/403, and an allowed caller is never refused for auth reasons.
 */
let server: TestServer;
let routes: RouteDef[];
const tokens = new Map<Principal, string>();

async function signIn(role: (typeof ROLES)[number]): Promise<void> {
  tokens.set(
    role,
    role === 'admin' ? await server.login() : await server.login(`${role}@route-table.test`, 'correct horse battery'),
  );
}

beforeAll(async () => {
  server = await startTestServer();
  routes = allRoutes(server.ctx);
  for (const role of ROLES) {
    if (role !== 'admin')
      await createUser(server.db, { email: `${role}@route-table.test`, password: 'correct horse battery', role });
    await signIn(role);
  }
  tokens.set('marketplace', (await createApiKey(server.db, 'route-table')).key);
});
afterAll(async () => {
  await server.close();
});

/**
 * Fills path parameters. Replication routes are open to all staff at the route level and narrowed per
 * collection by shared/sync-policy (tested in the replication suites), so each role is sent to a collection
 * its policy lets it pull or push.
 */
function concretePath(route: RouteDef, principal: Principal | null): string {
  const collection = () => {
    if (!principal || principal === 'marketplace') return 'calls';
    const list = route.method === 'post' ? pushableCollections(principal) : pullableCollections(principal);
    return list[0] ?? 'calls';
  };
  return route.path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
    name === 'schemaVersion' || name === 'v' ? '0' : name === 'collection' ? collection() : 'route-table-x',
  );
}

async function call(
  route: RouteDef,
  token: string | null,
  principal: Principal | null = null,
): Promise<{ status: number; code: string | null }> {
  const controller = new AbortController();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const init: RequestInit = { method: route.method.toUpperCase(), headers, signal: controller.signal };
  if (route.method !== 'get' && route.method !== 'delete') {
    if (route.access === 'twilio') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = 'CallSid=CAroute';
    } else if (route.body !== 'raw' && route.body !== 'none') {
      headers['content-type'] = 'application/json';
      init.body = '{}';
    }
  }
  const res = await fetch(server.url + concretePath(route, principal), init);
  // Streams (SSE) answer headers first and never end: read the status, then hang up.
  const isStream = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  let code: string | null = null;
  if (!isStream && (res.headers.get('content-type') ?? '').includes('application/json')) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    code = body?.error?.code ?? null;
  }
  controller.abort();
  return { status: res.status, code };
}

describe('route table', () => {
  it('declares access for every route and has no duplicate method+path', () => {
    expect(routes.length).toBeGreaterThan(0);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of routes) expect(r.access === 'public' || r.access === 'twilio' || r.access.length > 0).toBe(true);
  });

  it('refuses every non-public route without credentials', async () => {
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const { status, code } = await call(route, null);
      if (route.access === 'twilio') {
        expect([route.path, status, code]).toEqual([route.path, 403, 'INVALID_SIGNATURE']);
      } else {
        expect([route.path, status, code]).toEqual([route.path, 401, 'UNAUTHENTICATED']);
      }
    }
  });

  it('lets each role through exactly the routes that list it', async () => {
    for (const route of routes.filter((r) => Array.isArray(r.access))) {
      const allowed = route.access as readonly Principal[];
      for (const principal of [...ROLES, 'marketplace'] as Principal[]) {
        const { status, code } = await call(route, tokens.get(principal)!, principal);
        // Signing out revokes the token used: sign in again for the routes that follow.
        if (route.path === '/api/auth/logout' && principal !== 'marketplace' && status === 200) await signIn(principal);
        const label = `${principal} ${route.method.toUpperCase()} ${route.path} → ${status} ${code}`;
        if (allowed.includes(principal)) {
          expect(status, label).not.toBe(401);
          expect(code === 'FORBIDDEN' && status === 403, label).toBe(false);
        } else {
          expect([label, status, code]).toEqual([label, 403, 'FORBIDDEN']);
        }
      }
    }
  });

  it('refuses a forged Twilio signature on every webhook route', async () => {
    for (const route of routes.filter((r) => r.access === 'twilio')) {
      const res = await fetch(server.url + concretePath(route, null), {
        method: route.method.toUpperCase(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'Zm9yZ2Vk' },
        body: 'CallSid=CAforged&From=%2B447700900001',
      });
      expect([route.path, res.status]).toEqual([route.path, 403]);
    }
  });
});
