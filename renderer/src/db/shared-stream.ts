import type { EventSourceConstructor, EventSourceLike } from './replication';

/**
 * All collections' live streams over one connection.
 *
 * db/replication.ts opens one EventSource per collection (`/sync/:collection/:v/stream`). A browser allows
 * six HTTP/1.1 connections per server and each open EventSource holds one, so with eight or eleven
 * collections the streams take every connection and the app's pulls, pushes and script chunks queue forever.
 * This module gives replicateCollection an EventSource constructor whose instances share one real
 * connection to `/sync/stream?collections=name:v,…` (sync-server/src/replication/stream-all.ts) and receive
 * only their own collection's `change` events, plus the shared `open`, `closed` and `error` events.
 */
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

type Listener = (event: { data?: unknown }) => void;

interface Member {
  collection: string;
  version: string;
  origin: string;
}

class SharedSource implements EventSourceLike {
  readyState = CONNECTING;
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly hub: StreamHub,
    readonly member: Member,
  ) {}

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  emit(type: string, event: { data?: unknown } = {}): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.hub.leave(this);
  }
}

export class StreamHub {
  private members = new Set<SharedSource>();
  private real: EventSourceLike | null = null;
  /** The collections the open connection carries, as `name:v` sorted. */
  private carried = '';
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  /**
   * @param Native opens the one real connection: the browser's EventSource wrapped by `ticketedEventSource`
   * (the URL carries no secret; tests may pass another).
   */
  constructor(private readonly Native: EventSourceConstructor) {}

  /** The constructor to hand to replicateCollection's `EventSource` option. */
  readonly EventSource: EventSourceConstructor = ((hub: StreamHub) =>
    // `new` hands back the hub's member (a constructor may return another object); the declared members
    // only tell TypeScript what that object is, they emit nothing.
    class implements EventSourceLike {
      declare readonly readyState: number;
      declare addEventListener: EventSourceLike['addEventListener'];
      declare close: EventSourceLike['close'];
      constructor(url: string) {
        return hub.join(url);
      }
    })(this);

  join(url: string): EventSourceLike {
    const u = new URL(url);
    const m = /\/sync\/([^/]+)\/(\d+)\/stream$/.exec(u.pathname);
    if (!m) throw new Error(`not a collection stream URL: ${u.pathname}`);
    const source = new SharedSource(this, {
      collection: decodeURIComponent(m[1]),
      version: m[2],
      origin: u.origin,
    });
    if (this.closed) {
      source.readyState = CLOSED;
      return source;
    }
    this.members.add(source);
    const key = `${source.member.collection}:${source.member.version}`;
    if (this.real && this.real.readyState === OPEN && this.carried.split(',').includes(key)) {
      // Already carried by the open connection: this member only needs to hear that it is open.
      queueMicrotask(() => {
        if (source.readyState === CLOSED) return;
        source.readyState = OPEN;
        source.emit('open');
      });
    } else {
      this.scheduleReopen();
    }
    return source;
  }

  leave(source: SharedSource): void {
    this.members.delete(source);
    if (this.members.size === 0) {
      this.closeReal();
      return;
    }
    this.scheduleReopen();
  }

  /**
   * Replications (re)join one by one (each on its own timer), so connection changes are collected for a
   * moment and made once.
   */
  private scheduleReopen(): void {
    if (this.reopenTimer || this.closed) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      this.open();
    }, 25);
  }

  private wanted(): string {
    return [...new Set([...this.members].map((s) => `${s.member.collection}:${s.member.version}`))].sort().join(',');
  }

  private open(): void {
    const wanted = this.wanted();
    if (!wanted) return;
    if (this.real && this.real.readyState !== CLOSED && wanted === this.carried) return;
    this.closeReal();
    const latest = [...this.members][this.members.size - 1].member;
    const url = new URL('/sync/stream', latest.origin);
    url.searchParams.set('collections', wanted);
    const real = new this.Native(url.toString());
    this.real = real;
    this.carried = wanted;
    const mine = () => this.real === real;
    real.addEventListener('open', () => {
      if (!mine()) return;
      for (const s of [...this.members]) {
        s.readyState = OPEN;
        s.emit('open');
      }
    });
    real.addEventListener('change', (event) => {
      if (!mine()) return;
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const collection =
        typeof parsed === 'object' && parsed !== null && 'collection' in parsed ? parsed.collection : null;
      for (const s of [...this.members]) if (s.member.collection === collection) s.emit('change', event);
    });
    real.addEventListener('closed', (event) => {
      if (!mine()) return;
      for (const s of [...this.members]) s.emit('closed', event);
    });
    real.addEventListener('error', (event) => {
      if (!mine()) return;
      const state = real.readyState === CLOSED ? CLOSED : CONNECTING;
      for (const s of [...this.members]) {
        s.readyState = state;
        s.emit('error', event);
      }
    });
  }

  private closeReal(): void {
    this.real?.close();
    this.real = null;
    this.carried = '';
  }

  close(): void {
    this.closed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    for (const s of [...this.members]) s.readyState = CLOSED;
    this.members.clear();
    this.closeReal();
  }
}
