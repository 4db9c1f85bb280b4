import type { EventSourceConstructor, EventSourceLike } from './replication';

/**
 * Live streams opened with a single-use stream ticket instead of the session token.
 *
 * An EventSource cannot send an Authorization header, and a session token in a URL is kept by proxies and
 * server logs. So before each connection this asks `POST /api/auth/stream-ticket` (with the header) for a
 * ticket that opens one stream within 60 s, and opens `<stream URL>&ticket=…`
 * (sync-server/src/auth/tokens.ts). A spent ticket cannot reconnect, so the EventSource's own reconnection
 * is replaced by the same thing with a fresh ticket; when no ticket is given (the session ended) the source
 * closes and its owner's retry and next pull surface why.
 */
const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** Wait before reconnecting a dropped stream (the server's `retry:` hint is 2 s). */
export const RECONNECT_MS = 2_000;

type Listener = (event: { data?: unknown }) => void;

export interface StreamTicketOptions {
  /** The session token; read at every connection. */
  token: () => string | null;
  fetch?: typeof fetch;
  reconnectMs?: number;
}

/** The ticket endpoint of the server a stream URL points at (`…/sync/…` → `…/api/auth/stream-ticket`). */
export function ticketUrl(streamUrl: string): string {
  const url = new URL(streamUrl);
  const at = url.pathname.indexOf('/sync/');
  const prefix = at >= 0 ? url.pathname.slice(0, at) : '';
  return new URL(`${prefix}/api/auth/stream-ticket`, url.origin).toString();
}

/** An EventSource constructor whose instances ask for a ticket before each connection. */
export function ticketedEventSource(Native: EventSourceConstructor, opts: StreamTicketOptions): EventSourceConstructor {
  return class TicketedEventSource implements EventSourceLike {
    readyState = CONNECTING;
    private listeners = new Map<string, Set<Listener>>();
    private native: EventSourceLike | null = null;
    private timer: ReturnType<typeof setTimeout> | null = null;

    constructor(private readonly url: string) {
      void this.connect();
    }

    addEventListener(type: string, listener: Listener): void {
      let set = this.listeners.get(type);
      if (!set) this.listeners.set(type, (set = new Set()));
      set.add(listener);
    }

    close(): void {
      this.readyState = CLOSED;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.native?.close();
      this.native = null;
    }

    private emit(type: string, event: { data?: unknown } = {}): void {
      for (const l of this.listeners.get(type) ?? []) l(event);
    }

    private async connect(): Promise<void> {
      this.timer = null;
      const ticket = await this.ticket().catch(() => null);
      if (this.readyState === CLOSED) return;
      if (!ticket) {
        this.readyState = CLOSED;
        this.emit('error');
        return;
      }
      const url = new URL(this.url);
      url.searchParams.set('ticket', ticket);
      const native = new Native(url.toString());
      this.native = native;
      const mine = () => this.native === native;
      native.addEventListener('open', (event) => {
        if (!mine()) return;
        this.readyState = OPEN;
        this.emit('open', event);
      });
      for (const type of ['change', 'closed']) {
        native.addEventListener(type, (event) => {
          if (mine()) this.emit(type, event);
        });
      }
      native.addEventListener('error', (event) => {
        if (!mine()) return;
        const refused = native.readyState === CLOSED;
        native.close();
        this.native = null;
        if (refused) {
          // Refused (401, 403 …): reconnecting would be refused again; the owner decides what next.
          this.readyState = CLOSED;
        } else {
          // Dropped (server restart, network): the native would retry with the spent ticket; retry with a new one.
          this.readyState = CONNECTING;
          this.timer = setTimeout(() => void this.connect(), opts.reconnectMs ?? RECONNECT_MS);
        }
        this.emit('error', event);
      });
    }

    private async ticket(): Promise<string | null> {
      const token = opts.token();
      if (!token) return null;
      const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
      const res = await doFetch(ticketUrl(this.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) return null;
      const body: unknown = await res.json();
      const ticket = typeof body === 'object' && body !== null && 'ticket' in body ? body.ticket : null;
      return typeof ticket === 'string' ? ticket : null;
    }
  };
}
