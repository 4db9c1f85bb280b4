import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc } from '../../shared/schemas';
import { putDocuments } from '../../sync-server/src/replication/store';
import { createNodeClient, type NodeClient } from '../helpers/rxdb-node';
import { startTestServer, type TestServer } from '../helpers/server';
import { callDoc, clipDoc, daysAgo, reviewDoc, staff } from '../helpers/sync-docs';

/** Partial sync (SPEC R10): a device holds its working set, not the whole history. */
let server: TestServer;
let me: { id: string; token: string };
let other: { id: string; token: string };
let adminToken: string;
const clients: NodeClient[] = [];
const NOW = Date.now();
const HISTORY = 3000;
const RECENT = 40;

type PullBody = { documents: Array<Record<string, unknown>>; checkpoint: { seq: number } };

async function pullAll(
  token: string,
  collection: string,
  scope: string,
  from = 0,
): Promise<{ ids: string[]; requests: number; seq: number; docs: PullBody['documents'] }> {
  let seq = from;
  let requests = 0;
  const docs: PullBody['documents'] = [];
  for (;;) {
    const res = await server.api(`/sync/${collection}/0/pull?seq=${seq}&limit=100&scope=${encodeURIComponent(scope)}`, {
      token,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PullBody;
    requests++;
    docs.push(...body.documents);
    seq = body.checkpoint.seq;
    if (body.documents.length < 100) return { ids: docs.map((d) => d.id as string).sort(), requests, seq, docs };
  }
}

async function seedCalls(docs: CallDoc[]) {
  for (let i = 0; i < docs.length; i += 1000) {
    await server.db.transaction((tx) => putDocuments(tx, 'calls', docs.slice(i, i + 1000), Date.now()));
  }
}

beforeAll(async () => {
  server = await startTestServer({ env: {} });
  adminToken = await server.login();
  me = await staff(server, 'reviewer', 'queue-me');
  other = await staff(server, 'reviewer', 'queue-other');
  // A long history of old calls, none of them recorded (so they are in no queue), and a few recent ones.
  await seedCalls(
    Array.from({ length: HISTORY }, (_, i) =>
      callDoc(`old-${i}`, {
        startedAt: daysAgo(NOW, 60 + (i % 300)),
        recording: { state: 'none', durationSec: null, channels: [], storedAt: null },
      }),
    ),
  );
  await seedCalls(
    Array.from({ length: RECENT }, (_, i) =>
      callDoc(`recent-${i}`, {
        startedAt: daysAgo(NOW, i % 7),
        recording: { state: 'none', durationSec: null, channels: [], storedAt: null },
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
});

describe('partial sync scopes', () => {
  it('recent:<days> pulls only the recent calls, not the history', async () => {
    const scoped = await pullAll(adminToken, 'calls', 'recent:7');
    expect(scoped.ids).toHaveLength(RECENT);
    expect(scoped.ids.every((id) => id.startsWith('recent-'))).toBe(true);
    expect(scoped.requests).toBe(1);
    const everything = await pullAll(adminToken, 'calls', 'recent:3660');
    expect(everything.ids.length).toBe(HISTORY + RECENT);
  });

  it('an RxDB client with a scope holds its working set only', async () => {
    const c = await createNodeClient({ collections: ['calls'], baseUrl: server.url, token: adminToken });
    clients.push(c);
    const rep = c.replicate('calls', { scope: 'recent:7', live: false });
    const requests: string[] = [];
    rep.errors$.subscribe((e) => requests.push(e.message));
    await rep.awaitInitialReplication();
    expect(await c.collection('calls').count().exec()).toBe(RECENT);
    expect(requests).toEqual([]);
  });

  it('queue holds recorded calls awaiting my review, and a call leaving my queue still reaches me once', async () => {
    const stored = (id: string, over: Partial<CallDoc> = {}) => callDoc(id, { startedAt: daysAgo(NOW, 100), ...over });
    await seedCalls([
      stored('q-unassigned'),
      stored('q-mine', { reviewAssignee: me.id }),
      stored('q-theirs', { reviewAssignee: other.id }),
      stored('q-unrecorded', { recording: { state: 'pending', durationSec: null, channels: [], storedAt: null } }),
      stored('q-reviewed'),
      stored('q-mine-done', { reviewAssignee: me.id }),
    ]);
    await server.db.transaction((tx) =>
      putDocuments(
        tx,
        'reviews',
        [
          reviewDoc('q-reviewed', other.id, { status: 'submitted', submittedAt: NOW }),
          reviewDoc('q-mine-done', me.id, { status: 'submitted', submittedAt: NOW }),
        ],
        NOW,
      ),
    );
    const first = await pullAll(me.token, 'calls', 'queue');
    expect(first.ids).toEqual(['q-mine', 'q-unassigned']);

    // An admin reassigns my call to someone else: my next pull from my checkpoint carries that change.
    await server.db.transaction((tx) =>
      putDocuments(tx, 'calls', [stored('q-mine', { reviewAssignee: other.id })], Date.now()),
    );
    const next = await pullAll(me.token, 'calls', 'queue', first.seq);
    expect(next.docs.map((d) => [d.id, d.reviewAssignee])).toEqual([['q-mine', other.id]]);
    // A fresh device no longer gets it.
    expect((await pullAll(me.token, 'calls', 'queue')).ids).toEqual(['q-unassigned']);
    // insights and reviews have the queue scope too: those of the calls in my queue.
    await server.db.transaction((tx) =>
      putDocuments(tx, 'reviews', [reviewDoc('q-unassigned', me.id), reviewDoc('q-theirs', me.id)], NOW),
    );
    expect((await pullAll(me.token, 'reviews', 'queue')).ids).toEqual([`q-unassigned:${me.id}`]);

    // queue:<days> bounds only the unassigned part: old work assigned to me still counts.
    await seedCalls([
      stored('q-old-mine', { reviewAssignee: me.id }),
      stored('q-fresh', { startedAt: daysAgo(NOW, 2) }),
    ]);
    expect((await pullAll(me.token, 'calls', 'queue:30')).ids).toEqual(['q-fresh', 'q-old-mine']);
    expect((await pullAll(me.token, 'calls', 'queue')).ids).toEqual(['q-fresh', 'q-old-mine', 'q-unassigned']);
  });

  it('call:<ids> and mine narrow per-call and owned collections', async () => {
    const author = await staff(server, 'author', 'scoper');
    await server.db.transaction((tx) =>
      putDocuments(
        tx,
        'clips',
        [
          clipDoc('cl-1', author.id, { callId: 'call-x' }),
          clipDoc('cl-2', author.id, { callId: 'call-y' }),
          clipDoc('cl-3', 'someone', { callId: 'call-x' }),
        ],
        NOW,
      ),
    );
    expect((await pullAll(author.token, 'clips', 'call:call-x')).ids).toEqual(['cl-1', 'cl-3']);
    expect((await pullAll(author.token, 'clips', 'mine')).ids).toEqual(['cl-1', 'cl-2']);
    const bad = await server.api('/sync/clips/0/pull?scope=queue', { token: author.token });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'scope' });
  });
});
