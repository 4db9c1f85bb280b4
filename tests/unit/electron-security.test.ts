import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildContentSecurityPolicy,
  cspSourceForServer,
  injectCspMeta,
  isAllowedExternalUrl,
  isTrustedSender,
  resolveRendererFile,
  rendererRootUrl,
  shouldAllowNavigation,
  shouldGrantPermission,
} from '../../electron/main/security';

const rendererDir = path.resolve('/opt/Ringside/resources/app.asar/out/renderer');
const fileUrl = (p: string) => pathToFileURL(p).href;
const indexUrl = fileUrl(path.join(rendererDir, 'index.html'));

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('external links', () => {
  it('opens https links to allow-listed hosts only', () => {
    expect(isAllowedExternalUrl('https://console.twilio.com/us1/monitor/logs/calls')).toBe(true);
    expect(isAllowedExternalUrl('https://www.twilio.com/docs/voice')).toBe(true);
    expect(isAllowedExternalUrl('https://example.com/')).toBe(false);
  });

  it('refuses other schemes even for allow-listed hosts', () => {
    expect(isAllowedExternalUrl('http://www.twilio.com/docs')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('smb://www.twilio.com/share')).toBe(false);
  });

  it('refuses look-alike hosts, credentials and odd ports', () => {
    expect(isAllowedExternalUrl('https://www.twilio.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/?https://www.twilio.com')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pass@www.twilio.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://www.twilio.com:8443/')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });

  it('allows the configured server when it is https, whatever its port', () => {
    const serverUrl = 'https://ringside.example.org:8443';
    expect(isAllowedExternalUrl('https://ringside.example.org:8443/help', { serverUrl })).toBe(true);
    expect(isAllowedExternalUrl('https://ringside.example.org/help', { serverUrl })).toBe(false);
    expect(isAllowedExternalUrl('http://localhost:8787/', { serverUrl: 'http://localhost:8787' })).toBe(false);
  });
});

describe('renderer files', () => {
  it('resolves files inside the renderer folder', () => {
    expect(resolveRendererFile(indexUrl, rendererDir)).toBe(path.join(rendererDir, 'index.html'));
    expect(resolveRendererFile(`${rendererRootUrl(rendererDir)}assets/index-abc.js`, rendererDir)).toBe(
      path.join(rendererDir, 'assets', 'index-abc.js'),
    );
  });

  it('refuses anything outside it, including dot-dot and encoded separators', () => {
    expect(resolveRendererFile(fileUrl('/etc/passwd'), rendererDir)).toBeNull();
    expect(resolveRendererFile(`${rendererRootUrl(rendererDir)}../main/index.js`, rendererDir)).toBeNull();
    expect(
      resolveRendererFile(`${rendererRootUrl(rendererDir)}assets/..%2f..%2fmain/index.js`, rendererDir),
    ).toBeNull();
    expect(resolveRendererFile(`${rendererRootUrl(rendererDir)}assets%5c..%5c..%5cmain.js`, rendererDir)).toBeNull();
    expect(resolveRendererFile(rendererRootUrl(rendererDir), rendererDir)).toBeNull();
    expect(resolveRendererFile(`${rendererRootUrl(`${rendererDir}-evil`)}x.js`, rendererDir)).toBeNull();
    expect(resolveRendererFile('file://fileserver/share/x.js', rendererDir)).toBeNull();
    expect(resolveRendererFile('https://example.com/x.js', rendererDir)).toBeNull();
  });

  it('does not treat a file name starting with two dots as a parent folder', () => {
    expect(resolveRendererFile(`${rendererRootUrl(rendererDir)}..hidden.js`, rendererDir)).toBe(
      path.join(rendererDir, '..hidden.js'),
    );
  });
});

describe('navigation', () => {
  it('allows reloading the app page, with or without a hash route', () => {
    expect(shouldAllowNavigation(indexUrl, indexUrl)).toBe(true);
    expect(shouldAllowNavigation(`${indexUrl}#/review/queue`, indexUrl)).toBe(true);
  });

  it('blocks every other page', () => {
    expect(shouldAllowNavigation('https://www.twilio.com/', indexUrl)).toBe(false);
    expect(shouldAllowNavigation('http://localhost:8787/', indexUrl)).toBe(false);
    expect(shouldAllowNavigation(fileUrl(path.join(rendererDir, 'other.html')), indexUrl)).toBe(false);
    expect(shouldAllowNavigation(fileUrl('/home/someone/Downloads/evil.html'), indexUrl)).toBe(false);
    expect(shouldAllowNavigation('about:blank', indexUrl)).toBe(false);
  });
});

describe('content security policy', () => {
  it('admits the configured server for API, SSE and media, and blob: for playback', () => {
    const csp = directives(buildContentSecurityPolicy({ serverUrl: 'http://localhost:8787', forHeader: true }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'blob:', 'http://localhost:8787']);
    expect(csp.get('media-src')).toEqual(["'self'", 'blob:', 'http://localhost:8787']);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('keeps scripts to the app itself and blocks objects, frames, forms and base changes', () => {
    const csp = directives(buildContentSecurityPolicy({ serverUrl: 'https://ringside.example.org', forHeader: true }));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action', 'frame-ancestors']) {
      expect(csp.get(name)).toEqual(["'none'"]);
    }
    expect(buildContentSecurityPolicy({ serverUrl: null, forHeader: true })).not.toMatch(/unsafe-eval|\*/);
  });

  it('leaves frame-ancestors out of the meta version, where browsers ignore it', () => {
    expect(buildContentSecurityPolicy({ serverUrl: null, forHeader: false })).not.toContain('frame-ancestors');
  });

  it('without a server, connects only to itself', () => {
    const csp = directives(buildContentSecurityPolicy({ serverUrl: null, forHeader: true }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'blob:']);
  });

  it('names only the origin of the server and refuses addresses a CSP cannot express', () => {
    expect(cspSourceForServer('https://ringside.example.org/some/path?x=1')).toBe('https://ringside.example.org');
    expect(cspSourceForServer('http://[::1]:8787')).toBeNull();
    expect(cspSourceForServer('ftp://example.org')).toBeNull();
    expect(cspSourceForServer('not a url')).toBeNull();
  });

  it('puts the policy first in <head>, replacing one already in the page', () => {
    const html =
      '<!doctype html><html><head>\n<meta http-equiv="Content-Security-Policy" content="default-src *">' +
      '<script type="module" src="./assets/index.js"></script></head><body></body></html>';
    const out = injectCspMeta(html, `default-src 'none'; connect-src "x" <y>`);
    expect(out).not.toContain('default-src *');
    expect(out.match(/Content-Security-Policy/g)).toHaveLength(1);
    expect(out.indexOf('Content-Security-Policy')).toBeLessThan(out.indexOf('<script'));
    expect(out).toContain('content="default-src \'none\'; connect-src &quot;x&quot; &lt;y&gt;"');
  });
});

describe('permissions', () => {
  it('denies camera, microphone, geolocation and notifications', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'hid', 'serial', 'openExternal']) {
      expect(shouldGrantPermission(permission, indexUrl, rendererDir)).toBe(false);
    }
  });

  it('grants clipboard writes to the app page only', () => {
    expect(shouldGrantPermission('clipboard-sanitized-write', indexUrl, rendererDir)).toBe(true);
    expect(shouldGrantPermission('clipboard-sanitized-write', 'https://example.com/', rendererDir)).toBe(false);
  });
});

describe('IPC senders', () => {
  const trusted = { webContentsIds: new Set([7]), rendererDir };

  it('trusts our window showing our page', () => {
    expect(isTrustedSender({ webContentsId: 7, frameUrl: `${indexUrl}#/calls` }, trusted)).toBe(true);
  });

  it('refuses other webContents, other pages and destroyed frames', () => {
    expect(isTrustedSender({ webContentsId: 8, frameUrl: indexUrl }, trusted)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: 'https://example.com/' }, trusted)).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: null }, trusted)).toBe(false);
  });
});
