import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc } from '../../shared/schemas';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { createNodeClient, waitFor, type NodeClient } from '../helpers/rxdb-node';
import { startTestServer, type TestServer } from '../helpers/server';
import { callDoc, scorecardDoc } from '../helpers/sync-docs';
import { ticketedStreamUrl } from '../helpers/stream-ticket';

/**
 * Replication on real PostgreSQL: concurrent writers never make a pull skip a committed change (SPEC R1), and
 * a change written through one server instance reaches a client streaming from another (R9).
 */
const pgTest = await probePostgres('replication on PostgreSQL');

describe.skipIf(!pgTest.available)('replication on PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let dbA: Database;
  let dbB: Database;
  let serverA: TestServer;
  let serverB: TestServer;
  let token: string;
  const clients: NodeClient[] = [];

  beforeAll(async () => {
    database = await pgTest.create();
    // Two instances = two independent pools, each with its own LISTEN connection, on one database.
    dbA = await openPostgres(database.url, { max: 20 });
    await migrate(dbA);
    dbB = await openPostgres(database.url, { max: 20 });
    serverA = await startTestServer({ db: dbA });
    serverB = await startTestServer({ db: dbB });
    token = await serverA.login();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await serverA?.close();
    await serverB?.close();
    await dbA?.close();
    await dbB?.close();
    await database?.drop();
  });

  it('a client pulling continuously ends with every document written by concurrent transactions with random delays (R1)', async () => {
    const WRITERS = 24;
    const TX_PER_WRITER = 10;
    const delay = (max: number) => new Promise((r) => setTimeout(r, Math.floor(Math.random() * max)));
    const expected = new Map<string, number>();

    // An RxDB client replicating live from instance A, and a raw checkpoint loop on instance B, both running
    // while the writers write.
    const c = await createNodeClient({ collections: ['calls'], baseUrl: serverA.url, token });
    clients.push(c);
    c.replicate('calls', { pullBatchSize: 50 });
    let writing = true;
    const pulled = new Map<string, number>();
    let pulls = 0;
    const puller = (async () => {
      let seq = 0;
      for (;;) {
        const done = !writing; // read before the pull: a pull that starts after the writers finished is the last
        const res = await serverB.api(`/sync/calls/0/pull?seq=${seq}&limit=37`, { token });
        const body = (await res.json()) as { documents: CallDoc[]; checkpoint: { seq: number } };
        pulls++;
        for (const d of body.documents) pulled.set(d.id, d.talkSeconds);
        seq = body.checkpoint.seq;
        if (done && body.documents.length === 0) return;
      }
    })();

    const writers = Array.from({ length: WRITERS }, (_, w) =>
      (async () => {
        for (let t = 0; t < TX_PER_WRITER; t++) {
          // Each transaction writes a new call and rewrites an earlier one, pausing before and after taking its
          // sequence numbers, so commits interleave with pulls in every possible order.
          const db = t % 2 ? dbA : dbB;
          await db.transaction(async (tx) => {
            await delay(8);
            const docs = [callDoc(`w${w}-t${t}`, { talkSeconds: t })];
            if (t > 0) docs.push(callDoc(`w${w}-t${t - 1}`, { talkSeconds: 1000 + t }));
            await putDocuments(tx, 'calls', docs, Date.now());
            await delay(8);
          });
          expected.set(`w${w}-t${t}`, t);
          if (t > 0) expected.set(`w${w}-t${t - 1}`, 1000 + t);
        }
      })(),
    );
    await Promise.all(writers);
    writing = false;
    await puller;

    expect(expected.size).toBe(WRITERS * TX_PER_WRITER);
    expect(pulls).toBeGreaterThan(10);
    // Every document, each in its last committed version.
    expect(new Map([...pulled].sort())).toEqual(new Map([...expected].sort()));
    await waitFor(
      'the RxDB client to hold every document',
      () => c.collection('calls').count().exec(),
      (n) => n === expected.size,
      30_000,
    );
    const local = await c.collection('calls').find().exec();
    expect(new Map(local.map((d) => [d.id, d.talkSeconds] as const).sort())).toEqual(new Map([...expected].sort()));
  });

  it('pushes from many clients at once commit without deadlocks and each conflict is reported once (R5)', async () => {
    await serverA.db.transaction((tx) =>
      putDocuments(tx, 'scorecards', [scorecardDoc('sc-race', { name: 'v0' })], Date.now()),
    );
    const [master] = await getDocuments(dbA, 'scorecards', ['sc-race']);
    const assumed = { ...master.doc, _deleted: false };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? serverA : serverB)
          .api('/sync/scorecards/0/push', {
            method: 'POST',
            token,
            json: { rows: [{ newDocumentState: { ...assumed, name: `v${i + 1}` }, assumedMasterState: assumed }] },
          })
          .then(async (r) => ({ status: r.status, body: (await r.json()) as { conflicts: unknown[] } })),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    // Exactly one writer saw the master it assumed; every other one got the new master back.
    expect(results.filter((r) => r.body.conflicts.length === 0)).toHaveLength(1);
    const winner = results.findIndex((r) => r.body.conflicts.length === 0);
    const [after] = await getDocuments(dbA, 'scorecards', ['sc-race']);
    expect(after.doc.name).toBe(`v${winner + 1}`);
  });

  it('a client streaming from instance A sees, live, a change written through instance B (R9)', async () => {
    const c = await createNodeClient({ collections: ['scorecards'], baseUrl: serverA.url, token });
    clients.push(c);
    const rep = c.replicate('scorecards', {});
    await rep.awaitInitialReplication();
    await waitFor(
      'the stream from A to open',
      () => rep.streamStatus$.value,
      (s) => s === 'open',
    );

    // Raw SSE on A as well, to see the event itself.
    const controller = new AbortController();
    const res = await fetch(await ticketedStreamUrl(serverA.url, '/sync/scorecards/0/stream', token), {
      signal: controller.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': connected')) text += (await reader.read()).value ?? '';

    const push = await serverB.api('/sync/scorecards/0/push', {
      method: 'POST',
      token,
      json: {
        rows: [{ newDocumentState: scorecardDoc('sc-via-b', { name: 'written on B' }), assumedMasterState: null }],
      },
    });
    expect(await push.json()).toEqual({ conflicts: [] });

    while (!text.includes('event: change')) text += (await reader.read()).value ?? '';
    controller.abort();
    // The live replication (which pulls only on stream events after its initial sync) now holds it.
    const doc = await waitFor(
      'the change from B on the client of A',
      () => c.collection('scorecards').findOne('sc-via-b').exec(),
      (d) => d !== null,
    );
    expect(doc!.name).toBe('written on B');
  });
});
