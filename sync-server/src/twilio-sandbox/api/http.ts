import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { TwilioApiError, type MessageService } from '../messages';
import type { NumberRegistry } from '../numbers';
import type { PhoneRegistry } from '../phones';
import type { RecordingStore } from '../recordings';
import type { CallScenario, CallSimulation, LegRecord } from '../calls';
import type { LiveCall, SandboxTranscript } from '../index';
import { fieldOf, isRecord } from '../../../../shared/objects';

/** What the REST API's routers and the sandbox's control routes work on. */
export interface SandboxState {
  accountSid: string;
  authToken: string;
  /** The sandbox's own URL (known once it listens). */
  baseUrl(): string;
  /** The application's public base URL. */
  publicBase(): string;
  numbers: NumberRegistry;
  /** Writes the bought numbers to the data directory (if any). */
  saveNumbers(): void;
  phones: PhoneRegistry;
  recordings: RecordingStore;
  messages: MessageService;
  /** Every leg by SID (the most recent 20,000). */
  legs: Map<string, LegRecord>;
  /** Calls whose recording is still live, by recording SID. */
  liveRecordings: Map<string, CallSimulation>;
  startCall(scenario: CallScenario): LiveCall;
  /** Counts a promise as work in flight until it settles (settled() waits for it). */
  track<T>(p: Promise<T>): Promise<T>;
  transcript(sid: string): Promise<SandboxTranscript | null>;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export const API_PREFIX = '/2010-04-01/Accounts';

export function twilioError(res: Response, err: TwilioApiError): void {
  res.status(err.status).json(err.toJson());
}

export function notFound(req: Request): TwilioApiError {
  return new TwilioApiError(404, 20404, `The requested resource ${req.originalUrl.split('?')[0]} was not found`);
}

/** A form parameter as one string (Twilio's SDKs never repeat the ones the sandbox reads). */
export function param(body: unknown, name: string): string | undefined {
  const v = fieldOf(body, name);
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** A form body's fields: strings, and lists of strings for repeated ones (MediaUrl); anything else is dropped. */
export function formFields(body: unknown): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  if (!isRecord(body)) return fields;
  for (const [name, v] of Object.entries(body)) {
    if (typeof v === 'string') fields[name] = v;
    else if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) fields[name] = v;
  }
  return fields;
}

/** Twilio's envelope for a list resource: everything on one page. */
export function listPage<T>(req: Request, key: string, items: T[]): Record<string, unknown> {
  return {
    [key]: items,
    page: 0,
    page_size: 50,
    uri: req.originalUrl,
    first_page_uri: req.originalUrl,
    next_page_uri: null,
    previous_page_uri: null,
    start: 0,
    end: Math.max(0, items.length - 1),
  };
}

/** Reads `user:password` from a Basic Authorization header. */
function basicCredentials(req: Request): { user: string; password: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.header('authorization') ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** HTTP basic auth with the account SID and auth token, as Twilio's REST API asks. */
export function requireAccount(state: Pick<SandboxState, 'accountSid' | 'authToken'>): express.RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const creds = basicCredentials(req);
    if (!creds || !safeEqual(creds.user, state.accountSid) || !safeEqual(creds.password, state.authToken)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      twilioError(res, new TwilioApiError(401, 20003, 'Authenticate'));
      return;
    }
    next();
  };
}

/** Catches what a route throws and answers as Twilio does: 404, a 4xx with code 20001, or 500 (20500). */
export function errorHandler(state: Pick<SandboxState, 'log'>): express.ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    state.log?.warn({ err, url: req.originalUrl }, 'sandbox request failed');
    if (res.headersSent) return res.end();
    // Errors from express and body-parser (http-errors) carry the HTTP status to answer with.
    const status = fieldOf(err, 'status');
    if (status === 404) return twilioError(res, notFound(req));
    if (typeof status === 'number' && status && status < 500) {
      return twilioError(res, new TwilioApiError(status, 20001, String(fieldOf(err, 'message'))));
    }
    twilioError(res, new TwilioApiError(500, 20500, 'An internal server error has occurred'));
  };
}
