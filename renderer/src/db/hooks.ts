import { createContext, useContext, useEffect, useState } from 'react';
import type { MangoQuery, MangoQuerySelector, RxCollection } from 'rxdb';
import type { CollectionName, DocTypes, ReadonlyDoc } from '../../../shared/schemas';
import type { RingsideDatabase } from './database';

/**
 * React access to the signed-in user's RxDB database. Screens read documents only through these hooks, so
 * what they show is always what is stored locally, live: a pulled change re-renders the screens that use it.
 */
export const DatabaseContext = createContext<RingsideDatabase | null>(null);

export function useDatabase(): RingsideDatabase {
  const db = useContext(DatabaseContext);
  if (!db) throw new Error('useDatabase() needs a signed-in user (DatabaseContext.Provider)');
  return db;
}

/** A document as the hooks return it: read-only (shared/schemas `ReadonlyDoc`). */
export type Doc<C extends CollectionName> = ReadonlyDoc<C>;

/** The typed collection of one name (indexing the database with a generic name keeps the pairing). */
function collectionOf<C extends CollectionName>(db: RingsideDatabase, name: C): RxCollection<DocTypes[C]> {
  return db.collections[name];
}

export interface QueryResult<T> {
  docs: T[];
  /** True until the first result arrived. */
  loading: boolean;
  error: Error | null;
}

/**
 * Live query over one collection. The query object may be written inline: it is compared by value.
 * Returns plain, read-only document data; write through the collection (see `patchDoc`).
 */
export function useQuery<C extends CollectionName>(
  collection: C,
  query: MangoQuery<DocTypes[C]> = {},
): QueryResult<Doc<C>> {
  const db = useDatabase();
  const key = JSON.stringify(query);
  const [state, setState] = useState<QueryResult<Doc<C>>>({ docs: [], loading: true, error: null });
  useEffect(() => {
    const parsed = JSON.parse(key) as MangoQuery<DocTypes[C]>;
    const col = collectionOf(db, collection);
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    const sub = col.find(parsed).$.subscribe({
      next: (docs) => setState({ docs: docs.map((d) => d.toJSON()), loading: false, error: null }),
      error: (err: unknown) =>
        setState({ docs: [], loading: false, error: err instanceof Error ? err : new Error(String(err)) }),
    });
    return () => sub.unsubscribe();
  }, [db, collection, key]);
  return state;
}

/** Live count of documents matching a selector (indexed where the selector allows). */
export function useCount<C extends CollectionName>(
  collection: C,
  selector: MangoQuerySelector<DocTypes[C]> = {},
): number | null {
  const db = useDatabase();
  const key = JSON.stringify(selector);
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    const col = collectionOf(db, collection);
    const sub = col
      .count({ selector: JSON.parse(key) as MangoQuerySelector<DocTypes[C]> })
      .$.subscribe((n) => setCount(n));
    return () => sub.unsubscribe();
  }, [db, collection, key]);
  return count;
}

/** One document by id, live; null while loading or when it does not exist. */
export function useDocument<C extends CollectionName>(
  collection: C,
  id: string | null | undefined,
): { doc: Doc<C> | null; loading: boolean } {
  const db = useDatabase();
  const [state, setState] = useState<{ doc: Doc<C> | null; loading: boolean }>({ doc: null, loading: Boolean(id) });
  useEffect(() => {
    if (!id) {
      setState({ doc: null, loading: false });
      return;
    }
    const col = collectionOf(db, collection);
    const sub = col.findOne(id).$.subscribe((d) => setState({ doc: d ? d.toJSON() : null, loading: false }));
    return () => sub.unsubscribe();
  }, [db, collection, id]);
  return state;
}

/**
 * Changes fields of a stored document. The write goes to the local database at once; replication sends it
 * to the server when it can. `updatedAt` is left alone: the server owns the clock (SPEC R2).
 */
export async function patchDoc<C extends CollectionName>(
  db: RingsideDatabase,
  collection: C,
  id: string,
  patch: Partial<DocTypes[C]>,
): Promise<void> {
  const doc = await collectionOf(db, collection).findOne(id).exec();
  if (!doc) throw new Error(`${collection}/${id} is not on this device`);
  await doc.incrementalPatch(patch);
}
