import crypto from 'node:crypto';
import { EventSource } from 'eventsource';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  collectionDefinition,
  replicateCollection,
  type CollectionReplication,
  type EventSourceConstructor,
  type ReplicateOptions,
} from '../../renderer/src/db/replication';
import { ticketedEventSource } from '../../renderer/src/db/stream-ticket';
import type { CollectionName, DocTypes } from '../../shared/schemas';
import { waitUntil } from './wait';

/**
 * A real RxDB client in Node (memory storage) that replicates with a running sync server through the app's
 * own replication module, with the `eventsource` package standing in for the browser's EventSource.
 */
export interface NodeClient {
  db: RxDatabase;
  collection<C extends CollectionName>(name: C): RxCollection<DocTypes[C]>;
  replicate<C extends CollectionName>(
    name: C,
    opts: Omit<ReplicateOptions<C>, 'collection' | 'name' | 'baseUrl' | 'token'> & {
      baseUrl?: ReplicateOptions<C>['baseUrl'];
      token?: ReplicateOptions<C>['token'];
    },
  ): CollectionReplication<C>;
  close(): Promise<void>;
}

export async function createNodeClient(opts: {
  collections: readonly CollectionName[];
  baseUrl: ReplicateOptions<CollectionName>['baseUrl'];
  token: ReplicateOptions<CollectionName>['token'];
}): Promise<NodeClient> {
  const db = await createRxDatabase({
    name: `client${crypto.randomBytes(6).toString('hex')}`,
    storage: getRxStorageMemory(),
    multiInstance: false,
    eventReduce: true,
  });
  await db.addCollections(Object.fromEntries(opts.collections.map((c) => [c, collectionDefinition(c)])));
  const replications: Array<CollectionReplication<CollectionName>> = [];
  return {
    db,
    collection: <C extends CollectionName>(name: C) => db.collections[name] as unknown as RxCollection<DocTypes[C]>,
    replicate(name, r) {
      const token = r.token ?? opts.token;
      const rep = replicateCollection({
        retryTime: 200,
        ...r,
        baseUrl: r.baseUrl ?? opts.baseUrl,
        token,
        name,
        collection: db.collections[name] as unknown as RxCollection<DocTypes[typeof name]>,
        // The eventsource package implements the WHATWG interface this module needs; streams open with tickets.
        EventSource:
          r.EventSource ??
          ticketedEventSource(EventSource as unknown as EventSourceConstructor, {
            token: () => (typeof token === 'function' ? token() : token),
            reconnectMs: 200,
          }),
      });
      replications.push(rep as unknown as CollectionReplication<CollectionName>);
      return rep;
    },
    async close() {
      await Promise.all(replications.map((r) => r.cancel()));
      await db.close();
    },
  };
}

/** Waits (vi.waitFor, through waitUntil) until a condition holds, failing after `timeoutMs` with the last value. */
export function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return waitUntil(what, probe, ok, { timeout: timeoutMs });
}
