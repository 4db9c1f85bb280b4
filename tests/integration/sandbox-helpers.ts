import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { waitUntil } from '../helpers/wait';

/**
 * A tiny TwiML application for testing the sandbox on its own: every request is recorded with whether its
 * X-Twilio-Signature verifies under the twilio package's own validateRequest, and each path answers with
 * whatever the test put in `routes`.
 */

export interface Hit {
  path: string;
  url: string;
  method: string;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  signatureValid: boolean;
}

export type Reply = string | { status?: number; type?: string; body: string };

export interface TwimlApp {
  url: string;
  hits: Hit[];
  routes: Record<string, (params: Record<string, string>) => Reply>;
  hitsTo(path: string): Hit[];
  close(): Promise<void>;
}

export const xml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

export async function startTwimlApp(authToken: () => string): Promise<TwimlApp> {
  const hits: Hit[] = [];
  const routes: TwimlApp['routes'] = {};
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  let base = '';
  app.all(/.*/, (req, res) => {
    const params = (req.method === 'GET' ? {} : (req.body as Record<string, string>)) ?? {};
    const url = base + req.originalUrl;
    const signature = req.header('x-twilio-signature') ?? '';
    hits.push({
      path: req.path,
      url,
      method: req.method,
      params: req.method === 'GET' ? (Object.fromEntries(new URL(url).searchParams) as Record<string, string>) : params,
      headers: {
        idempotency: req.header('i-twilio-idempotency-token'),
        virtualTime: req.header('x-sandbox-virtual-time'),
        contentType: req.header('content-type'),
      },
      signatureValid: twilio.validateRequest(authToken(), signature, url, params),
    });
    const handler = routes[req.path];
    const reply: Reply = handler ? handler(req.method === 'GET' ? hits[hits.length - 1].params : params) : xml('');
    if (typeof reply === 'string') res.type('text/xml').send(reply);
    else
      res
        .status(reply.status ?? 200)
        .type(reply.type ?? 'text/xml')
        .send(reply.body);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    hits,
    routes,
    hitsTo: (path) => hits.filter((h) => h.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Basic auth header for the sandbox's REST API. */
export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Root-mean-square level of a stretch of samples (seconds at 8 kHz). */
export function rms(samples: Int16Array, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from * 8000));
  const b = Math.min(samples.length, Math.floor(to * 8000));
  let sum = 0;
  for (let i = a; i < b; i++) sum += samples[i] * samples[i];
  return b > a ? Math.sqrt(sum / (b - a)) : 0;
}

/** Waits (vi.waitFor, through waitUntil) until `check` returns a value (not undefined/false), for `timeoutMs` at most. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const value = await waitUntil(what, check, (v) => v !== undefined && v !== false, { timeout: timeoutMs });
  if (value === undefined || value === false) throw new Error(`waited for ${what} and got nothing`);
  return value;
}
