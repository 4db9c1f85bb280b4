import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkServer } from '../../electron/main/server-check';
import { startTestServer, type TestServer } from '../helpers/server';

/** The desktop's "is this a Ringside server?" probe against a real sync server and a few impostors. */

let server: TestServer;
let other: http.Server;
let otherUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  other = http.createServer((req, res) => {
    if (req.url === '/api/health') {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    } else res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((resolve) => other.close(() => resolve()));
});

describe('server check', () => {
  it('recognises a running sync server and reports its version', async () => {
    const result = await checkServer(`${server.url}/some/page`);
    expect(result).toMatchObject({ reachable: true, status: 'ok' });
    expect(result.reachable && result.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('says when something else answers at the address', async () => {
    expect(await checkServer(otherUrl)).toEqual({
      reachable: false,
      reason: `${otherUrl} answered, but not as a Ringside sync server (HTTP 404).`,
    });
  });

  it('says when nothing answers', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await checkServer(url)).toEqual({
      reachable: false,
      reason: `No Ringside server at ${url}: it could not be reached.`,
    });
  });

  it('explains an address that is not a URL', async () => {
    expect(await checkServer('ringside.local:8787')).toMatchObject({
      reachable: false,
      reason: expect.stringMatching(/^The address /),
    });
  });
});
