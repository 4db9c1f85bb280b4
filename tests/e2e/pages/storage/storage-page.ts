/**
 * Runs one scenario of writes, conflicts, updates, deletions and queries against an RxDB collection, with
 * either RxDB's Dexie storage or the app's bulk path around it, and reports everything observable, so the
 * test can require both to behave identically (tests/e2e/bulk-path-storage.test.ts).
 */
import { createRxDatabase, type RxCollection, type RxStorage, type WithDeleted } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { Subject } from 'rxjs';
import {
  APP_DEXIE_SETTINGS,
  bulkPathStats,
  firstSyncWriter,
  withBulkInsertPath,
} from '../../../../renderer/src/db/fast-insert-storage';
import { lazyMetaStats } from '../../../../renderer/src/db/lazy-meta';
import { collectionDefinition, replicateCollection } from '../../../../renderer/src/db/replication';
import { sameDocument } from '../../../../shared/conflicts';
import { PAGE_CHECKPOINT_HEADER, PAGE_COUNT_HEADER } from '../../../../shared/pull-page';
import type { CallDoc } from '../../../../shared/schemas';

function call(i: number, over: Partial<CallDoc> = {}): CallDoc {
  return {
    id: `call-${String(i).padStart(3, '0')}`,
    updatedAt: 1,
    leadId: null,
    assessorId: null,
    direction: null,
    poolNumber: '+447700900001',
    district: i % 2 ? 'W1' : 'E17',
    service: null,
    startedAt: 1_700_000_000_000 + ((i * 7919) % 1000) * 1000,
    ringingAt: null,
    answeredAt: null,
    endedAt: null,
    ringSeconds: 0,
    talkSeconds: i,
    status: 'completed',
    connected: false,
    hungUpBy: null,
    recording: { state: 'none', durationSec: null, channels: [], storedAt: null },
    reviewAssignee: null,
    sandbox: false,
    ...over,
  };
}

async function scenario(storage: RxStorage<unknown, unknown>, name: string) {
  const db = await createRxDatabase({ name, storage, multiInstance: false });
  await db.addCollections({ calls: collectionDefinition('calls') });
  const calls = db.calls as RxCollection<CallDoc>;
  const events: string[] = [];
  const sub = calls.$.subscribe((e) => events.push(`${e.operation}:${e.documentId}`));
  const out: Record<string, unknown> = {};

  const first = await calls.bulkInsert(Array.from({ length: 60 }, (_, i) => call(i)));
  out.firstInsert = { ok: first.success.length, errors: first.error.map((e) => [e.status, e.documentId]) };
  // An insert over existing ids, mixed with new ones: conflicts for the existing, writes for the new.
  const second = await calls.bulkInsert([call(5, { talkSeconds: 999 }), call(60), call(61)]);
  out.secondInsert = {
    ok: second.success.map((d) => d.id).sort(),
    errors: second.error.map((e) => [e.status, e.documentId]),
  };
  out.singleConflict = await calls.insert(call(7)).then(
    () => 'written',
    (err: { code?: string; parameters?: { writeError?: { status?: number } } }) =>
      `${err.code}:${err.parameters?.writeError?.status}`,
  );
  const doc = await calls.findOne('call-010').exec();
  await doc!.incrementalPatch({ talkSeconds: 4242, reviewAssignee: 'rita' });
  await (await calls.findOne('call-011').exec())!.remove();
  out.upsert = (await calls.upsert(call(12, { district: 'N1' }))).district;

  out.byId = [...(await calls.findByIds(['call-010', 'call-011', 'call-404']).exec()).keys()].sort();
  out.sorted = (await calls.find({ sort: [{ startedAt: 'asc' }, { id: 'asc' }] }).exec()).map((d) => d.id);
  out.filtered = (
    await calls.find({ selector: { district: 'W1', talkSeconds: { $gt: 30 } }, sort: [{ id: 'desc' }] }).exec()
  ).map((d) => d.id);
  out.count = await calls.count().exec();
  out.patched = (await calls.findOne('call-010').exec())!.toJSON();
  out.unchangedByConflict = (await calls.findOne('call-005').exec())!.talkSeconds;
  sub.unsubscribe();
  out.events = events;
  await db.remove();
  return out;
}

