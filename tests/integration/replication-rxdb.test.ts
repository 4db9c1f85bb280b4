import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc, ReviewDoc } from '../../shared/schemas';
import { revokeUser } from '../../sync-server/src/auth/users';
import type { Database } from '../../sync-server/src/db';
import { getDocument, getDocuments, putDocuments } from '../../sync-server/src/replication/store';
import { openTestPglite } from '../helpers/pglite-template';
import { createNodeClient, waitFor, type NodeClient } from '../helpers/rxdb-node';
import { startTestServer, testConfig, type TestServer } from '../helpers/server';
import { T0, callDoc, reviewDoc, staff } from '../helpers/sync-docs';

/**
 * Conformance with the real RxDB 17 client (memory storage) through the app's replication module
 * (renderer/src/db/replication.ts), against a running sync server. SPEC rules cited per test.
 */
let db: Database;
let server: TestServer;
let adminToken: string;
const clients: NodeClient[] = [];

async function client(
  collections: Parameters<typeof createNodeClient>[0]['collections'],
  token = adminToken,
  baseUrl: string | (() => string) = () => server.url,
) {
  const c = await createNodeClient({ collections, baseUrl, token });
  clients.push(c);
  return c;
}

async function seedCalls(count: number, prefix: string, over: (i: number) => Partial<CallDoc> = () => ({})) {
  for (let start = 0; start < count; start += 2000) {
    const docs = Array.from({ length: Math.min(2000, count - start) }, (_, k) =>
      callDoc(`${prefix}-${String(start + k).padStart(6, '0')}`, over(start + k)),
    );
    await db.transaction((tx) => putDocuments(tx, 'calls', docs, Date.now()));
  }
}

beforeAll(async () => {
  db = await openTestPglite();
  server = await startTestServer({ db });
  adminToken = await server.login();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  await db?.close();
});

