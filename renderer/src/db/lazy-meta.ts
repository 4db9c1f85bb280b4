import {
  META_INSTANCE_SCHEMA_TITLE,
  getChangedDocumentsSince,
  getHeightOfRevision,
  now,
  type BulkWriteRow,
  type PlainJsonValue,
  type RxDocumentData,
  type RxStorageInstance,
  type RxStorageReplicationMeta,
} from 'rxdb';

/**
 * Replication metadata kept only where it says something (the "lazy meta" of the first-sync storage).
 *
 * For a collection this client may push to, RxDB's replication stores next to every pulled document a second
 * copy: the master state the client assumes (a row in the replication's meta instance), so that a later local
 * edit can be sent with the state it was based on and the server can detect a conflict. For a first sync that
 * doubles the IndexedDB writes (tests/bench/replication.bench.ts: 0.35× instead of 0.6× of a plain bulkPut).
 *
 * But while a document is exactly as the pull wrote it, the assumed master state *is* the stored document.
 * So this module stamps what the pull writes (see PULLED) and:
 *  - does not store a pulled document's meta row when the same pull has just written the document
 *    (context `replication-down-write-meta`, an insert);
 *  - answers a meta lookup for such an item from the document itself, while it is still as pulled ("virtual"
 *    meta rows, revision VIRTUAL_REV);
 *  - when a local write changes a document that is still as pulled, keeps the state it replaces (the master
 *    state the edit is based on) in the new document's `_meta.rsm`, and answers meta lookups from that, so
 *    the push still carries the right assumed master state, also after an offline edit made while no
 *    replication was running;
 *  - treats RxDB's writes over a virtual row as inserts (or as updates of a row stored meanwhile);
 *  - stores the virtual rows of a collection's older schema version when RxDB's schema migration reads its meta
 *    rows (see materialise), so that the migration carries them to the new version like stored ones.
 * Meta rows RxDB writes in any other situation (after a push, after a conflict, checkpoints) are stored as
 * usual. tests/e2e/bulk-path-storage.test.ts runs pushes, pulls, conflicts and offline edits through RxDB's
 * replication on this storage and on RxDB's own, and requires the same results on both sides.
 */

const VIRTUAL_REV = '1-lazymeta';
/** The revision of a virtual row stored for a schema migration: a stored row like any other from then on. */
const MATERIALISED_REV = '1-lazymetastored';
const MIGRATION_STATE_PREFIX = 'rx-migration-state-';
const DOWNSTREAM_CONTEXT = 'replication-downstream-';
const DOWN_META_CONTEXT = 'replication-down-write-meta';

type AnyDoc = RxDocumentData<Record<string, unknown>>;
type MetaDoc = RxDocumentData<RxStorageReplicationMeta<Record<string, unknown>, unknown>>;
type Instance<T> = RxStorageInstance<T, unknown, unknown, unknown>;

/**
 * The pull stamps each document it writes with the revision height it wrote (`_meta.rsp`, kept with the
 * document); any later write raises the height above it. RxDB's own marker (`_meta.o`) cannot serve: the
 * collection's storage wrapper replaces `_meta` on inserts.
 */
const PULLED = 'rsp';
/** The master state a local edit was based on, kept in the edited document's `_meta`. */
const BASE = 'rsm';

/** The `_meta` of a document written by a pull at revision height 1 (the first sync's bulk writer). */
export function pulledMeta(lwt: number): { lwt: number; [PULLED]: number } {
  return { lwt, [PULLED]: 1 };
}

/** A document exactly as the replication's pull wrote it. */
function asPulled(doc: AnyDoc | undefined): boolean {
  const stamp = (doc?._meta as Record<string, unknown> | undefined)?.[PULLED];
  return !!doc && stamp === getHeightOfRevision(doc._rev);
}

/** The master state a document's meta row would hold: the document as pulled, or the base of a local edit. */
function assumedMaster(doc: AnyDoc): Record<string, unknown> | null {
  if (asPulled(doc)) return docState(doc);
  return ((doc._meta as Record<string, unknown>)[BASE] as Record<string, unknown> | undefined) ?? null;
}

function docState(doc: AnyDoc): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, ...state } = doc;
  return state;
}

/** One collection's storage instance and the replication meta instances open on it. */
interface Fork {
  readonly databaseName: string;
  readonly collectionName: string;
  readonly schemaVersion: number;
  readonly propertiesKey: string;
  readonly primaryPath: string;
  readonly instance: Instance<AnyDoc>;
  /**
   * Items the last pull batch wrote, whose meta rows RxDB writes next (it persists one batch at a time: fork,
   * then meta). Replaced per batch, so a replication that writes no meta rows (pull-only) leaves no trail.
   */
  justPulled: Set<string>;
}

