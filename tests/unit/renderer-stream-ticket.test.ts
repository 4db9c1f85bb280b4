import { describe, expect, it } from 'vitest';
import type { EventSourceLike } from '../../renderer/src/db/replication';
import { ticketUrl, ticketedEventSource } from '../../renderer/src/db/stream-ticket';

/** A stand-in for the browser's EventSource that records connections and lets the test play the server. */
class FakeEventSource implements EventSourceLike {
  static opened: FakeEventSource[] = [];
  readyState = 0;
  private listeners = new Map<string, Array<(e: { data?: unknown }) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, l: (e: { data?: unknown }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.readyState = 2;
  }
  fire(type: string, readyState?: number) {
    if (readyState !== undefined) this.readyState = readyState;
    for (const l of this.listeners.get(type) ?? []) l({});
  }
}

/** A ticket endpoint that hands out numbered tickets and records what it was asked with. */
function ticketDesk(answer: (n: number) => Response = (n) => Response.json({ ticket: `rsst_${n}` })) {
  const asked: Array<{ url: string; authorization: string | null }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    asked.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    return answer(asked.length);
  }) as typeof globalThis.fetch;
  return { asked, fetch };
}

/** Waits (expect.poll) until `ok` holds; 5 s is a bound, not a timing claim. */
async function until(what: string, ok: () => boolean) {
  await expect.poll(ok, { timeout: 5_000, interval: 5, message: `never: ${what}` }).toBe(true);
}

describe('stream tickets in the app', () => {
  it('asks for a ticket with the session token in the header and puts only the ticket in the stream URL', async () => {
    FakeEventSource.opened = [];
    const desk = ticketDesk();
    const ES = ticketedEventSource(FakeEventSource, { token: () => 'rst_secret', fetch: desk.fetch });
    const es = new ES('http://sync.example/sync/stream?collections=calls:0');
    await until('the stream to open', () => FakeEventSource.opened.length === 1);
    expect(desk.asked).toEqual([
      { url: 'http://sync.example/api/auth/stream-ticket', authorization: 'Bearer rst_secret' },
    ]);
    const url = new URL(FakeEventSource.opened[0].url);
    expect(url.searchParams.get('ticket')).toBe('rsst_1');
    expect(url.searchParams.get('collections')).toBe('calls:0');
    expect(FakeEventSource.opened[0].url).not.toContain('rst_secret');
    es.close();
  });

  it('reconnects a dropped stream with a fresh ticket, since the spent one would be refused', async () => {
    FakeEventSource.opened = [];
    const desk = ticketDesk();
    const ES = ticketedEventSource(FakeEventSource, { token: () => 'rst_secret', fetch: desk.fetch, reconnectMs: 1 });
    const es = new ES('http://sync.example/sync/calls/0/stream');
    const events: string[] = [];
    for (const type of ['open', 'error']) es.addEventListener(type, () => events.push(type));
    await until('the stream to open', () => FakeEventSource.opened.length === 1);
    FakeEventSource.opened[0].fire('open', 1);
    // A dropped connection: the browser's EventSource would reconnect by itself (readyState CONNECTING).
    FakeEventSource.opened[0].fire('error', 0);
    expect(es.readyState).toBe(0);
    await until('a second connection', () => FakeEventSource.opened.length === 2);
    expect(FakeEventSource.opened[0].readyState).toBe(2);
    expect(new URL(FakeEventSource.opened[1].url).searchParams.get('ticket')).toBe('rsst_2');
    FakeEventSource.opened[1].fire('open', 1);
    expect(events).toEqual(['open', 'error', 'open']);
    es.close();
  });

  it('closes for good when the stream is refused or no ticket is given, for its owner to retry', async () => {
    FakeEventSource.opened = [];
    const refusedDesk = ticketDesk(() => Response.json({ error: { code: 'TOKEN_REVOKED' } }, { status: 401 }));
    const ES = ticketedEventSource(FakeEventSource, { token: () => 'rst_gone', fetch: refusedDesk.fetch });
    const noTicket = new ES('http://sync.example/sync/calls/0/stream');
    const errors: number[] = [];
    noTicket.addEventListener('error', () => errors.push(noTicket.readyState));
    await until('the refusal', () => errors.length === 1);
    expect(errors).toEqual([2]);
    expect(FakeEventSource.opened).toHaveLength(0);

    const desk = ticketDesk();
    const refused = new (ticketedEventSource(FakeEventSource, { token: () => 'rst_x', fetch: desk.fetch }))(
      'http://sync.example/sync/calls/0/stream',
    );
    await until('the stream to connect', () => FakeEventSource.opened.length === 1);
    FakeEventSource.opened[0].fire('error', 2); // an HTTP 401 or 403 answer closes an EventSource
    expect(refused.readyState).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeEventSource.opened).toHaveLength(1);

    const signedOut = new (ticketedEventSource(FakeEventSource, { token: () => null, fetch: desk.fetch }))(
      'http://sync.example/sync/calls/0/stream',
    );
    await until('it to close', () => signedOut.readyState === 2);
    expect(desk.asked).toHaveLength(1);
  });

  it('finds the ticket endpoint beside the sync paths, also under a path prefix', () => {
    expect(ticketUrl('https://r.example/sync/stream?collections=a:0')).toBe('https://r.example/api/auth/stream-ticket');
    expect(ticketUrl('https://r.example/ringside/sync/calls/0/stream')).toBe(
      'https://r.example/ringside/api/auth/stream-ticket',
    );
  });
});
