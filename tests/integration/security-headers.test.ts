import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

/** Parses a CSP header into directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

let server: TestServer;
let rendererDir: string;
beforeAll(async () => {
  // A stand-in web build: the headers do not depend on what the page contains.
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-renderer-'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Ringside</title>');
  fs.writeFileSync(path.join(rendererDir, 'app.js'), 'export {};');
  server = await startTestServer({ env: { RENDERER_DIR: rendererDir } });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(rendererDir, { recursive: true, force: true });
});

describe('security headers', () => {
  it('serves the web app with a strict Content-Security-Policy header that forbids framing', async () => {
    for (const page of ['/', '/review/some-call', '/app.js']) {
      const res = await fetch(server.url + page);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('script-src')).toEqual(["'self'"]);
      for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action'])
        expect(csp.get(name)).toEqual(["'none'"]);
      // The API, the live stream and signed media URLs (PUBLIC_BASE_URL), and wavesurfer's blobs.
      expect(csp.get('connect-src')).toEqual(["'self'", 'blob:', new URL(server.url).origin]);
      expect(csp.get('media-src')).toEqual(["'self'", 'blob:', new URL(server.url).origin]);
    }
  });

  it('answers the API with a policy that lets nothing run or frame it', async () => {
    const res = await server.api('/api/health');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('keeps frame-ancestors out of the page meta policy, where browsers ignore it', () => {
    const html = fs.readFileSync(path.resolve('renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    expect(directives(meta![1]).has('frame-ancestors')).toBe(false);
    expect(directives(meta![1]).get('script-src')).toEqual(["'self'"]);
  });
});
