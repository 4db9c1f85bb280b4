import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeUser } from '../../sync-server/src/auth/users';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { putDocuments } from '../../sync-server/src/replication/store';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';
import { ticketedStreamUrl } from '../helpers/stream-ticket';
import { callDoc, staff } from '../helpers/sync-docs';

/**
 * Live streams open with a single-use stream ticket (never a session token in the URL) and end the moment
 * their session or user is revoked, on every instance (sync-server/src/auth/revocation.ts). The servers keep
 * the default 25 s heartbeat, and each ended stream is checked to hold no heartbeat: it was the revocation,
 * not the heartbeat's re-check, that ended it.
 */
async function openStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  if (res.status !== 200) throw new Error(`stream refused: ${res.status} ${await res.text()}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return {
    async until(needle: string) {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}; got ${JSON.stringify(text)}`);
        text += value;
      }
      return text;
    },
    async ended() {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return text;
        text += value;
      }
    },
    close: () => controller.abort(),
  };
}

async function ticket(server: TestServer, token?: string) {
  const res = await server.api('/api/auth/stream-ticket', { method: 'POST', token });
  return { res, body: (await res.json()) as { ticket?: string; expiresAt?: string; error?: { code: string } } };
}

async function writeCall(db: Database, id: string) {
  await db.transaction((tx) => putDocuments(tx, 'calls', [callDoc(id)], Date.now()));
}

/** What a stream ended by a revocation looks like: closed with the reason, nothing after it, no heartbeat. */
function expectEndedByRevocation(text: string) {
  const [before, after] = text.split('event: closed\ndata: {"code":"TOKEN_REVOKED"}\n\n');
  expect(after).toBe('');
  expect(before).toContain(': connected');
  expect(text).not.toContain(': heartbeat');
}

describe('stream tickets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('issues a ticket only with the Authorization header, never cached, stored only as a hash', async () => {
    expect((await ticket(server)).res.status).toBe(401);
    const admin = await server.login();
    const { res, body } = await ticket(server, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.ticket).toMatch(/^rsst_/);
    expect(new Date(body.expiresAt!).getTime()).toBeGreaterThan(Date.now());
    const stored = await server.db.query<{ ticket_hash: string }>('SELECT ticket_hash FROM stream_tickets');
    expect(stored.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored.rows)).not.toContain(body.ticket!);
  });

  it('a ticket opens one stream: used again it is refused', async () => {
    const admin = await server.login();
    const url = await ticketedStreamUrl(server.url, '/sync/calls/0/stream', admin);
    const s = await openStream(url);
    await s.until(': connected');
    const again = await fetch(url);
    expect(again.status).toBe(401);
    expect((await again.json()).error.code).toBe('UNAUTHENTICATED');
    s.close();
  });

  it('refuses an expired ticket with TOKEN_EXPIRED, and a ticket whose session was signed out', async () => {
    const admin = await server.login();
    const expired = await ticketedStreamUrl(server.url, '/sync/calls/0/stream', admin);
    await server.db.query(`UPDATE stream_tickets SET expires_at = now() - interval '1 second'`);
    const late = await fetch(expired);
    expect(late.status).toBe(401);
    expect((await late.json()).error.code).toBe('TOKEN_EXPIRED');

    const leaving = await server.login();
    const url = await ticketedStreamUrl(server.url, '/sync/calls/0/stream', leaving);
    await server.api('/api/auth/logout', { method: 'POST', token: leaving });
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('TOKEN_REVOKED');
  });

  it('revoking a user through the API ends their open stream at once; no change event follows', async () => {
    const admin = await server.login();
    const rita = await staff(server, 'admin', 'rita-revoked');
    const s = await openStream(await ticketedStreamUrl(server.url, '/sync/calls/0/stream', rita.token));
    await s.until(': connected');
    await writeCall(server.db, 'call-before-revoke');
    await s.until('event: change');
    const revoked = await server.api('/api/users/revoke', {
      method: 'POST',
      token: admin,
      json: { email: rita.email },
    });
    expect(revoked.status).toBe(200);
    await writeCall(server.db, 'call-after-revoke');
    expectEndedByRevocation(await s.ended());
  });

  it('revoking a user as the CLI does (same database, no HTTP) ends their open streams', async () => {
    const sam = await staff(server, 'admin', 'sam-cli');
    const all = await openStream(await ticketedStreamUrl(server.url, '/sync/stream?collections=calls:0', sam.token));
    await all.until(': connected');
    await revokeUser(server.db, sam.email);
    expectEndedByRevocation(await all.ended());
  });

  it("signing out ends that session's streams and leaves the user's other sessions streaming", async () => {
    const ana = await staff(server, 'admin', 'ana-two-devices');
    const other = await server.login(ana.email, 'ana-two-devices-password-123');
    const laptop = await openStream(await ticketedStreamUrl(server.url, '/sync/calls/0/stream', ana.token));
    const desktop = await openStream(await ticketedStreamUrl(server.url, '/sync/calls/0/stream', other));
    await laptop.until(': connected');
    await desktop.until(': connected');
    expect((await server.api('/api/auth/logout', { method: 'POST', token: ana.token })).status).toBe(200);
    expectEndedByRevocation(await laptop.ended());
    await writeCall(server.db, 'call-after-sign-out');
    expect(await desktop.until('event: change')).not.toContain('event: closed');
    desktop.close();
  });
});

const pgTest = await probePostgres('stream revocation across instances');

describe.skipIf(!pgTest.available)('stream revocation on PostgreSQL, across instances', () => {
  let database: TestPostgresDatabase;
  let dbA: Database;
  let dbB: Database;
  let serverA: TestServer;
  let serverB: TestServer;

  beforeAll(async () => {
    database = await pgTest.create();
    // Two instances = two pools, each with its own LISTEN connection, on one database.
    dbA = await openPostgres(database.url, { max: 5 });
    await migrate(dbA);
    dbB = await openPostgres(database.url, { max: 5 });
    serverA = await startTestServer({ db: dbA });
    serverB = await startTestServer({ db: dbB });
  });
  afterAll(async () => {
    await serverA?.close();
    await serverB?.close();
    await dbA?.close();
    await dbB?.close();
    await database?.drop();
  });

  it('a user revoked through instance B loses the stream open on instance A at once', async () => {
    const admin = await serverB.login();
    const ted = await staff(serverA, 'admin', 'ted-across');
    // The ticket is asked for on B and redeemed on A: tickets live in the shared database.
    const url = await ticketedStreamUrl(serverB.url, '/sync/calls/0/stream', ted.token);
    const s = await openStream(url.replace(serverB.url, serverA.url));
    await s.until(': connected');
    const revoked = await serverB.api('/api/users/revoke', {
      method: 'POST',
      token: admin,
      json: { email: ted.email },
    });
    expect(revoked.status).toBe(200);
    await writeCall(dbB, 'call-after-revoke-pg');
    expectEndedByRevocation(await s.ended());
  });

  it('signing out on instance B ends that session’s stream on instance A', async () => {
    const token = await serverA.login();
    const s = await openStream(await ticketedStreamUrl(serverA.url, '/sync/stream?collections=calls:0', token));
    await s.until(': connected');
    expect((await serverB.api('/api/auth/logout', { method: 'POST', token })).status).toBe(200);
    expectEndedByRevocation(await s.ended());
  });
});
