import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putDocuments } from '../../sync-server/src/replication/store';
import { ticketedStreamUrl } from '../helpers/stream-ticket';
import { startTestServer, type TestServer } from '../helpers/server';
import { callDoc, leadDoc, scorecardDoc, staff } from '../helpers/sync-docs';

/**
 * GET /sync/stream: the live stream of several collections on one connection (browsers allow six
 * connections per server; one EventSource per collection would take them all).
 */
let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login();
});
afterAll(async () => {
  await server.close();
});

/** Reads server-sent events until `until` holds for the collected events, with a bound. */
async function readEvents(
  res: Response,
  until: (events: Array<{ event: string; data: string }>) => boolean,
  timeoutMs = 10_000,
) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: string }> = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (!until(events)) {
    if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(events)}`);
    const { value, done } = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(events)}`)), deadline - Date.now()),
      ),
    ]);
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data !== undefined) events.push({ event, data });
    }
  }
  await reader.cancel();
  return events;
}

describe('one live stream for several collections', () => {
  it('sends a change event naming the collection for every committed write of a listed collection, and nothing for others', async () => {
    const controller = new AbortController();
    const res = await server.api('/sync/stream?collections=calls:0,leads:0', {
      token: admin,
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await server.db.transaction(async (tx) => {
      await putDocuments(tx, 'scorecards', [scorecardDoc('sc-1')], Date.now());
    });
    await server.db.transaction((tx) => putDocuments(tx, 'calls', [callDoc('call-s1')], Date.now()));
    await server.db.transaction((tx) => putDocuments(tx, 'leads', [leadDoc('lead-s1')], Date.now()));
    const events = await readEvents(res, (ev) => ev.length >= 2);
    controller.abort();
    expect(events.map((e) => e.event)).toEqual(['change', 'change']);
    const data = events.map((e) => JSON.parse(e.data) as { collection: string; seq: number });
    expect(data.map((d) => d.collection)).toEqual(['calls', 'leads']);
    for (const d of data) expect(d.seq).toBeGreaterThan(0);
  });

  it.each([
    ['calls:9', 426, 'SCHEMA_OUTDATED'],
    ['nonsense:0', 404, 'UNKNOWN_COLLECTION'],
    ['calls', 400, 'VALIDATION_FAILED'],
    ['', 400, 'VALIDATION_FAILED'],
  ])('collections=%j is refused with %i %s', async (collections, status, code) => {
    const res = await server.api(`/sync/stream?collections=${encodeURIComponent(collections)}`, { token: admin });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('refuses a collection the role does not receive, and a caller without a session', async () => {
    const reviewer = await staff(server, 'reviewer', 'stream-rita');
    const forbidden = await server.api('/sync/stream?collections=calls:0,tierChanges:0', { token: reviewer.token });
    expect(forbidden.status).toBe(403);
    const anonymous = await server.api('/sync/stream?collections=calls:0');
    expect(anonymous.status).toBe(401);
  });

  it('opens with a single-use ticket, as EventSource cannot send headers, and never with a token in the URL', async () => {
    const url = await ticketedStreamUrl(server.url, '/sync/stream?collections=calls:0', admin);
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    expect(res.status).toBe(200);
    controller.abort();
    const again = await fetch(url);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const tokenInUrl = await fetch(`${server.url}/sync/stream?collections=calls:0&access_token=${admin}`);
    expect(tokenInUrl.status).toBe(401);
  });
});
