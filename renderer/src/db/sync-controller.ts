import { Subject, type Subscription } from 'rxjs';
import type { CollectionName } from '../../../shared/schemas';
import { health } from '../api/auth';
import { SESSION_ENDED_CODES } from '../api/messages';
import { initialSyncState, patchCollectionSync, useSyncStore } from '../state/sync';
import type { RxReplicationState } from 'rxdb/plugins/replication';
import type { CollectionReplication, SyncCheckpoint } from './replication';
import { classifySyncError } from './sync-errors';

/**
 * Every document state the server accepted from this device (RxDB `sent$`), so a feature can tell which of
 * its local edits have reached the server (the review workspace's "waiting to sync").
 */
export const acceptedByServer$ = new Subject<{ collection: CollectionName; doc: unknown }>();

/**
 * One running replication of one collection (db/replication.ts); any collection. The controller only watches
 * the replication state's streams and stops or resyncs it, so that is all a handle must offer (RxDB's state
 * for one collection does not fit the type of the state for "any collection": its collection is invariant).
 */
export type ReplicationHandle = Omit<CollectionReplication<CollectionName>, 'state'> & {
  readonly state: Pick<
    RxReplicationState<unknown, SyncCheckpoint>,
    'active$' | 'error$' | 'received$' | 'sent$' | 'isStopped' | 'reSync'
  >;
};

export interface SyncControllerOptions {
  serverUrl: string;
  handles: ReplicationHandle[];
  /** How many replications this session will run in all (some may be added later with `add`). */
  expected?: number;
  /** The server refused the session (expired or revoked token): stop syncing and ask to sign in again. */
  onSessionEnded(message: string): void;
  /** Called after the replications stopped (closes what they shared, such as the stream connection). */
  onStopped?: () => void;
  /** Bounds of the reachability probe's back-off while the server cannot be reached. */
  probeDelayMs?: { first: number; max: number };
}

/**
 * Watches the replications of one signed-in user and keeps the sync store (what the indicator shows) up to
 * date. It also shortens the way back after an outage: while the server is unreachable it probes
 * /api/health with back-off and, once it answers, asks every replication to re-sync at once instead of
 * waiting for each one's retry timer.
 */
export class SyncController {
  private subs: Subscription[] = [];
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private probeDelay: number;
  private stopped = false;
  private readonly firstProbeDelay: number;
  private readonly maxProbeDelay: number;

  constructor(private readonly opts: SyncControllerOptions) {
    this.firstProbeDelay = opts.probeDelayMs?.first ?? 1000;
    this.maxProbeDelay = opts.probeDelayMs?.max ?? 8000;
    this.probeDelay = this.firstProbeDelay;
  }

  start(): void {
    useSyncStore.setState({ ...initialSyncState(), expected: this.opts.expected ?? this.opts.handles.length });
    for (const handle of this.opts.handles) this.watch(handle);
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
  }

  private watch(handle: ReplicationHandle): void {
    const { name: collection, state } = handle;
    patchCollectionSync(collection, { active: true });
    // A cycle that ends without an error since it began proves the server took our requests. The first
    // `false` is the initial value of active$, not the end of a cycle.
    let failedThisCycle = false;
    let sawActive = false;
    const onError = (err: unknown) => {
      failedThisCycle = true;
      const classified = classifySyncError(err, this.opts.serverUrl);
      patchCollectionSync(collection, { error: classified });
      if (classified.code === 'NETWORK') this.markUnreachable();
      else if (classified.code && SESSION_ENDED_CODES.has(classified.code))
        this.opts.onSessionEnded(classified.message);
    };
    let wasOpen = false;
    this.subs.push(
      state.active$.subscribe((active) => {
        if (active) {
          sawActive = true;
          failedThisCycle = false;
        } else if (sawActive && !failedThisCycle) this.markHealthy(collection);
        patchCollectionSync(collection, { active });
      }),
      // HTTP failures arrive on errors$ with the server's code; state.error$ also carries storage errors.
      handle.errors$.subscribe(onError),
      state.error$.subscribe(onError),
      state.received$.subscribe(() => this.count(collection, 'received')),
      handle.firstSynced$.subscribe((n) => this.count(collection, 'received', n)),
      state.sent$.subscribe((doc) => {
        this.count(collection, 'sent');
        acceptedByServer$.next({ collection, doc });
      }),
      handle.progress$.subscribe((p) => {
        if (p) patchCollectionSync(collection, { pulledSeq: p.pulled, headSeq: p.head });
      }),
      handle.streamStatus$.subscribe((status) => {
        patchCollectionSync(collection, { streamConnected: status === 'open' });
        if (status === 'open') {
          wasOpen = true;
          this.markHealthy(collection);
        } else if (wasOpen) {
          // A dropped stream is the first sign of an outage; check whether the server is still there.
          this.scheduleProbe(0);
        }
      }),
    );
    handle
      .awaitInitialReplication()
      .then(() => {
        if (this.stopped) return;
        this.flushCounts();
        patchCollectionSync(collection, { initialDone: true });
      })
      .catch(() => undefined);
  }