/**
 * A master with the sync server's push rule (SPEC R5: a row whose assumed master state differs from the
 * stored one is a conflict, answered with the stored document) and server-assigned sequence numbers.
 */
class Master {
  private docs = new Map<string, { doc: WithDeleted<CallDoc>; seq: number }>();
  private seq = 0;
  readonly pushes: Array<{ id: string; conflict: boolean }> = [];
  readonly stream$ = new Subject<'RESYNC'>();

  write(doc: WithDeleted<CallDoc>) {
    this.seq++;
    this.docs.set(doc.id, { doc: { ...doc, updatedAt: this.seq }, seq: this.seq });
  }
  get(id: string) {
    return this.docs.get(id)?.doc;
  }
  pull(after: number, limit: number) {
    const rows = [...this.docs.values()]
      .filter((r) => r.seq > after)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    return { documents: rows.map((r) => r.doc), checkpoint: { seq: rows.length ? rows[rows.length - 1].seq : after } };
  }
  push(rows: Array<{ newDocumentState: WithDeleted<CallDoc>; assumedMasterState?: WithDeleted<CallDoc> }>) {
    const conflicts: WithDeleted<CallDoc>[] = [];
    for (const row of rows) {
      const current = this.get(row.newDocumentState.id);
      const conflict = !sameDocument(current ?? null, row.assumedMasterState ?? null);
      this.pushes.push({ id: row.newDocumentState.id, conflict });
      if (conflict) conflicts.push(current!);
      else this.write(row.newDocumentState);
    }
    if (rows.length) setTimeout(() => this.stream$.next('RESYNC'), 0);
    return conflicts;
  }
  all() {
    return [...this.docs.values()].map((r) => r.doc).sort((a, b) => a.id.localeCompare(b.id));
  }
}

/**
 * Pull, push, server-side edits, deletions, conflicts and an offline edit through RxDB's replication: what
 * the master and the local collection end with, and what every push looked like.
 */
async function replicationScenario(storage: RxStorage<unknown, unknown>, name: string) {
  const db = await createRxDatabase({ name, storage, multiInstance: false });
  await db.addCollections({ calls: collectionDefinition('calls') });
  const calls = db.calls as RxCollection<CallDoc>;
  const master = new Master();
  for (let i = 0; i < 50; i++) master.write({ ...call(i), _deleted: false });
  const start = () =>
    replicateRxCollection<CallDoc, { seq: number }>({
      replicationIdentifier: 'lazy-meta-scenario',
      collection: calls,
      live: true,
      retryTime: 50,
      pull: {
        batchSize: 20,
        handler: async (checkpoint, limit) => master.pull(checkpoint?.seq ?? 0, limit),
        stream$: master.stream$.asObservable(),
      },
      push: { batchSize: 10, handler: async (rows) => master.push(rows) },
    });
  const patch = async (id: string, p: Partial<CallDoc>) => (await calls.findOne(id).exec())!.incrementalPatch(p);
  const serverEdit = (id: string, p: Partial<CallDoc>) => master.write({ ...master.get(id)!, ...p });
  const settle = async (rep: ReturnType<typeof start>) => {
    master.stream$.next('RESYNC');
    await rep.awaitInSync();
    await new Promise((r) => setTimeout(r, 50));
    await rep.awaitInSync();
  };

  let rep = start();
  await rep.awaitInitialReplication();
  // A local edit of a document as pulled: pushed with the right assumed master, no conflict.
  await patch('call-001', { reviewAssignee: 'me' });
  await settle(rep);
  // A server edit reaches the client.
  serverEdit('call-002', { talkSeconds: 777 });
  await settle(rep);
  // Both sides edit the same document: the push conflicts and the master wins (calls' handler).
  serverEdit('call-003', { status: 'busy' });
  await patch('call-003', { reviewAssignee: 'me' });
  await settle(rep);
  // Two local edits in a row, then one on the server.
  await patch('call-004', { reviewAssignee: 'a' });
  await patch('call-004', { reviewAssignee: 'b' });
  await settle(rep);
  serverEdit('call-004', { talkSeconds: 4 });
  await settle(rep);
  // A deletion on the server and an edit of an already pushed document.
  master.write({ ...master.get('call-005')!, _deleted: true });
  await patch('call-001', { reviewAssignee: null });
  await settle(rep);
  // Offline: the replication stops, both sides edit, the replication starts again.
  await rep.cancel();
  await patch('call-006', { reviewAssignee: 'offline' });
  serverEdit('call-007', { district: 'N1' });
  rep = start();
  await rep.awaitInitialReplication();
  await settle(rep);

  const local = (await calls.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON());
  await rep.cancel();
  await db.remove();
  return { master: master.all(), local, pushes: master.pushes };
}

