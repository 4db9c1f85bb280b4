import { loadConfig, type Config } from '../../sync-server/src/config';
import type { Database } from '../../sync-server/src/db';
import { createLogger } from '../../sync-server/src/log';
import { startServer, type RunningServer } from '../../sync-server/src/server';
import { openTestPglite } from './pglite-template';

export const TEST_ADMIN = { email: 'admin@test.local', password: 'admin-password-123' };

export interface TestServer extends RunningServer {
  db: Database;
  /** fetch against this server with JSON defaults. */
  api(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  login(email?: string, password?: string): Promise<string>;
}

/** Builds a config for tests: random port, quiet logs, no background jobs unless asked. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: './.tmp/test-data',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    JOBS: '0',
    // Every JSON answer is checked against its route contract: a mismatch fails the test that caused it.
    VALIDATE_RESPONSES: '1',
    ...env,
  });
}

/** fetch with JSON defaults and sign-in against a running server. */
export function serverClient(url: string): Pick<TestServer, 'api' | 'login'> {
  const api: TestServer['api'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(url + path, { ...init, headers, body });
  };
  return {
    api,
    async login(email = TEST_ADMIN.email, password = TEST_ADMIN.password) {
      const res = await api('/api/auth/login', { method: 'POST', json: { email, password } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
  };
}

/**
 * Starts a real server on a random port over a real database (a private PGlite copy unless `db` is given).
 */
export async function startTestServer(
  opts: { env?: Record<string, string>; db?: Database; config?: Config; jobs?: boolean } = {},
): Promise<TestServer> {
  const db = opts.db ?? (await openTestPglite());
  const config = opts.config ?? testConfig(opts.env);
  const server = await startServer(config, { db, log: createLogger(config.LOG_LEVEL), jobs: opts.jobs });
  // The server's public URL must match the port it got, for Twilio signatures and signed media URLs.
  if (!opts.env?.PUBLIC_BASE_URL) config.publicBaseUrl = server.url;
  return {
    ...server,
    db,
    ...serverClient(server.url),
    async close() {
      await server.close();
      if (!opts.db) await db.close();
    },
  };
}
