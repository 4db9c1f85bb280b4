import crypto from 'node:crypto';
import pg from 'pg';

/**
 * A private PostgreSQL database per test file on the local server (127.0.0.1:5432, trust auth), or on the
 * server named by TEST_DATABASE_URL. Each file creates a uniquely named database and drops it afterwards, so
 * files running in parallel never see each other's rows or NOTIFYs.
 *
 * When PostgreSQL cannot be reached the suite prints why and skips; with RINGSIDE_REQUIRE_POSTGRES=1 (CI) it
 * fails instead.
 *
 *   const pgTest = await probePostgres('replication concurrency');
 *   describe.skipIf(!pgTest.available)('…', () => { … await pgTest.create() … });
 */
export const REQUIRE_POSTGRES = process.env.RINGSIDE_REQUIRE_POSTGRES === '1';

/** Candidate admin connections, tried in order: the configured one, then the usual local superusers. */
function adminUrls(): string[] {
  if (process.env.TEST_DATABASE_URL) return [process.env.TEST_DATABASE_URL];
  return ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
}

export interface TestPostgresDatabase {
  /** Connection string of the fresh database. */
  url: string;
  name: string;
  /** Drops the database (or schema); call it after every connection to it was closed. */
  drop(): Promise<void>;
}

export interface PostgresProbe {
  available: boolean;
  reason: string;
  /** Creates a fresh empty database (throws when not available). */
  create(): Promise<TestPostgresDatabase>;
}

async function tryConnect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

function withDatabase(url: string, database: string, options?: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (options) u.searchParams.set('options', options);
  return u.toString();
}

/**
 * Finds a usable PostgreSQL. Prints the reason when there is none, and throws when RINGSIDE_REQUIRE_POSTGRES=1,
 * so a CI run cannot pass by skipping.
 */
export async function probePostgres(suite: string): Promise<PostgresProbe> {
  const errors: string[] = [];
  for (const adminUrl of adminUrls()) {
    let client: pg.Client;
    try {
      client = await tryConnect(adminUrl);
    } catch (err) {
      errors.push(`${redact(adminUrl)}: ${(err as Error).message}`);
      continue;
    }
    const { rows } = await client.query<{ createdb: boolean; db: string }>(
      `SELECT (rolcreatedb OR rolsuper) AS createdb, current_database() AS db FROM pg_roles WHERE rolname = current_user`,
    );
    await client.end();
    const canCreateDb = rows[0]?.createdb ?? false;
    const baseDb = rows[0]?.db ?? 'postgres';
    return {
      available: true,
      reason: `PostgreSQL at ${redact(adminUrl)}`,
      create: () => (canCreateDb ? createDatabase(adminUrl) : createSchema(adminUrl, baseDb)),
    };
  }
  const reason = `PostgreSQL not reachable (${errors.join('; ')})`;
  if (REQUIRE_POSTGRES) throw new Error(`${suite}: RINGSIDE_REQUIRE_POSTGRES=1 but ${reason}`);
  console.warn(`[skip] ${suite}: ${reason}. Set TEST_DATABASE_URL or start PostgreSQL on 127.0.0.1:5432.`);
  return {
    available: false,
    reason,
    create: () => Promise.reject(new Error(reason)),
  };
}

const uniqueName = () => `ringside_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;

async function createDatabase(adminUrl: string): Promise<TestPostgresDatabase> {
  const name = uniqueName();
  const admin = await tryConnect(adminUrl);
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      const c = await tryConnect(adminUrl);
      try {
        // FORCE ends connections a failed test may have left open (PostgreSQL ≥ 13).
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Fallback for accounts without CREATEDB: a private schema in the given database, selected through the
 * connection's search_path. (NOTIFY channels are per database, so such files may see each other's change
 * events; tests only ever wait for their own documents, so that costs a spurious pull at most.)
 */
async function createSchema(adminUrl: string, database: string): Promise<TestPostgresDatabase> {
  const name = uniqueName();
  const admin = await tryConnect(adminUrl);
  try {
    await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, database, `-c search_path=${name}`),
    name,
    async drop() {
      const c = await tryConnect(adminUrl);
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(name)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid TEST_DATABASE_URL)';
  }
}