/**
 * The app's replicateCollection against the same master behind a fetch that speaks the sync server's pull
 * and push: a first sync of 2,500 documents in pages of 1,000 whose very first request fails (offline), one
 * document changed on the master while the first sync runs (so it arrives twice), then a local edit and a
 * server edit. With the app's storage the first-sync writer carries the first sync, on its second attempt.
 */
async function firstSyncScenario(kind: 'dexie' | 'bulk', name: string) {
  const storage = kind === 'bulk' ? withBulkInsertPath(getRxStorageDexie(APP_DEXIE_SETTINGS)) : getRxStorageDexie();
  const db = await createRxDatabase({ name, storage, multiInstance: false });
  await db.addCollections({ calls: collectionDefinition('calls') });
  const calls = db.calls as RxCollection<CallDoc>;
  const master = new Master();
  for (let i = 0; i < 2500; i++) master.write({ ...call(i), _deleted: i === 7 });
  let pulls = 0;
  let offline = true;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    // The very first request fails as if the network were down (the first sync is retried).
    if (offline) {
      offline = false;
      throw new TypeError('Failed to fetch');
    }
    const url = new URL(String(input));
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    if (url.pathname.endsWith('/pull')) {
      pulls++;
      // After the first page has gone out, the master changes a document that page carried.
      if (pulls === 2) master.write({ ...master.get('call-005')!, talkSeconds: 5555 });
      const limit = Number(url.searchParams.get('limit'));
      const page = master.pull(Number(url.searchParams.get('seq')), limit);
      const res = json({ ...page, head: master.pull(0, 1e9).checkpoint.seq });
      // The page's position in headers, as the sync server sends it; not on the first page, as when a proxy
      // drops them (the client then reads the body first).
      if (pulls > 1) {
        res.headers.set(PAGE_CHECKPOINT_HEADER, String(page.checkpoint.seq));
        res.headers.set(PAGE_COUNT_HEADER, String(page.documents.length));
      }
      return res;
    }
    const body = JSON.parse(String(init?.body)) as { rows: Parameters<Master['push']>[0] };
    return json({
      conflicts: master.push(body.rows.map((r) => ({ ...r, assumedMasterState: r.assumedMasterState ?? undefined }))),
    });
  };
  const rep = replicateCollection({
    collection: calls,
    name: 'calls',
    baseUrl: 'http://master.test',
    token: 'token',
    pullBatchSize: 1000,
    fetch: fetch as typeof globalThis.fetch,
    retryTime: 50,
    // No live stream from this master: changes are picked up by reSync().
    EventSource: class {
      readonly readyState = 0;
      addEventListener() {}
      close() {}
    },
    firstSyncWriter: kind === 'bulk' ? () => firstSyncWriter(db.name, 'calls') : undefined,
  });
  await rep.awaitInitialReplication();
  const afterFirstSync = {
    count: await calls.count().exec(),
    changed: (await calls.findOne('call-005').exec())!.talkSeconds,
  };
  await (await calls.findOne('call-010').exec())!.incrementalPatch({ reviewAssignee: 'me' });
  await rep.awaitInSync();
  master.write({ ...master.get('call-2000')!, district: 'N1' });
  rep.reSync();
  await new Promise((r) => setTimeout(r, 100));
  await rep.awaitInSync();
  const local = (await calls.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON());
  await rep.cancel();
  await db.remove();
  return { afterFirstSync, master: master.all(), local, pushes: master.pushes };
}