  /**
   * received$/sent$ fire once per document (100,000 times in a large first sync); counts are collected
   * here and written to the store at most every 250 ms so the UI is not re-rendered per document.
   */
  private counts = new Map<CollectionName, { received: number; sent: number }>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  private count(collection: CollectionName, kind: 'received' | 'sent', n = 1): void {
    const c = this.counts.get(collection) ?? { received: 0, sent: 0 };
    c[kind] += n;
    this.counts.set(collection, c);
    this.flushTimer ??= setTimeout(() => this.flushCounts(), 250);
  }

  private flushCounts(): void {
    this.flushTimer = null;
    if (this.stopped) return;
    for (const [collection, add] of this.counts) {
      const current = useSyncStore.getState().collections[collection];
      patchCollectionSync(collection, {
        received: (current?.received ?? 0) + add.received,
        sent: (current?.sent ?? 0) + add.sent,
      });
      this.markHealthy(collection);
    }
    this.counts.clear();
  }

  private markHealthy(collection: CollectionName): void {
    if (this.stopped) return;
    const s = useSyncStore.getState();
    const col = s.collections[collection];
    if (col?.error) patchCollectionSync(collection, { error: null });
    useSyncStore.setState({ serverReachable: true, lastSyncedAt: Date.now() });
  }

  private markUnreachable(): void {
    if (this.stopped) return;
    if (useSyncStore.getState().serverReachable !== false) useSyncStore.setState({ serverReachable: false });
    this.scheduleProbe(this.probeDelay);
  }

  private scheduleProbe(delay: number): void {
    if (this.stopped || this.probeTimer) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, delay);
  }

  private async probe(): Promise<void> {
    try {
      await health(this.opts.serverUrl, AbortSignal.timeout(5000));
    } catch {
      if (this.stopped) return;
      useSyncStore.setState({ serverReachable: false });
      this.probeDelay = Math.min(this.probeDelay * 2, this.maxProbeDelay);
      this.scheduleProbe(this.probeDelay);
      return;
    }
    if (this.stopped) return;
    this.probeDelay = this.firstProbeDelay;
    const wasUnreachable = useSyncStore.getState().serverReachable === false;
    useSyncStore.setState((s) => ({
      serverReachable: true,
      // Network errors are stale once the server answers; other errors stay until a cycle succeeds.
      collections: Object.fromEntries(
        Object.entries(s.collections).map(([name, c]) => [
          name,
          c.error?.code === 'NETWORK' ? { ...c, error: null } : c,
        ]),
      ),
    }));
    if (wasUnreachable) this.reSyncAll();
  }

  /** Watches replications started after the first ones (see session-sync.ts); stopped with the rest. */
  add(handles: ReplicationHandle[]): void {
    if (this.stopped) {
      for (const h of handles) void h.cancel();
      return;
    }
    this.opts.handles.push(...handles);
    for (const handle of handles) this.watch(handle);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  reSyncAll(): void {
    for (const { state } of this.opts.handles) if (!state.isStopped()) state.reSync();
  }

  private onOnline = (): void => {
    useSyncStore.setState({ network: true });
    this.scheduleProbe(0);
  };

  private onOffline = (): void => {
    useSyncStore.setState({ network: false });
  };

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.probeTimer = null;
    this.flushTimer = null;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    for (const sub of this.subs) sub.unsubscribe();
    this.subs = [];
    await Promise.all(this.opts.handles.map((handle) => handle.cancel().catch(() => undefined)));
    this.opts.onStopped?.();
    useSyncStore.setState(initialSyncState());
  }
}
