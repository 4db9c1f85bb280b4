import {
  addRxPlugin,
  now,
  type RxCollection,
  type MigrationStrategies,
  type RxConflictHandler,
  type RxDocumentData,
  type RxJsonSchema,
  type RxReplicationPullStreamItem,
  type RxReplicationWriteToMasterRow,
  type WithDeleted,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';

import { BehaviorSubject, Subject, filter, firstValueFrom, type Observable } from 'rxjs';
import { CONFLICT_HANDLERS } from '../../../shared/conflicts';
import { isErrorBody, type ErrorCode } from '../../../shared/errors';
import { PAGE_CHECKPOINT_HEADER, PAGE_COUNT_HEADER } from '../../../shared/pull-page';
import type { FirstSyncWriter } from './fast-insert-storage';
import { pulledMeta } from './lazy-meta';
import { MIGRATION_STRATEGIES } from './migrations';
import { ticketedEventSource } from './stream-ticket';
import { COLLECTIONS, COLLECTION_NAMES, schemaOf, type CollectionName, type DocTypes } from '../../../shared/schemas';

// Every collection definition below carries its migration steps, and RxDB refuses a collection above version 0
// without the migration plugin: whoever builds collections from these definitions gets it (adding it twice is
// a no-op).
addRxPlugin(RxDBMigrationSchemaPlugin);

/**
 * The client side of Ringside replication (sync-server/src/replication/SPEC.md): one RxDB
 * `replicateRxCollection` per collection against the sync server's pull / push / stream endpoints.
 *
 * Runs unchanged in the browser, in Electron's renderer and in Node tests: `fetch` and the `EventSource`
 * constructor are injectable (Node 20 has no global EventSource; tests pass the `eventsource` package).
 */

/** The server-assigned checkpoint (SPEC R1): the highest `seq` this client has pulled. */
export interface SyncCheckpoint {
  seq: number;
}

/** What the pull endpoint answers. `head` is the newest seq of the whole collection (progress display). */
export interface PullResponse<T> {
  documents: Array<WithDeleted<T>>;
  checkpoint: SyncCheckpoint;
  head?: number;
}

/** A failed sync request, with the server's stable error code (or OFFLINE when the server was unreachable). */
export class SyncHttpError extends Error {
  override name = 'SyncHttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'OFFLINE',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  /** The session is no longer valid: the app should sign out and ask for credentials again. */
  get isAuthError(): boolean {
    return this.status === 401;
  }
}

/** The subset of the WHATWG EventSource this module uses (browser EventSource and `eventsource` v3 both fit). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
}
export type EventSourceConstructor = new (url: string) => EventSourceLike;

const ES_CLOSED = 2;

/** Pages the first sync keeps in flight to IndexedDB while it fetches the next one. */
const FIRST_SYNC_DEPTH = 3;
/** Documents in the first sync's first page. */
const FIRST_PAGE = 200;

export type StreamStatus = 'connecting' | 'open' | 'closed';

export interface ReplicateOptions<C extends CollectionName> {
  /** The RxDB collection, created with `collectionDefinition(name)`. */
  collection: RxCollection<DocTypes[C]>;
  /** The server collection; defaults to the RxDB collection's name. */
  name?: C;
  /** The sync server, e.g. `http://localhost:8787`. A function is read on every request (server moved). */
  baseUrl: string | (() => string);
  /** The session token; a function is read on every request, so a refreshed token is picked up. */
  token: string | (() => string | null);
  /** Partial sync (SPEC R10), e.g. `recent:30` or `queue`. A different scope is a different replication. */
  scope?: string | null;
  /** Keep replicating after the initial sync (default true). */
  live?: boolean;
  /** Send local changes (default true). Collections the role may not write simply never have any. */
  push?: boolean;
  /** Documents per pull request (server max 2000, default 500). */
  pullBatchSize?: number;
  /** Rows per push request (server max 500, default 100). */
  pushBatchSize?: number;
  /** Milliseconds between retries after a failed request or a closed stream (default 5000). */
  retryTime?: number;
  /** Only replicate in the leading tab (needs RxDB's leader-election plugin). Default false. */
  waitForLeadership?: boolean;
  /** Distinguishes replications of the same collection and server (default: the signed-in database). */
  identifier?: string;
  /**
   * The storage's first-sync writer (fast-insert-storage.ts), when the collection may take one: a collection
   * that has never held a document is then filled page by page straight into IndexedDB, the next page fetched
   * while the last is written, and RxDB's replication starts after it from the checkpoint reached.
   */
  firstSyncWriter?: () => FirstSyncWriter<DocTypes[C]> | null;
  fetch?: typeof fetch;
  /**
   * Opens the stream URL, which carries no secret: wrap a plain EventSource with `ticketedEventSource` (or pass
   * a StreamHub's). Defaults to `globalThis.EventSource` so wrapped; without one the replication polls only on
   * retry.
   */
  EventSource?: EventSourceConstructor;
}

export interface CollectionReplication<C extends CollectionName> {
  readonly name: C;
  readonly scope: string | null;
  readonly state: RxReplicationState<DocTypes[C], SyncCheckpoint>;
  /** Live stream connection state, for the sync indicator. */
  readonly streamStatus$: BehaviorSubject<StreamStatus>;
  /** Every failed request with the server's reason (also 401s, which mean: sign in again). */
  readonly errors$: Observable<SyncHttpError>;
  /** After each pull: how far this client is (`pulled`) and the server's newest seq (`head`). */
  readonly progress$: BehaviorSubject<{ pulled: number; head: number } | null>;
  /** Documents stored by the first-sync writer, per page (RxDB's `received$` counts only its own pulls). */
  readonly firstSynced$: Observable<number>;
  /**
   * True once the server refused this app's schema version of the collection (`426 SCHEMA_OUTDATED`, SPEC R3):
   * the replication has then stopped for good, local edits stay stored, and the app must be updated.
   */
  readonly outdated$: BehaviorSubject<boolean>;
  /** Resolves when the first full pull (and push) has completed. */
  awaitInitialReplication(): Promise<void>;
  /** Resolves when local and server state are in sync at this moment. */
  awaitInSync(): Promise<true>;
  /** Pull now (e.g. the app came back to the foreground). */
  reSync(): void;
  cancel(): Promise<void>;
}

/**
 * The RxDB definition of a collection: its shared schema, its shared conflict handler (SPEC R5) and the
 * migration steps up to the schema's version (migrations.ts).
 */
export function collectionDefinition<C extends CollectionName>(
  name: C,
): {
  schema: RxJsonSchema<DocTypes[C]>;
  conflictHandler: RxConflictHandler<DocTypes[C]>;
  migrationStrategies: MigrationStrategies;
} {
  return {
    schema: schemaOf(name),
    conflictHandler: CONFLICT_HANDLERS[name],
    migrationStrategies: MIGRATION_STRATEGIES[name] ?? {},
  };
}

/** Definitions for `db.addCollections(...)`; pass a subset for roles that hold fewer collections. */
export function collectionDefinitions(names: readonly CollectionName[] = COLLECTION_NAMES) {
  return Object.fromEntries(names.map((n) => [n, collectionDefinition(n)])) as {
    [C in CollectionName]: ReturnType<typeof collectionDefinition<C>>;
  };
}

// Only strings are read this way, so a function is always the getter (never a value that happens to be one).
const read = <T extends string | null>(v: T | (() => T)): T => (typeof v === 'function' ? v() : v);

/** One field of a pulled document, read by a name known only at run time (the schema's primary path). */
function fieldOf(doc: object, field: string): unknown {
  const value: unknown = Object.getOwnPropertyDescriptor(doc, field)?.value;
  return value;
}

function isPushResponse<T>(body: unknown): body is { conflicts: Array<WithDeleted<T>> } {
  return typeof body === 'object' && body !== null && 'conflicts' in body && Array.isArray(body.conflicts);
}

function isPullResponse<T>(body: unknown): body is PullResponse<T> {
  if (typeof body !== 'object' || body === null) return false;
  if (!('documents' in body) || !Array.isArray(body.documents)) return false;
  if (!('checkpoint' in body) || typeof body.checkpoint !== 'object' || body.checkpoint === null) return false;
  return 'seq' in body.checkpoint && typeof body.checkpoint.seq === 'number';
}

/**
 * The body of a pull page, checked at the boundary: documents are the server's (validated there against the
 * same schema); the page's shape is what the first sync and RxDB rely on.
 */
async function readPullPage<T>(res: Response): Promise<PullResponse<T>> {
  const body: unknown = await res.json();
  if (!isPullResponse<T>(body))
    throw new SyncHttpError(res.status, 'INTERNAL', 'sync server answered a malformed pull page');
  return body;
}

async function toSyncError(res: Response): Promise<SyncHttpError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's error page): fall through to a generic message.
  }
  if (isErrorBody(body)) return new SyncHttpError(res.status, body.error.code, body.error.message, body.error.field);
  return new SyncHttpError(
    res.status,
    res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL',
    `sync server answered ${res.status}`,
  );
}

