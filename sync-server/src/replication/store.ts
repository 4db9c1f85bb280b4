import { COLLECTIONS, type CollectionName, type DocTypes } from '../../../shared/schemas';
import type { Queryable } from '../db';

/**
 * The server's store of replicated documents. Domain code (telephony, recordings, analysis …) writes the
 * client-facing document of a call, lead or insight here inside its own transaction; replication reads it.
 *
 * Ordering rule (SPEC R1): each write takes the next numbers from the collection's counter row. The row lock
 * is held until commit, so a change with a lower `seq` can never become visible after a higher one.
 */
export const SYNC_CHANNEL = 'ringside_sync';

export interface StoredDoc<T = Record<string, unknown>> {
  id: string;
  seq: number;
  updatedAt: number;
  deleted: boolean;
  doc: T;
}

interface Row {
  id: string;
  seq: number;
  updated_at: number;
  deleted: boolean;
  doc: Record<string, unknown>;
}

const toStored = <T>(r: Row): StoredDoc<T> => ({
  id: r.id,
  seq: r.seq,
  updatedAt: r.updated_at,
  deleted: r.deleted,
  doc: r.doc as T,
});

/**
 * Takes the collection's counter row lock without consuming a number. A transaction that reads documents in
 * order to write them (push, delete) calls this first, so every writer of a collection locks in the same order
 * (counter, then documents) and two writers cannot deadlock.
 */
export async function lockCollection(tx: Queryable, collection: CollectionName): Promise<void> {
  await tx.query(
    `INSERT INTO sync_counters (collection, seq) VALUES ($1, 0)
     ON CONFLICT (collection) DO UPDATE SET seq = sync_counters.seq`,
    [collection],
  );
}

/** The newest sequence number of a collection (0 when nothing was ever written). */
export async function collectionHead(q: Queryable, collection: CollectionName): Promise<number> {
  const { rows } = await q.query<{ seq: number }>('SELECT seq FROM sync_counters WHERE collection = $1', [collection]);
  return rows[0]?.seq ?? 0;
}

async function takeSequence(tx: Queryable, collection: CollectionName, count: number): Promise<number> {
  const { rows } = await tx.query<{ seq: number }>(
    `INSERT INTO sync_counters (collection, seq) VALUES ($1, $2)
     ON CONFLICT (collection) DO UPDATE SET seq = sync_counters.seq + $2 RETURNING seq`,
    [collection, count],
  );
  return rows[0].seq - count + 1;
}

/**
 * Writes documents (insert or replace), stamping `updatedAt` with the server clock and a new `seq`.
 * Must run inside a transaction (`db.transaction`). Returns the documents as stored.
 */
export async function putDocuments<C extends CollectionName>(
  tx: Queryable,
  collection: C,
  docs: Array<DocTypes[C]>,
  now: number,
  opts: { deleted?: boolean } = {},
): Promise<Array<DocTypes[C]>> {
  if (docs.length === 0) return [];
  if (!(collection in COLLECTIONS)) throw new Error(`unknown collection ${collection}`);
  const first = await takeSequence(tx, collection, docs.length);
  const stamped = docs.map((d) => ({ ...d, updatedAt: now }));
  await tx.query(
    `INSERT INTO sync_documents (collection, id, seq, updated_at, deleted, doc)
     SELECT $1, d.id, d.seq, $2, $3, d.doc
       FROM unnest($4::text[], $5::bigint[], $6::jsonb[]) AS d(id, seq, doc)
     ON CONFLICT (collection, id) DO UPDATE
       SET seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at, deleted = EXCLUDED.deleted, doc = EXCLUDED.doc,
           prev_doc = sync_documents.doc`,
    [
      collection,
      now,
      opts.deleted ?? false,
      stamped.map((d) => d.id),
      stamped.map((_, i) => first + i),
      stamped.map((d) => JSON.stringify(d)),
    ],
  );
  await tx.query('SELECT pg_notify($1, $2)', [
    SYNC_CHANNEL,
    JSON.stringify({ collection, seq: first + docs.length - 1 }),
  ]);
  return stamped;
}

export async function putDocument<C extends CollectionName>(
  tx: Queryable,
  collection: C,
  doc: DocTypes[C],
  now: number,
): Promise<DocTypes[C]> {
  const [stored] = await putDocuments(tx, collection, [doc], now);
  return stored;
}

/** Deletes documents as tombstones, so the deletion replicates; `scrub` replaces the body (erasure). */
export async function deleteDocuments<C extends CollectionName>(
  tx: Queryable,
  collection: C,
  ids: string[],
  now: number,
  opts: { scrub?: (doc: DocTypes[C]) => DocTypes[C] } = {},
): Promise<number> {
  await lockCollection(tx, collection);
  const existing = await getDocuments(tx, collection, ids, { forUpdate: true });
  const docs = existing.map((s) => (opts.scrub ? opts.scrub(s.doc) : s.doc));
  await putDocuments(tx, collection, docs, now, { deleted: true });
  return docs.length;
}

export async function getDocuments<C extends CollectionName>(
  q: Queryable,
  collection: C,
  ids: string[],
  opts: { forUpdate?: boolean; includeDeleted?: boolean } = {},
): Promise<Array<StoredDoc<DocTypes[C]>>> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<Row>(
    `SELECT id, seq, updated_at, deleted, doc FROM sync_documents
      WHERE collection = $1 AND id = ANY($2::text[]) ${opts.includeDeleted ? '' : 'AND NOT deleted'}
      ORDER BY id ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [collection, ids],
  );
  return rows.map((r) => toStored<DocTypes[C]>(r));
}

export async function getDocument<C extends CollectionName>(
  q: Queryable,
  collection: C,
  id: string,
): Promise<DocTypes[C] | null> {
  const [found] = await getDocuments(q, collection, [id]);
  return found ? found.doc : null;
}

/**
 * Changes after a checkpoint, in sequence order. `where` is an extra SQL condition over the alias `d`
 * (partial sync scopes); its parameters continue after the first three.
 */
export async function changesSince<C extends CollectionName>(
  q: Queryable,
  collection: C,
  afterSeq: number,
  limit: number,
  scope?: { where: string; params: unknown[] },
): Promise<Array<StoredDoc<DocTypes[C]>>> {
  const { rows } = await q.query<Row>(changesSql('doc', scope), [
    collection,
    afterSeq,
    limit,
    ...(scope?.params ?? []),
  ]);
  return rows.map((r) => toStored<DocTypes[C]>(r));
}

/**
 * The same changes with each document as the database's JSON text, for a pull that hands documents over
 * unchanged: no parsing and re-serialising 1,000 documents per page (half the server's time of a pull:
 * tests/bench/replication.bench.ts).
 */
export async function changesSinceAsJson(
  q: Queryable,
  collection: CollectionName,
  afterSeq: number,
  limit: number,
  scope?: { where: string; params: unknown[] },
): Promise<Array<{ seq: number; deleted: boolean; json: string }>> {
  const { rows } = await q.query<{ seq: number | string; deleted: boolean; json: string }>(
    changesSql('doc::text AS json', scope),
    [collection, afterSeq, limit, ...(scope?.params ?? [])],
  );
  return rows.map((r) => ({ seq: Number(r.seq), deleted: r.deleted, json: r.json }));
}

function changesSql(docColumn: string, scope?: { where: string }): string {
  return `SELECT id, seq, updated_at, deleted, ${docColumn} FROM sync_documents d
      WHERE collection = $1 AND seq > $2 ${scope ? `AND (${scope.where})` : ''}
      ORDER BY seq LIMIT $3`;
}
