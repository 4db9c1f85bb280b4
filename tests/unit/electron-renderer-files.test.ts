import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRendererFileHandler } from '../../electron/main/renderer-files';
import { buildContentSecurityPolicy } from '../../electron/main/security';

let root: string;
let rendererDir: string;
let serverUrl: string | null = 'http://localhost:8787';
let handler: (request: Request) => Promise<Response>;
const url = (rel: string) => pathToFileURL(path.join(rendererDir, rel)).href;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ringside-renderer-'));
  rendererDir = path.join(root, 'out', 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><html lang="en-GB"><head><meta charset="UTF-8" /><script type="module" crossorigin src="./assets/index.js"></script></head><body><div id="root"></div></body></html>',
  );
  await writeFile(path.join(rendererDir, 'assets', 'index.js'), 'console.log("app")');
  await writeFile(path.join(root, 'out', 'secret.txt'), 'not for the page');
  handler = createRendererFileHandler({
    rendererDir,
    contentSecurityPolicy: () => ({
      header: buildContentSecurityPolicy({ serverUrl, forHeader: true }),
      meta: buildContentSecurityPolicy({ serverUrl, forHeader: false }),
    }),
  });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renderer file handler', () => {
  it('serves index.html with the CSP as the first thing in <head> and as a header', async () => {
    const res = await handler(new Request(url('index.html')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' blob: http://localhost:8787");
    const html = await res.text();
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    expect(meta).toBeGreaterThan(-1);
    expect(meta).toBeLessThan(html.indexOf('<script'));
    expect(html).toContain('media-src &#39;self&#39;'.replace(/&#39;/g, "'"));
  });

  it('follows a server change on the next load', async () => {
    serverUrl = 'https://ringside.example.org';
    const html = await (await handler(new Request(url('index.html')))).text();
    serverUrl = 'http://localhost:8787';
    expect(html).toContain('https://ringside.example.org');
    expect(html).not.toContain('localhost:8787');
  });

  it('serves assets with their type and unchanged bytes', async () => {
    const res = await handler(new Request(url('assets/index.js')));
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log("app")');
  });

  it('answers 404 for files outside the renderer folder and for missing files', async () => {
    expect((await handler(new Request(pathToFileURL(path.join(root, 'out', 'secret.txt')).href))).status).toBe(404);
    expect((await handler(new Request(`${url('assets')}/..%2f..%2fsecret.txt`))).status).toBe(404);
    expect((await handler(new Request(url('assets/missing.js')))).status).toBe(404);
    expect((await handler(new Request(url('assets')))).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await handler(new Request(url('index.html'), { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handler(new Request(url('index.html'), { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