/**
 * Starts replicating one collection with the sync server. Pull by server checkpoint, push with conflict
 * detection on the server and resolution by the collection's conflict handler, live updates from the SSE
 * stream (each change and each (re)connect triggers a pull: RxDB `'RESYNC'`).
 */
export function replicateCollection<C extends CollectionName>(opts: ReplicateOptions<C>): CollectionReplication<C> {
  type Doc = DocTypes[C];
  const name = (opts.name ?? opts.collection.name) as C;
  if (!(name in COLLECTIONS)) throw new Error(`unknown collection ${name}`);
  // The version of the local collection, not of the code: that is what its documents look like (SPEC R3).
  const version = opts.collection.schema.version;
  const scope = opts.scope ?? null;
  const live = opts.live ?? true;
  const retryTime = opts.retryTime ?? 5000;
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  // Node 20 has no global EventSource, whatever the DOM typings say.
  const NativeES: EventSourceConstructor | undefined = 'EventSource' in globalThis ? globalThis.EventSource : undefined;
  const ES =
    opts.EventSource ??
    (NativeES && ticketedEventSource(NativeES, { token: () => read(opts.token), fetch: opts.fetch }));

  const errors$ = new Subject<SyncHttpError>();
  const streamStatus$ = new BehaviorSubject<StreamStatus>('closed');
  const progress$ = new BehaviorSubject<{ pulled: number; head: number } | null>(null);
  const outdated$ = new BehaviorSubject<boolean>(false);
  const firstSynced$ = new Subject<number>();
  const remote$ = new Subject<RxReplicationPullStreamItem<Doc, SyncCheckpoint>>();

  // An empty or relative base URL means "the server this page came from" (the web build served by the server).
  const endpoint = (action: 'pull' | 'push' | 'stream') =>
    new URL(
      `${read(opts.baseUrl).replace(/\/+$/, '')}/sync/${encodeURIComponent(name)}/${version}/${action}`,
      'location' in globalThis ? globalThis.location.href : undefined,
    ).toString();

  /** A request with the session token; failures are reported on errors$ and thrown. */
  async function send(url: string, init: RequestInit = {}): Promise<Response> {
    const token = read(opts.token);
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    let res: Response;
    try {
      res = await doFetch(url, { ...init, headers });
    } catch (err) {
      const e = new SyncHttpError(
        0,
        'OFFLINE',
        `cannot reach the sync server (${err instanceof Error ? err.message : String(err)})`,
      );
      errors$.next(e);
      throw e;
    }
    if (!res.ok) {
      const e = await toSyncError(res);
      errors$.next(e);
      if (e.code === 'SCHEMA_OUTDATED' && !outdated$.value) {
        // Retrying cannot help until the app is updated; stop (after this handler returns) and keep the local
        // documents, unpushed edits included: the updated app migrates and pushes them.
        outdated$.next(true);
        setTimeout(() => void cancel(), 0);
      }
      throw e;
    }
    return res;
  }

  function pullUrl(seq: number, limit: number): string {
    const url = new URL(endpoint('pull'));
    url.searchParams.set('seq', String(seq));
    url.searchParams.set('limit', String(limit));
    if (scope) url.searchParams.set('scope', scope);
    return url.toString();
  }

  function pullPage(seq: number, limit: number): Promise<PullResponse<Doc>> {
    return send(pullUrl(seq, limit)).then((res) => readPullPage<Doc>(res));
  }

  /**
   * A pull whose follow-up is known from its headers (shared/pull-page.ts) before its body is read: `next` is
   * the seq to continue from when the page is full, null when it is the last, undefined when the headers are
   * missing (a proxy dropped them; decide from the body).
   */
  async function startPull(
    seq: number,
    limit: number,
  ): Promise<{ next: number | null | undefined; limit: number; body: Promise<PullResponse<Doc>> }> {
    const res = await send(pullUrl(seq, limit));
    const checkpoint = res.headers.get(PAGE_CHECKPOINT_HEADER);
    const count = res.headers.get(PAGE_COUNT_HEADER);
    const next =
      checkpoint === null || count === null ? undefined : Number(count) === limit ? Number(checkpoint) : null;
    return { next, limit, body: readPullPage<Doc>(res) };
  }

  /**
   * The first sync through the storage's writer, run inside RxDB's first pull: pages straight into IndexedDB,
   * the next page fetched while the last one is written, with the downstream's own write context (so RxDB's
   * push side knows these came from the server). Returns the checkpoint of the last page whose documents are
   * committed (and every page before it), or null when nothing was written, and the pull error that stopped it
   * if one did. Stops early, leaving the rest to RxDB, on any error or when a document arrives twice (changed
   * during the first sync: an update, RxDB's job).
   */
  async function firstSync(
    writer: FirstSyncWriter<Doc>,
    batchSize: number,
  ): Promise<{ reached: SyncCheckpoint | null; error: unknown }> {
    const internal = state.internalReplicationState;
    if (!internal) return { reached: null, error: null };
    // A small first page, asked for at once: the first documents reach IndexedDB (and the screen) sooner.
    let next: ReturnType<typeof startPull> | null = startPull(0, Math.min(FIRST_PAGE, batchSize));
    void next.catch(() => undefined); // awaited below; a failure is handled there
    const context = await internal.downstreamBulkWriteFlag;
    // RxDB's push side first looks through what the collection holds; let it find it empty.
    await Promise.race([
      firstValueFrom(internal.firstSyncDone.up.pipe(filter(Boolean))),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]);
    const rev = `1-${opts.collection.database.token}`;
    const primaryPath: string = opts.collection.schema.primaryPath;
    let reached: SyncCheckpoint | null = null;
    let error: unknown = null;
    let failed = false;
    const commits: Array<Promise<void>> = [];
    try {
      while (next && !stopped && !failed) {
        const pull: Awaited<ReturnType<typeof startPull>> = await next;
        // The next page travels while this one is read and written.
        next = typeof pull.next === 'number' ? startPull(pull.next, batchSize) : null;
        const page = await pull.body;
        if (pull.next === undefined && page.documents.length === pull.limit) {
          next = startPull(page.checkpoint.seq, batchSize);
        }
        const seen = (d: object) => {
          const id = fieldOf(d, primaryPath);
          return typeof id === 'string' && writer.has(id);
        };
        if (page.documents.some(seen)) break;
        if (typeof page.head === 'number') progress$.next({ pulled: page.checkpoint.seq, head: page.head });
        if (page.documents.length === 0) break;
        const lwt = now();
        const stored: Omit<RxDocumentData<object>, '_deleted'> = {
          _meta: pulledMeta(lwt),
          _rev: rev,
          _attachments: {},
        };
        const docs = page.documents.map((d): RxDocumentData<Doc> => ({ ...d, ...stored }));
        // IndexedDB commits transactions on one table in order, so these settle in page order.
        commits.push(
          writer.insert(docs, context).then(
            () => {
              if (failed) return;
              reached = page.checkpoint;
              firstSynced$.next(docs.length);
            },
            () => {
              failed = true;
            },
          ),
        );
        if (commits.length >= FIRST_SYNC_DEPTH) await commits.shift();
      }
    } catch (err) {
      // A failed pull (already reported on errors$): RxDB retries from what is committed.
      error = err;
    }
    // A page still travelling when the loop stopped early is not needed any more.
    void next?.then(
      (p) => p.body.catch(() => undefined),
      () => undefined,
    );
    await Promise.all(commits);
    writer.flush();
    return { reached, error };
  }

  /** Set on RxDB's first pull: the first sync's outcome, where the pulls continue from. */
  let firstSyncDone: Promise<{ reached: SyncCheckpoint | null; error: unknown }> | null = null;
  let stopped = false;

  const state = replicateRxCollection<Doc, SyncCheckpoint>({
    // A new scope is a new replication with its own checkpoint (SPEC R10). A new schema version is not: RxDB's
    // migration carries the replication's meta rows over to the new version, and only under the same
    // identifier does the replication find them, so an edit made before the update is pushed with the master
    // state it was based on instead of being lost to a conflict (SPEC R3a).
    replicationIdentifier: `ringside:${opts.identifier ?? read(opts.baseUrl)}:${name}:${scope ?? 'all'}`,
    collection: opts.collection,
    live,
    retryTime,
    waitForLeadership: opts.waitForLeadership ?? false,
    pull: {
      batchSize: opts.pullBatchSize ?? 500,
      async handler(checkpoint, batchSize) {
        if (!firstSyncDone) {
          const writer = checkpoint ? null : (opts.firstSyncWriter?.() ?? null);
          firstSyncDone = writer
            ? firstSync(writer, batchSize).catch((error: unknown) => ({ reached: null, error }))
            : Promise.resolve({ reached: null, error: null });
        }
        const { reached, error } = await firstSyncDone;
        if (error && !reached) {
          // Nothing stored (offline at sign-in, say): RxDB retries this pull, and the writer gets another go.
          firstSyncDone = null;
          throw error;
        }
        const from = Math.max(checkpoint?.seq ?? 0, reached?.seq ?? 0);
        const body = await pullPage(from, batchSize);
        if (typeof body.head === 'number') progress$.next({ pulled: body.checkpoint.seq, head: body.head });
        return { documents: body.documents, checkpoint: body.checkpoint };
      },
      stream$: remote$.asObservable(),
    },
    push:
      opts.push === false
        ? undefined
        : {
            batchSize: opts.pushBatchSize ?? 100,
            async handler(rows: RxReplicationWriteToMasterRow<Doc>[]) {
              const res = await send(endpoint('push'), {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({
                  rows: rows.map((r) => ({
                    newDocumentState: r.newDocumentState,
                    assumedMasterState: r.assumedMasterState ?? null,
                  })),
                }),
              });
              const body: unknown = await res.json();
              if (!isPushResponse<Doc>(body)) {
                throw new SyncHttpError(res.status, 'INTERNAL', 'sync server answered a malformed push result');
              }
              return body.conflicts;
            },
          },
  });

  // ── live stream: every change event and every (re)connect asks RxDB to pull (RESYNC) ──
  let source: EventSourceLike | null = null;
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;

  function openStream() {
    reopenTimer = null;
    if (stopped || !ES) return;
    streamStatus$.next('connecting');
    // No secret in the URL: the EventSource asks for a single-use stream ticket itself (stream-ticket.ts).
    const es = new ES(endpoint('stream'));
    source = es;
    es.addEventListener('open', () => {
      streamStatus$.next('open');
      // Anything may have changed while we were disconnected.
      remote$.next('RESYNC');
    });
    es.addEventListener('change', () => remote$.next('RESYNC'));
    es.addEventListener('closed', () => {
      // The server ended the stream on purpose (session revoked or expired): a pull surfaces the reason.
      es.close();
      streamStatus$.next('closed');
      remote$.next('RESYNC');
      scheduleReopen();
    });
    es.addEventListener('error', () => {
      if (es.readyState === ES_CLOSED) {
        // Closed for good (an HTTP error such as 401, or a wrong content type): retry on our own schedule.
        streamStatus$.next('closed');
        scheduleReopen();
      } else {
        // The EventSource reconnects by itself; 'open' fires again when it is back.
        streamStatus$.next('connecting');
      }
    });
  }

  function scheduleReopen() {
    if (stopped || reopenTimer) return;
    source?.close();
    source = null;
    reopenTimer = setTimeout(openStream, retryTime);
  }

  if (live) openStream();

  /** Stops for good; called by the app, or by this module when the server refuses the schema version. */
  let cancelled: Promise<void> | null = null;
  function cancel(): Promise<void> {
    cancelled ??= (async () => {
      stopped = true;
      if (reopenTimer) clearTimeout(reopenTimer);
      source?.close();
      source = null;
      streamStatus$.next('closed');
      await state.cancel();
      remote$.complete();
      errors$.complete();
      firstSynced$.complete();
    })();
    return cancelled;
  }

  return {
    name,
    scope,
    state,
    streamStatus$,
    errors$: errors$.asObservable(),
    progress$,
    outdated$,
    firstSynced$: firstSynced$.asObservable(),
    awaitInitialReplication: () => state.awaitInitialReplication(),
    awaitInSync: () => state.awaitInSync(),
    reSync: () => state.reSync(),
    cancel,
  };
}