/** What the lazy meta did, for the tests and the benchmark. */
export const lazyMetaStats = { skippedRows: 0, virtualRows: 0, keptBases: 0 };

const metaId = (itemId: string) => `${itemId}|0`;
const itemIdOf = (id: string) => (id.endsWith('|0') ? id.slice(0, -2) : null);

function propertiesKey(properties: unknown): string {
  return JSON.stringify(properties);
}

export class LazyMeta {
  private readonly forks = new Set<Fork>();

  /** Wraps a storage instance: collections become forks, replication meta instances become lazy. */
  wrap<T>(instance: Instance<T>, databaseName: string): Instance<T> {
    const schema = instance.schema as unknown as {
      title?: string;
      version: number;
      properties: Record<string, { properties?: unknown }>;
      attachments?: unknown;
    };
    if (schema.attachments) return instance;
    if (schema.title === META_INSTANCE_SCHEMA_TITLE) {
      const key = propertiesKey(schema.properties.docData?.properties);
      const fork = [...this.forks].find((f) => f.databaseName === databaseName && f.propertiesKey === key);
      return fork
        ? (this.wrapMeta(instance as unknown as Instance<MetaDoc>, fork) as unknown as Instance<T>)
        : instance;
    }
    const fork: Fork = {
      databaseName,
      collectionName: instance.collectionName,
      schemaVersion: schema.version,
      propertiesKey: propertiesKey(schema.properties),
      primaryPath: (instance as unknown as { primaryPath: string }).primaryPath,
      instance: instance as unknown as Instance<AnyDoc>,
      justPulled: new Set(),
    };
    this.forks.add(fork);
    this.wrapFork(fork);
    const close = instance.close.bind(instance);
    const remove = instance.remove.bind(instance);
    instance.close = () => (this.forks.delete(fork), close());
    instance.remove = () => (this.forks.delete(fork), remove());
    return instance;
  }

  private wrapFork(fork: Fork): void {
    const instance = fork.instance;
    const bulkWrite = instance.bulkWrite.bind(instance);
    instance.bulkWrite = async (rows: BulkWriteRow<AnyDoc>[], context: string) => {
      if (context.startsWith(DOWNSTREAM_CONTEXT)) {
        const stamped = rows.map((row) => ({
          previous: row.previous,
          document: {
            ...row.document,
            _meta: { ...row.document._meta, [PULLED]: getHeightOfRevision(row.document._rev) },
          },
        }));
        const result = await bulkWrite(stamped, context);
        const failed = new Set(result.error.map((e) => e.documentId));
        fork.justPulled = new Set(
          stamped
            .map((row) => (row.document as Record<string, unknown>)[fork.primaryPath] as string)
            .filter((id) => !failed.has(id)),
        );
        return result;
      }
      // A local write (or a resolved conflict) over a document still as pulled: keep the state it replaces.
      const based = rows.map((row): BulkWriteRow<AnyDoc> => {
        if (!row.previous || !asPulled(row.previous)) return row;
        lazyMetaStats.keptBases++;
        const base = docState(row.previous) as PlainJsonValue;
        return {
          previous: row.previous,
          document: { ...row.document, _meta: { ...row.document._meta, [BASE]: base } },
        };
      });
      return bulkWrite(based, context);
    };
  }

  private virtualRow(fork: Fork, doc: AnyDoc, docData: Record<string, unknown>): MetaDoc {
    const itemId = doc[fork.primaryPath] as string;
    return {
      id: metaId(itemId),
      itemId,
      isCheckpoint: '0',
      docData,
      _deleted: false,
      _attachments: {},
      _rev: VIRTUAL_REV,
      _meta: { lwt: (doc._meta as { lwt: number }).lwt ?? now() },
    } as unknown as MetaDoc;
  }

