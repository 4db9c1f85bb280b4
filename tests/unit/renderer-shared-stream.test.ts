import { describe, expect, it } from 'vitest';
import type { EventSourceLike } from '../../renderer/src/db/replication';
import { StreamHub } from '../../renderer/src/db/shared-stream';

/** A stand-in for the browser's EventSource that records connections and lets the test play the server. */
class FakeEventSource implements EventSourceLike {
  static opened: FakeEventSource[] = [];
  readyState = 0;
  closed = false;
  private listeners = new Map<string, Array<(e: { data?: unknown }) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, l: (e: { data?: unknown }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  fire(type: string, data?: unknown, readyState?: number) {
    if (readyState !== undefined) this.readyState = readyState;
    for (const l of this.listeners.get(type) ?? []) l({ data });
  }
}

const streamUrl = (c: string) => `http://sync.example/sync/${c}/0/stream`;
const settle = () => new Promise((r) => setTimeout(r, 60));

function member(hub: StreamHub, collection: string) {
  const events: string[] = [];
  const es = new hub.EventSource(streamUrl(collection));
  for (const type of ['open', 'change', 'closed', 'error'])
    es.addEventListener(type, (e) => events.push(type === 'change' ? `change:${String(e.data)}` : type));
  return { es, events };
}

describe('one live stream for all collections', () => {
  it('opens a single connection carrying every collection, with no secret in its URL', async () => {
    FakeEventSource.opened = [];
    const hub = new StreamHub(FakeEventSource);
    member(hub, 'calls');
    member(hub, 'leads');
    member(hub, 'reviews');
    await settle();
    expect(FakeEventSource.opened).toHaveLength(1);
    const url = new URL(FakeEventSource.opened[0].url);
    expect(url.pathname).toBe('/sync/stream');
    expect(url.searchParams.get('collections')).toBe('calls:0,leads:0,reviews:0');
    // The connection's EventSource asks for its own single-use ticket (stream-ticket.ts).
    expect([...url.searchParams.keys()]).toEqual(['collections']);
    hub.close();
  });

  it('hands each collection only its own changes, and everyone the open event', async () => {
    FakeEventSource.opened = [];
    const hub = new StreamHub(FakeEventSource);
    const calls = member(hub, 'calls');
    const leads = member(hub, 'leads');
    await settle();
    const real = FakeEventSource.opened[0];
    real.fire('open', undefined, 1);
    real.fire('change', JSON.stringify({ collection: 'calls', seq: 7 }));
    expect(calls.events).toEqual(['open', 'change:{"collection":"calls","seq":7}']);
    expect(leads.events).toEqual(['open']);
    expect(calls.es.readyState).toBe(1);
    hub.close();
  });

  it('passes a lost connection on to every collection, as closed when it will not come back by itself', async () => {
    FakeEventSource.opened = [];
    const hub = new StreamHub(FakeEventSource);
    const calls = member(hub, 'calls');
    await settle();
    FakeEventSource.opened[0].fire('error', undefined, 2);
    expect(calls.events).toEqual(['error']);
    expect(calls.es.readyState).toBe(2);
    hub.close();
  });

  it('reconnects with the new set when a collection leaves, and closes the connection when the last one does', async () => {
    FakeEventSource.opened = [];
    const hub = new StreamHub(FakeEventSource);
    const calls = member(hub, 'calls');
    const leads = member(hub, 'leads');
    await settle();
    leads.es.close();
    await settle();
    expect(FakeEventSource.opened).toHaveLength(2);
    expect(FakeEventSource.opened[0].closed).toBe(true);
    expect(new URL(FakeEventSource.opened[1].url).searchParams.get('collections')).toBe('calls:0');
    calls.es.close();
    expect(FakeEventSource.opened[1].closed).toBe(true);
    hub.close();
  });

  it('tells a collection that joins an open connection it already carries that it is open', async () => {
    FakeEventSource.opened = [];
    const hub = new StreamHub(FakeEventSource);
    const first = member(hub, 'calls');
    member(hub, 'leads');
    await settle();
    FakeEventSource.opened[0].fire('open', undefined, 1);
    first.es.close();
    const again = member(hub, 'calls');
    await settle();
    // The replication closed its stream and opened a new one for the same collection: it hears `open`
    // (and pulls), and the shared connection is not torn down for it.
    expect(again.events).toContain('open');
    expect(FakeEventSource.opened).toHaveLength(1);
    hub.close();
  });
});
