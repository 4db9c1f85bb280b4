/**
 * Runs one scenario of writes, conflicts, updates, deletions and queries against an RxDB collection, with
 * either RxDB's Dexie storage or the app's bulk path around it, and reports everything observable, so the
 * test can require both to behave identically (tests/e2e/bulk-path-storage.test.ts).
 */
import { createRxDatabase, type RxCollection, type RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { bulkPathStats, withBulkInsertPath } from '../../../../renderer/src/db/fast-insert-storage';
import { collectionDefinition } from '../../../../renderer/src/db/replication';
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

const page = {
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