/** The index names of a database's calls table as IndexedDB holds them. */
async function docsIndexes(name: string): Promise<string[]> {
  const dbName = (await indexedDB.databases())
    .map((d) => d.name ?? '')
    .find((n) => n.includes(name) && n.endsWith('--calls'))!;
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const names = [...idb.transaction('docs').objectStore('docs').indexNames].sort();
  idb.close();
  return names;
}

/**
 * A database written by RxDB's stock Dexie storage (with the `_meta.lwt` index), opened again with the app's
 * settings (without it): the documents are all there, queries and cleanup work, and new writes land.
 */
async function reopenScenario(name: string) {
  const first = await createRxDatabase({ name, storage: getRxStorageDexie(), multiInstance: false });
  await first.addCollections({ calls: collectionDefinition('calls') });
  await (first.calls as RxCollection<CallDoc>).bulkInsert(Array.from({ length: 30 }, (_, i) => call(i)));
  await (await (first.calls as RxCollection<CallDoc>).findOne('call-003').exec())!.remove();
  await first.close();
  const again = await createRxDatabase({
    name,
    storage: withBulkInsertPath(getRxStorageDexie(APP_DEXIE_SETTINGS)),
    multiInstance: false,
  });
  await again.addCollections({ calls: collectionDefinition('calls') });
  const calls = again.calls as RxCollection<CallDoc>;
  await calls.insert(call(30));
  const tombstone = async () => (await calls.storageInstance.findDocumentsById(['call-003'], true)).length;
  const out = {
    count: await calls.count().exec(),
    sorted: (await calls.find({ sort: [{ startedAt: 'asc' }, { id: 'asc' }] }).exec()).length,
    tombstoneBefore: await tombstone(),
    cleanedUp: await calls.storageInstance.cleanup(0),
    tombstoneAfter: await tombstone(),
    indexesKept: await docsIndexes(name),
  };
  await again.remove();
  const fresh = await createRxDatabase({
    name: `${name}new`,
    storage: withBulkInsertPath(getRxStorageDexie(APP_DEXIE_SETTINGS)),
    multiInstance: false,
  });
  await fresh.addCollections({ calls: collectionDefinition('calls') });
  const indexesNew = await docsIndexes(`${name}new`);
  await fresh.remove();
  return { ...out, indexesNew };
}

const page = {
  reopen: () => reopenScenario(`reopen_${Math.random().toString(36).slice(2, 8)}`),

  async firstSync(kind: 'dexie' | 'bulk') {
    const before = bulkPathStats.firstSyncDocs;
    const result = await firstSyncScenario(kind, `first_sync_${kind}_${Math.random().toString(36).slice(2, 8)}`);
    return { result, firstSyncDocs: bulkPathStats.firstSyncDocs - before };
  },

  async replication(kind: 'dexie' | 'bulk') {
    const before = { ...lazyMetaStats };
    const dexie = getRxStorageDexie();
    const result = await replicationScenario(
      kind === 'bulk' ? withBulkInsertPath(dexie) : dexie,
      `replication_${kind}_${Math.random().toString(36).slice(2, 8)}`,
    );
    const stats = Object.fromEntries(
      Object.entries(lazyMetaStats).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
    );
    return { result, stats };
  },

  async run(kind: 'dexie' | 'bulk') {
    const before = bulkPathStats.fastBatches;
    const dexie = getRxStorageDexie();
    const result = await scenario(
      kind === 'bulk' ? withBulkInsertPath(dexie) : dexie,
      `storage_${kind}_${Math.random().toString(36).slice(2, 8)}`,
    );
    return { result, fastBatches: bulkPathStats.fastBatches - before };
  },
};
(window as unknown as { storagePage: typeof page }).storagePage = page;
document.body.dataset.ready = 'true';