describe('replication with the real RxDB client', () => {
  it('pulls 10,000 documents through server checkpoints into RxDB (R1)', async () => {
    await seedCalls(10_000, 'bulk');
    const c = await client(['calls']);
    const started = performance.now();
    const rep = c.replicate('calls', { live: false, pullBatchSize: 1000 });
    const errors: unknown[] = [];
    rep.errors$.subscribe((e) => errors.push(e));
    await rep.awaitInitialReplication();
    const ms = performance.now() - started;
    const count = await c.collection('calls').count().exec();
    expect(errors).toEqual([]);
    expect(count).toBe(10_000);
    // Every document arrived intact, including the server-stamped updatedAt (R2).
    const sample = await c.collection('calls').findOne('bulk-004321').exec();
    expect(sample?.toJSON()).toMatchObject({ id: 'bulk-004321', status: 'completed', talkSeconds: 60 });
    expect(sample!.updatedAt).toBeGreaterThan(0);
    expect(rep.progress$.value).toEqual({ pulled: rep.progress$.value!.head, head: rep.progress$.value!.head });
    console.log(
      `[figure] pulled 10,000 calls into RxDB memory storage in ${Math.round(ms)} ms (${Math.round(10_000 / (ms / 1000))} docs/s)`,
    );
  });

  it('pushes a local insert and update to the server, which stamps updatedAt (R2)', async () => {
    const me = await staff(server, 'reviewer', 'pushy');
    const c = await client(['reviews'], me.token);
    const rep = c.replicate('reviews', {});
    await rep.awaitInitialReplication();
    await c.collection('reviews').insert(reviewDoc('call-push', me.id, { notes: 'first', updatedAt: 1 }));
    await waitFor(
      'the insert on the server',
      () => getDocument(db, 'reviews', `call-push:${me.id}`),
      (d) => d?.notes === 'first',
    );
    const local = await c.collection('reviews').findOne(`call-push:${me.id}`).exec();
    await local!.incrementalPatch({ notes: 'second', editedAt: T0 + 10 });
    const stored = await waitFor(
      'the update on the server',
      () => getDocument(db, 'reviews', `call-push:${me.id}`),
      (d) => d?.notes === 'second',
    );
    expect(stored!.updatedAt).toBeGreaterThan(1_000_000);
  });

  it('resolves a push conflict on reviews with the shared merge handler, and both devices converge (R5)', async () => {
    const me = await staff(server, 'reviewer', 'twodevices');
    const id = `call-conflict:${me.id}`;
    const laptop = await client(['reviews'], me.token);
    const tablet = await client(['reviews'], me.token);
    const repL = laptop.replicate('reviews', {});
    const repT = tablet.replicate('reviews', {});
    await laptop
      .collection('reviews')
      .insert(reviewDoc('call-conflict', me.id, { answers: { q1: true }, notes: 'base' }));
    await waitFor(
      'the review on the tablet',
      () => tablet.collection('reviews').findOne(id).exec(),
      (d) => d !== null,
    );

    // Both devices go offline, edit different questions, then come back.
    await repL.state.pause();
    await repT.state.pause();
    await (await laptop.collection('reviews').findOne(id).exec())!.incrementalPatch({
      answers: { q1: true, q2: 3 },
      editedAt: T0 + 100,
    });
    await (await tablet.collection('reviews').findOne(id).exec())!.incrementalPatch({
      answers: { q1: false, q3: 'ok' },
      notes: 'tablet',
      editedAt: T0 + 200,
    });
    await repL.state.start();
    await waitFor(
      'the laptop edit on the server',
      () => getDocument(db, 'reviews', id),
      (d) => d?.answers.q2 === 3,
    );
    const conflicts: unknown[] = [];
    repT.state.conflict$.subscribe((c) => conflicts.push(c));
    await repT.state.start();

    // q2 from the laptop, q3 and q1 (later editedAt) from the tablet; notes changed only on the tablet.
    const expected = { answers: { q1: false, q2: 3, q3: 'ok' }, notes: 'tablet', editedAt: T0 + 200 };
    await waitFor(
      'the merged review on the server',
      () => getDocument(db, 'reviews', id),
      (d) => d?.answers.q3 === 'ok' && d?.answers.q2 === 3,
    );
    expect(await getDocument(db, 'reviews', id)).toMatchObject(expected);
    expect(conflicts.length).toBeGreaterThan(0);
    await waitFor(
      'the merge on the laptop',
      async () => (await laptop.collection('reviews').findOne(id).exec())?.toJSON() as ReviewDoc | undefined,
      (d) => d?.answers.q3 === 'ok',
    );
    expect((await laptop.collection('reviews').findOne(id).exec())!.toJSON()).toMatchObject(expected);
    expect((await tablet.collection('reviews').findOne(id).exec())!.toJSON()).toMatchObject(expected);
  });

  it('replicates a deletion as a tombstone to another client (R8)', async () => {
    const me = await staff(server, 'reviewer', 'deleter');
    const id = `call-del:${me.id}`;
    const a = await client(['reviews'], me.token);
    const b = await client(['reviews'], me.token);
    a.replicate('reviews', {});
    b.replicate('reviews', {});
    await a.collection('reviews').insert(reviewDoc('call-del', me.id));
    await waitFor(
      'the review on b',
      () => b.collection('reviews').findOne(id).exec(),
      (d) => d !== null,
    );
    await (await a.collection('reviews').findOne(id).exec())!.remove();
    await waitFor(
      'the deletion on b',
      () => b.collection('reviews').findOne(id).exec(),
      (d) => d === null,
    );
    const [stored] = await getDocuments(db, 'reviews', [id], { includeDeleted: true });
    expect(stored.deleted).toBe(true);
  });

  it('sees a server-side write live through the SSE stream (R9)', async () => {
    const c = await client(['calls']);
    const rep = c.replicate('calls', { scope: 'recent:1' });
    await rep.awaitInitialReplication();
    await waitFor(
      'the stream to open',
      () => rep.streamStatus$.value,
      (s) => s === 'open',
    );
    await db.transaction((tx) => putDocuments(tx, 'calls', [callDoc('live-1', { startedAt: Date.now() })], Date.now()));
    await waitFor(
      'the live call',
      () => c.collection('calls').findOne('live-1').exec(),
      (d) => d !== null,
    );
  });

  it('resumes after the server restarts on the same port and converges both ways', async () => {
    const me = await staff(server, 'reviewer', 'restart');
    const c = await client(['reviews', 'calls'], me.token);
    const reviews = c.replicate('reviews', {});
    const calls = c.replicate('calls', { scope: 'recent:1' });
    await reviews.awaitInitialReplication();
    await calls.awaitInitialReplication();
    await waitFor(
      'the stream to open',
      () => calls.streamStatus$.value,
      (s) => s === 'open',
    );

    const offline: string[] = [];
    reviews.errors$.subscribe((e) => offline.push(e.code));
    const port = server.port;
    await server.close();
    await waitFor(
      'the client to notice',
      () => calls.streamStatus$.value,
      (s) => s !== 'open',
    );
    // While the server is down: a local edit (offline) and a server-side write (another instance would do it).
    await c.collection('reviews').insert(reviewDoc('call-offline', me.id, { notes: 'written offline' }));
    await waitFor(
      'the push to fail as offline',
      () => offline,
      (codes) => codes.includes('OFFLINE'),
    );
    await db.transaction((tx) =>
      putDocuments(tx, 'calls', [callDoc('while-down', { startedAt: Date.now() })], Date.now()),
    );

    server = await startTestServer({ db, config: testConfig({ PORT: String(port) }) });
    expect(server.port).toBe(port);
    await waitFor(
      'the offline edit on the server',
      () => getDocument(db, 'reviews', `call-offline:${me.id}`),
      (d) => d?.notes === 'written offline',
    );
    await waitFor(
      'the server write on the client',
      () => c.collection('calls').findOne('while-down').exec(),
      (d) => d !== null,
    );
    await waitFor(
      'the stream to reopen',
      () => calls.streamStatus$.value,
      (s) => s === 'open',
    );
    adminToken = await server.login();
  });

  it('reports a revoked session as an auth error the app can act on', async () => {
    const me = await staff(server, 'reviewer', 'signedout');
    const c = await client(['reviews'], me.token);
    const rep = c.replicate('reviews', {});
    await rep.awaitInitialReplication();
    const errors: Array<{ status: number; code: string; isAuthError: boolean }> = [];
    rep.errors$.subscribe((e) => errors.push({ status: e.status, code: e.code, isAuthError: e.isAuthError }));
    await revokeUser(db, me.email);
    await c.collection('reviews').insert(reviewDoc('call-after-revoke', me.id));
    await waitFor(
      'the refused push',
      () => errors,
      (e) => e.length > 0,
    );
    expect(errors[0]).toEqual({ status: 401, code: 'TOKEN_REVOKED', isAuthError: true });
    expect(await getDocument(db, 'reviews', `call-after-revoke:${me.id}`)).toBeNull();
  });
});
