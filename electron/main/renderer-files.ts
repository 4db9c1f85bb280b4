import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { injectCspMeta, resolveRendererFile } from './security';
import { errnoCode } from './errno';

/**
 * Serves the page's `file:` requests (registered with `protocol.handle('file', …)`). Two reasons to own the
 * scheme instead of letting Chromium read files: the CSP can name the configured server (a `file:` page has
 * no HTTP headers Chromium honours, so the policy goes into index.html as a `<meta>` at serve time), and the
 * page can read only files inside the renderer folder, not the rest of the disk.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export interface RendererFileHandlerOptions {
  rendererDir: string;
  /** The current policy; read per request because the server address can change while the app runs. */
  contentSecurityPolicy: () => { header: string; meta: string };
}

export function createRendererFileHandler(opts: RendererFileHandlerOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET, HEAD' } });
    }
    const filePath = resolveRendererFile(request.url, opts.rendererDir);
    if (!filePath) return new Response('Not found', { status: 404 });
    let bytes: Buffer;
    try {
      bytes = await readFile(filePath);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')
        return new Response('Not found', { status: 404 });
      throw err;
    }
    const policy = opts.contentSecurityPolicy();
    const type = contentTypeFor(filePath);
    // A copy into a plain Uint8Array: the DOM typings of BodyInit do not accept a Node Buffer.
    const body = type.startsWith('text/html')
      ? injectCspMeta(bytes.toString('utf8'), policy.meta)
      : new Uint8Array(bytes);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': type,
        'Content-Security-Policy': policy.header,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  };
}
