import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The desktop shell's security policy as plain functions, so each rule is unit-tested without a window.
 * Follows Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security):
 * a strict CSP, no navigation away from the app, no new windows, external links only to an allow-list and
 * only through the system browser, permissions denied unless listed.
 */

/**
 * Hosts the app may open in the system browser (https only). The configured sync server's origin is
 * added at run time when it is https.
 */
export const EXTERNAL_HOST_ALLOW_LIST: readonly string[] = [
  'www.twilio.com',
  'console.twilio.com',
  'status.twilio.com',
  'help.twilio.com',
  'platform.openai.com',
  'status.openai.com',
  'ico.org.uk',
];

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * Whether `raw` may be handed to `shell.openExternal`. Only https, no credentials in the URL, default port,
 * and the host exactly on the allow-list (no subdomain wildcards: `evil.twilio.com.example` must not pass).
 */
export function isAllowedExternalUrl(raw: string, opts: { serverUrl?: string | null } = {}): boolean {
  if (typeof raw !== 'string' || raw.length > 2048) return false;
  const url = parseUrl(raw);
  if (!url || url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  const server = opts.serverUrl ? parseUrl(opts.serverUrl) : null;
  if (server && server.protocol === 'https:' && url.origin === server.origin) return true;
  if (url.port !== '') return false;
  return EXTERNAL_HOST_ALLOW_LIST.includes(url.hostname.toLowerCase());
}

/** The folder holding the built renderer, as a `file:` URL ending in `/`. */
export function rendererRootUrl(rendererDir: string): string {
  const href = pathToFileURL(path.resolve(rendererDir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Maps a `file:` request from the page to a file inside the renderer folder, or null when it points anywhere
 * else (other folders, `..` tricks, encoded separators, hosts/UNC shares). Used by the `file:` protocol
 * handler, so the page can read its own assets and nothing else on disk.
 */
export function resolveRendererFile(requestUrl: string, rendererDir: string): string | null {
  const url = parseUrl(requestUrl);
  if (!url || url.protocol !== 'file:') return null;
  if (url.hostname !== '') return null;
  // An encoded slash or backslash inside one segment would let a name escape its folder after decoding.
  if (/%(2f|5c)/i.test(url.pathname)) return null;
  let filePath: string;
  try {
    filePath = fileURLToPath(url);
  } catch {
    return null;
  }
  const root = path.resolve(rendererDir);
  const resolved = path.resolve(filePath);
  const relative = path.relative(root, resolved);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return null;
  }
  return resolved;
}

/**
 * Navigation inside the window is allowed only to the app's own index page (a reload, or a hash change
 * that Chromium reports as a navigation). Everything else is refused; links go through openExternal.
 */
export function shouldAllowNavigation(targetUrl: string, rendererIndexUrl: string): boolean {
  const target = parseUrl(targetUrl);
  const index = parseUrl(rendererIndexUrl);
  if (!target || !index || target.protocol !== 'file:') return false;
  return target.pathname === index.pathname && target.host === index.host;
}

/** The origin of a server URL as a CSP source expression, or null when it cannot be expressed safely. */
export function cspSourceForServer(serverUrl: string | null | undefined): string | null {
  if (!serverUrl) return null;
  const url = parseUrl(serverUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  // CSP host-source grammar has no IPv6 literals, and the origin must not smuggle separators.
  if (url.hostname.startsWith('[') || !/^[a-z0-9.-]+$/i.test(url.hostname)) return null;
  return url.origin;
}

export interface CspOptions {
  /** Origin of the configured sync server (API, SSE stream and recording media). */
  serverUrl: string | null;
  /** `true` for the HTTP header; `false` for a `<meta>` tag, which ignores (and warns about) frame-ancestors. */
  forHeader: boolean;
}

/**
 * The page's Content-Security-Policy. `'self'` covers the renderer's own files. The server is admitted
 * for fetch/EventSource (connect-src) and audio (media-src); `blob:` lets wavesurfer play and fetch the
 * recordings it is handed as blobs; images may be data:/blob: (generated thumbnails, charts).
 * style-src allows inline styles because wavesurfer.js 8 injects a `<style>` into its shadow root; scripts
 * stay strictly 'self' (no inline script, no eval).
 */
export function buildContentSecurityPolicy(opts: CspOptions): string {
  const server = cspSourceForServer(opts.serverUrl);
  const withServer = (...sources: string[]) => (server ? [...sources, server] : sources).join(' ');
  const directives: [string, string][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'"],
    ['style-src', "'self' 'unsafe-inline'"],
    ['img-src', "'self' data: blob:"],
    ['font-src', "'self' data:"],
    ['connect-src', withServer("'self'", 'blob:')],
    ['media-src', withServer("'self'", 'blob:')],
    ['worker-src', "'self' blob:"],
    ['manifest-src', "'self'"],
    ['object-src', "'none'"],
    ['frame-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
  if (opts.forHeader) directives.push(['frame-ancestors', "'none'"]);
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Escapes a value for a double-quoted HTML attribute. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Puts the policy into the page as the first element of `<head>`, before any script or stylesheet, because
 * a `file:` page gets no response headers that Chromium reliably honours and a CSP `<meta>` only governs
 * what comes after it. Any CSP meta tag already in the file is replaced, so the runtime policy wins.
 */
export function injectCspMeta(html: string, csp: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}" />`;
  const withoutOld = html.replace(/<meta\s+http-equiv=["']?content-security-policy["']?[^>]*>\s*/gi, '');
  const head = /<head(\s[^>]*)?>/i.exec(withoutOld);
  if (!head) return `${meta}\n${withoutOld}`;
  const at = head.index + head[0].length;
  return `${withoutOld.slice(0, at)}\n    ${meta}${withoutOld.slice(at)}`;
}

/**
 * Permissions the page may be granted. Playback, IndexedDB and fetch need none; copying a phone number or
 * a clip link to the clipboard needs the sanitised clipboard write. Camera, microphone, geolocation,
 * notifications, MIDI, HID, serial … are denied.
 */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function shouldGrantPermission(permission: string, requestingUrl: string, rendererDir: string): boolean {
  if (!GRANTED_PERMISSIONS.has(permission)) return false;
  return resolveRendererFile(requestingUrl, rendererDir) !== null;
}

export interface SenderInfo {
  webContentsId: number;
  /** URL of the frame that sent the message; null when it navigated away or was destroyed. */
  frameUrl: string | null;
}

/**
 * An IPC message is trusted only when it comes from one of our windows and from a frame that is showing our
 * renderer. A frame that navigated elsewhere (it cannot, but defence in depth) or an unknown webContents
 * (a devtools extension, a future second window type) is refused.
 */
export function isTrustedSender(
  sender: SenderInfo,
  trusted: { webContentsIds: ReadonlySet<number>; rendererDir: string },
): boolean {
  if (!trusted.webContentsIds.has(sender.webContentsId)) return false;
  if (!sender.frameUrl) return false;
  return resolveRendererFile(sender.frameUrl, trusted.rendererDir) !== null;
}
