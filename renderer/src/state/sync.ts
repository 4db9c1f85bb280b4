import { create } from 'zustand';
import type { CollectionName } from '../../../shared/schemas';
import type { ClientErrorCode } from '../api/client';

/** The sync state of one replicated collection, fed by its RxDB replication state. */
export interface CollectionSync {
  /** A pull or push is running. */
  active: boolean;
  /** The first full pull since this replication started has finished. */
  initialDone: boolean;
  received: number;
  sent: number;
  /** The last failure of this collection's replication, cleared by the next success. */
  error: { code: ClientErrorCode | null; message: string } | null;
  /** The live change stream from the server is open. Null until the replication reports it. */
  streamConnected: boolean | null;
  /** After each pull: the checkpoint reached and the server's newest seq, for the progress bar. */
  pulledSeq: number | null;
  headSeq: number | null;
}

export interface SyncState {
  /** False when the operating system says there is no network (navigator.onLine). */
  network: boolean;
  /** Null until known; false after a request to the server failed at the network level. */
  serverReachable: boolean | null;
  collections: Partial<Record<CollectionName, CollectionSync>>;
  /** Number of collections replicating (0 while signed out or before start). */
  expected: number;
  lastSyncedAt: number | null;
  /** Local changes waiting to be sent (null when unknown). */
  pending: number | null;
  /** Set when sync was stopped on purpose because it cannot continue (e.g. the session was revoked). */
  stoppedReason: string | null;
}

export const initialSyncState = (): SyncState => ({
  network: typeof navigator === 'undefined' ? true : navigator.onLine,
  serverReachable: null,
  collections: {},
  expected: 0,
  lastSyncedAt: null,
  pending: null,
  stoppedReason: null,
});

export const useSyncStore = create<SyncState>(initialSyncState);

export function patchCollectionSync(name: CollectionName, patch: Partial<CollectionSync>): void {
  useSyncStore.setState((s) => {
    const current: CollectionSync = s.collections[name] ?? {
      active: false,
      initialDone: false,
      received: 0,
      sent: 0,
      error: null,
      streamConnected: null,
      pulledSeq: null,
      headSeq: null,
    };
    return { collections: { ...s.collections, [name]: { ...current, ...patch } } };
  });
}
