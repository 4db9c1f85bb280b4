import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { getDocuments } from '../../sync-server/src/replication/store';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';
import { scorecardDoc } from '../helpers/sync-docs';
import { fmt, PROBE_TIMEOUT, report, scaled } from './size';
import { formBody, signedForm } from './twilio-sign';

/**
 * Two server instances on one PostgreSQL database (issue 9), in the bounded reliability form of
 * tests/integration/replication-postgres.test.ts (which writes in direct transactions): here every write comes
 * over HTTP — replication pushes from many clients and signed voice webhooks — through both instances at once,
 * while on each instance a client follows the live stream and pulls only when a change event arrives. Each of
 * them must end holding every document in its last version, with no catch-up pull of its own: a change missed
 * by LISTEN/NOTIFY or skipped by a pull would stay missing.
 */
const WRITERS = 8;
const PUSHES_PER_WRITER = scaled(12);
const CALLS = scaled(120);
const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const AUTH_TOKEN = 'd'.repeat(32);

const pgTest = await probePostgres('two instances on one PostgreSQL');

interface Follower {
  /** id → a version marker (scorecards: name; calls: id) */
  seen: Map<string, string>;
  pulls: number;
  events: number;
  stop(): Promise<void>;
}

/** A client on one instance: the stream's change events trigger pulls from its checkpoint; nothing else does. */
async function follow(server: TestServer, token: string, collection: 'scorecards' | 'calls'): Promise<Follower> {
  const seen = new Map<string, string>();
  const controller = new AbortController();
  const res = await fetch(`${server.url}/sync/${collection}/0/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!text.includes(': connected')) text += (await reader.read()).value ?? '';
  const f: Follower = { seen, pulls: 0, events: 0, stop: async () => undefined };
  let seq = 0;
  let dirty = true; // the first pull, as any client's initial sync
  let wake: () => void = () => undefined;
  let running = true;
  const puller = (async () => {
    while (running) {
      if (!dirty) {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      dirty = false;
      for (;;) {
        const page = await server.api(`/sync/${collection}/0/pull?seq=${seq}&limit=50`, { token });
        const body = (await page.json()) as {
          documents: Array<{ id: string; name?: string }>;
          checkpoint: { seq: number } | null;
        };
        f.pulls++;
        for (const d of body.documents) seen.set(d.id, d.name ?? d.id);
        if (body.checkpoint) seq = body.checkpoint.seq;
        if (body.documents.length === 0) break;
      }
    }
  })();
  const listener = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
        const n = text.split('event: change').length - 1;
        if (n > 0) {
          f.events += n;
          text = text.slice(text.lastIndexOf('event: change') + 'event: change'.length);
          dirty = true;
          wake();
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  f.stop = async () => {
    running = false;
    wake();
    controller.abort();
    await Promise.all([puller, listener]);
  };
  return f;
}

describe.skipIf(!pgTest.available)('two server instances on one PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let dbA: Database;
  let dbB: Database;
  let serverA: TestServer;
  let serverB: TestServer;
  const followers: Follower[] = [];

  beforeAll(async () => {
    database = await pgTest.create();
    dbA = await openPostgres(database.url, { max: 10 });
    await migrate(dbA);
    dbB = await openPostgres(database.url, { max: 10 });
    const env = {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
    };
    serverA = await startTestServer({ db: dbA, env });
    serverB = await startTestServer({ db: dbB, env });
  }, PROBE_TIMEOUT);

  afterAll(async () => {
    await Promise.all(followers.map((f) => f.stop()));
    await serverA?.close();
    await serverB?.close();
    await dbA?.close();
    await dbB?.close();
    await database?.drop();
  });

  it(
    'a client streaming from either instance ends with every change written through both, in its last version',
    async () => {
      const token = await serverA.login();
      for (const server of [serverA, serverB])
        for (const collection of ['scorecards', 'calls'] as const)
          followers.push(await follow(server, token, collection));

      const expectedCards = new Map<string, string>();
      const expectedCalls = new Set<string>();
      const refused: string[] = [];
      const pushers = Array.from({ length: WRITERS }, (_, w) =>
        (async () => {
          for (let p = 0; p < PUSHES_PER_WRITER; p++) {
            // Each push writes a new scorecard and rewrites its writer's previous one, through either instance.
            const server = (w + p) % 2 ? serverA : serverB;
            const rows = [
              { newDocumentState: scorecardDoc(`sc-${w}-${p}`, { name: `v${p}` }), assumedMasterState: null },
            ];
            if (p > 0) {
              // The master this writer's client holds for its previous scorecard (read as its last pull saw it).
              const [master] = await getDocuments(dbA, 'scorecards', [`sc-${w}-${p - 1}`]);
              rows.push({
                newDocumentState: { ...master.doc, name: `rewritten ${p}` },
                assumedMasterState: { ...master.doc, _deleted: false } as never,
              });
            }
            const res = await server.api('/sync/scorecards/0/push', { method: 'POST', token, json: { rows } });
            const body = (await res.json()) as { conflicts: unknown[] };
            if (res.status !== 200 || body.conflicts.length) refused.push(`push sc-${w}-${p} → ${res.status}`);
            expectedCards.set(`sc-${w}-${p}`, `v${p}`);
            if (p > 0) expectedCards.set(`sc-${w}-${p - 1}`, `rewritten ${p}`);
          }
        })(),
      );
      const callers = Array.from({ length: 4 }, (_, c) =>
        (async () => {
          for (let i = c; i < CALLS; i += 4) {
            const server = i % 2 ? serverA : serverB;
            const callSid = `CA${(0xdd0000 + i).toString(16).padStart(32, '0')}`;
            const body = formBody({
              CallSid: callSid,
              From: `+44770090${String(1000 + i).slice(-4)}`,
              To: '+447700900998',
            });
            const signed = signedForm(AUTH_TOKEN, server.ctx.config.publicBaseUrl + '/twilio/voice', body);
            const res = await fetch(`${server.url}/twilio/voice`, { method: 'POST', ...signed });
            await res.arrayBuffer();
            if (res.status !== 200) refused.push(`voice ${callSid} → ${res.status}`);
            else expectedCalls.add(callSid);
          }
        })(),
      );
      await Promise.all([...pushers, ...callers]);
      expect(refused).toEqual([]);

      // The followers catch up on their own (stream events only); a bound, not a timing assertion.
      const sorted = (m: Map<string, string>) => [...m].sort().join('\n');
      const [cardsA, callsA, cardsB, callsB] = followers;
      await vi.waitFor(
        () => {
          for (const f of [cardsA, cardsB]) expect(sorted(f.seen)).toBe(sorted(expectedCards));
          for (const f of [callsA, callsB]) expect([...f.seen.keys()].sort()).toEqual([...expectedCalls].sort());
        },
        { timeout: 60_000, interval: 200 },
      );
      report(
        `two instances: ${fmt(expectedCards.size)} scorecards (${fmt(WRITERS * PUSHES_PER_WRITER)} pushes) and ` +
          `${fmt(expectedCalls.size)} calls written through both; 4 streaming clients (${fmt(
            followers.reduce((n, f) => n + f.events, 0),
          )} change events, ${fmt(followers.reduce((n, f) => n + f.pulls, 0))} pulls) each hold all of them, 0 missed`,
      );
    },
    PROBE_TIMEOUT,
  );
});