  private wrapMeta(instance: Instance<MetaDoc>, fork: Fork): Instance<MetaDoc> {
    const findDocumentsById = instance.findDocumentsById.bind(instance);
    const bulkWrite = instance.bulkWrite.bind(instance);
    this.materialiseBeforeMigration(instance, fork, findDocumentsById, bulkWrite);
    instance.findDocumentsById = async (ids: string[], withDeleted: boolean) => {
      const found = await findDocumentsById(ids, withDeleted);
      const have = new Set(found.map((d) => d.id));
      const missing = ids.filter((id) => !have.has(id)).flatMap((id) => itemIdOf(id) ?? []);
      if (missing.length === 0) return found;
      for (const doc of await fork.instance.findDocumentsById(missing, true)) {
        const master = assumedMaster(doc);
        if (!master) continue;
        lazyMetaStats.virtualRows++;
        found.push(this.virtualRow(fork, doc, master));
      }
      return found;
    };

    instance.bulkWrite = async (rows: BulkWriteRow<MetaDoc>[], context: string) => {
      const keep: BulkWriteRow<MetaDoc>[] = [];
      for (const row of rows) {
        const itemId = row.document.isCheckpoint === '0' ? row.document.itemId : null;
        const overVirtual = !row.previous || row.previous._rev === VIRTUAL_REV;
        const justPulled = !!itemId && context === DOWN_META_CONTEXT && fork.justPulled.delete(itemId);
        if (justPulled && overVirtual) {
          lazyMetaStats.skippedRows++;
          continue;
        }
        keep.push(row);
      }
      // Rows written over a virtual row: an insert, or an update of a row stored in the meantime.
      const virtualPrevious = keep.filter((r) => r.previous?._rev === VIRTUAL_REV).map((r) => r.document.id);
      if (virtualPrevious.length > 0) {
        const stored = new Map((await findDocumentsById(virtualPrevious, true)).map((d) => [d.id, d]));
        for (const row of keep) {
          if (row.previous?._rev === VIRTUAL_REV) row.previous = stored.get(row.document.id);
        }
      }
      if (keep.length === 0) return { error: [] };
      return bulkWrite(keep, context);
    };
    return instance;
  }

  /**
   * RxDB's schema migration moves a collection's stored replication meta rows to the new version, running the
   * migration step over their master states; it reads them from the old version's meta instance (a count, then a
   * change feed), which never shows virtual rows. A virtual row carried over only inside the migrated document
   * would be wrong: the base of an edit (`_meta.rsm`) would keep the old version's shape and the edit would lose
   * its conflict on the server (replication SPEC R3a). So when the meta instance of a version older than one
   * already open on the same collection is opened (only the migration does that), every virtual row is stored
   * before anything reads it, and the migration step handles it like any other. A one-off cost of the update,
   * off the pull path.
   */
  private materialiseBeforeMigration(
    instance: Instance<MetaDoc>,
    fork: Fork,
    findDocumentsById: Instance<MetaDoc>['findDocumentsById'],
    bulkWrite: Instance<MetaDoc>['bulkWrite'],
  ): void {
    // The migration's own bookkeeping of what it has moved (`rx-migration-state-meta-…`) has the same shape,
    // but is not a replication of this collection: it keeps its rows as RxDB writes them.
    if (instance.collectionName.startsWith(MIGRATION_STATE_PREFIX)) return;
    const migrating = [...this.forks].some(
      (f) =>
        f.databaseName === fork.databaseName &&
        f.collectionName === fork.collectionName &&
        f.schemaVersion > fork.schemaVersion,
    );
    if (!migrating) return;
    const materialised = this.materialise(fork, findDocumentsById, bulkWrite);
    const query = instance.query.bind(instance);
    const count = instance.count.bind(instance);
    instance.query = async (preparedQuery) => {
      await materialised;
      return query(preparedQuery);
    };
    instance.count = async (preparedQuery) => {
      await materialised;
      return count(preparedQuery);
    };
    const changedSince = instance.getChangedDocumentsSince?.bind(instance);
    if (changedSince) {
      instance.getChangedDocumentsSince = async (limit, checkpoint) => {
        await materialised;
        return changedSince(limit, checkpoint);
      };
    }
  }

  /** Stores the virtual meta row of every document of the fork that has one and no stored row. */
  private async materialise(
    fork: Fork,
    findDocumentsById: Instance<MetaDoc>['findDocumentsById'],
    bulkWrite: Instance<MetaDoc>['bulkWrite'],
  ): Promise<void> {
    let checkpoint: unknown = undefined;
    for (;;) {
      const batch = await getChangedDocumentsSince(fork.instance, 200, checkpoint);
      if (batch.documents.length === 0) return;
      checkpoint = batch.checkpoint;
      const virtual = batch.documents.flatMap((doc) => {
        const master = assumedMaster(doc);
        return master ? [this.virtualRow(fork, doc, master)] : [];
      });
      const stored = new Set(
        (
          await findDocumentsById(
            virtual.map((row) => row.id),
            true,
          )
        ).map((row) => row.id),
      );
      const rows = virtual
        .filter((row) => !stored.has(row.id))
        .map((row): BulkWriteRow<MetaDoc> => ({ document: { ...row, _rev: MATERIALISED_REV } }));
      if (rows.length > 0) await bulkWrite(rows, 'lazy-meta-materialise');
    }
  }
}
