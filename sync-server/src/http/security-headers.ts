import type { NextFunction, Request, Response } from 'express';

/** Paths that belong to the API; everything else may be the web app. */
export const API_PREFIXES = ['/api/', '/sync/', '/twilio/', '/media/'];

/** The origin of a URL, or null when it is not http(s). */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * The Content-Security-Policy header of the web app this server serves. Its API, live stream and media are
 * this origin (`'self'`) or the public address signed media URLs point at (PUBLIC_BASE_URL, which may be
 * another name for this server); `blob:` lets wavesurfer fetch and play the recording it was handed as a blob.
 * Inline styles because wavesurfer.js injects a `<style>` into its shadow root; scripts only from this origin.
 * frame-ancestors only works as a header (a `<meta>` CSP ignores it), hence this header beside the page's meta
 * policy (renderer/index.html), which the Electron build replaces with its own (electron/main/security.ts).
 */
export function webAppContentSecurityPolicy(publicBaseUrl: string): string {
  const media = originOf(publicBaseUrl);
  const withMedia = (...sources: string[]) => (media ? [...sources, media] : sources).join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${withMedia("'self'", 'blob:')}`,
    `media-src ${withMedia("'self'", 'blob:')}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** API answers are data, never documents: nothing may run or be framed from them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Headers on every answer: no MIME sniffing, no referrer (signed media URLs carry signatures), never framed
 * (clickjacking), and a CSP. `publicBaseUrl` is read per request because it is known only once listening.
 */
export function securityHeaders(publicBaseUrl: () => string) {
  let cached: { base: string; policy: string } | null = null;
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (API_PREFIXES.some((p) => req.path.startsWith(p))) {
      res.setHeader('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
    } else {
      const base = publicBaseUrl();
      if (cached?.base !== base) cached = { base, policy: webAppContentSecurityPolicy(base) };
      res.setHeader('Content-Security-Policy', cached.policy);
    }
    next();
  };
}
