import { fieldOf } from '../../../shared/objects';
import { PAGE_CHECKPOINT_HEADER, PAGE_COUNT_HEADER } from '../../../shared/pull-page';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from '../context';
import type { Queryable } from '../db';
import { ApiError, clientFaultFromDatabase } from './errors';
import { rejectMalformedText, rejectRepeatedParameters } from './input';
import { hasRole, type RequestAuth, type RouteDef } from './routes';
import { API_PREFIXES, securityHeaders } from './security-headers';
import { isValidTwilioRequest } from './twilio-signature';

/** The Authorization header's bearer secret or the X-Api-Key header; never a URL parameter (logs keep URLs). */
function bearer(req: Request): string | null {
  const header = req.header('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m ? m[1] : null;
  }
  const apiKey = req.header('x-api-key');
  if (apiKey) return apiKey;
  return null;
}

/**
 * Who is asking: the bearer secret or a stream ticket turned into the request's roles. auth/tokens.ts provides
 * it; it is passed in (server.ts) because auth sits above http (its routes are RouteDefs), not below it.
 */
export interface Identity {
  authenticate(q: Queryable, secret: string): Promise<RequestAuth>;
  redeemStreamTicket(q: Queryable, ticket: string): Promise<RequestAuth>;
}

/**
 * Builds the Express app for one server instance from its route table. No module-level state: every piece of
 * state lives in `ctx`, so tests start many instances side by side.
 */
export function createApp(ctx: AppContext, routes: RouteDef[], identity: Identity): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const jsonBody = express.json({ limit: ctx.config.BODY_LIMIT, strict: true });
  // Twilio's webhooks carry a few dozen parameters; past 1,000 the parser stops (413 TOO_MANY_PARAMETERS).
  const formBody = express.urlencoded({ extended: false, limit: ctx.config.BODY_LIMIT, parameterLimit: 1000 });

  // Request id and structured log line per request.
  app.use((req, res, next) => {
    const id = req.header('x-request-id')?.slice(0, 64) || crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      ctx.log[level](
        {
          reqId: id,
          method: req.method,
          url: req.originalUrl.replace(/(access_token|ticket)=[^&]+/g, '$1=…'),
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    next();
  });

  // CORS for the desktop app (a file:// page sends `Origin: null`) and configured origins.
  app.use((req, res, next) => {
    const origin = req.header('origin');
    if (origin && ctx.config.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Request-Id, Range');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      res.setHeader(
        'Access-Control-Expose-Headers',
        `X-Request-Id, Content-Range, Accept-Ranges, Content-Length, ${PAGE_CHECKPOINT_HEADER}, ${PAGE_COUNT_HEADER}`,
      );
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });
  app.use(securityHeaders(() => ctx.config.publicBaseUrl));

  for (const route of routes) {
    const bodyKind =
      route.body ??
      (route.access === 'twilio' ? 'urlencoded' : ['post', 'put', 'patch'].includes(route.method) ? 'json' : 'none');
    const parsers = bodyKind === 'json' ? [requireJson, jsonBody] : bodyKind === 'urlencoded' ? [formBody] : [];
    app[route.method](route.path, ...parsers, async (req: Request, res: Response) => {
      let auth: RequestAuth | null = null;
      // One check of every path parameter, query value and body string for every route, before anything reads them.
      if (route.access === 'twilio') rejectRepeatedParameters(req);
      rejectMalformedText(req);
      if (route.access === 'twilio') {
        const creds = ctx.config.twilio;
        if (!creds || !isValidTwilioRequest(req, creds.authToken, ctx.config.publicBaseUrl)) {
          ctx.log.warn(
            { url: req.originalUrl, ip: req.ip },
            'refused webhook with a missing or wrong X-Twilio-Signature',
          );
          throw new ApiError('INVALID_SIGNATURE', 'missing or invalid X-Twilio-Signature');
        }
      } else if (route.access !== 'public') {
        const secret = bearer(req);
        const ticket = route.streamTicket && typeof req.query.ticket === 'string' ? req.query.ticket : null;
        if (!secret && !ticket) {
          throw new ApiError('UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
        }
        auth = secret
          ? await identity.authenticate(ctx.db, secret)
          : await identity.redeemStreamTicket(ctx.db, ticket!);
        if (!hasRole(auth, route.access)) {
          throw new ApiError('FORBIDDEN', `this needs one of the roles: ${route.access.join(', ')}`);
        }
      } else {
        // Public routes may still know who is calling.
        const secret = bearer(req);
        if (secret) auth = await identity.authenticate(ctx.db, secret).catch(() => null);
      }
      const result = await route.handler({ ctx, auth, req, res });
      if (!res.headersSent && result !== undefined) res.json(result);
    });
  }

  // The web build of the app, served from the same origin (also how the browser tests drive it).
  const rendererDir = ctx.config.RENDERER_DIR ? path.resolve(ctx.config.RENDERER_DIR) : path.resolve('out/renderer');
  if (fs.existsSync(path.join(rendererDir, 'index.html'))) {
    app.use(express.static(rendererDir, { index: false, maxAge: '1h' }));
    app.get(/.*/, (req, res, next) => {
      if (API_PREFIXES.some((p) => req.path.startsWith(p))) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(rendererDir, 'index.html'));
    });
  }

  app.use((req, _res, next) => next(new ApiError('NOT_FOUND', `no route ${req.method} ${req.path}`)));

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) ctx.log.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(apiError.status).json(apiError.toBody());
  });
  return app;
}

function requireJson(req: Request, _res: Response, next: NextFunction) {
  const length = Number(req.header('content-length') ?? '0');
  const chunked = req.header('transfer-encoding') !== undefined;
  if ((length > 0 || chunked) && !req.is('application/json')) {
    next(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'));
    return;
  }
  next();
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  // Express and its body parsers throw http-errors objects: read their fields without trusting their shape.
  const status = fieldOf(err, 'status');
  const rawMessage = fieldOf(err, 'message');
  const message = typeof rawMessage === 'string' ? rawMessage : undefined;
  const e = { type: fieldOf(err, 'type'), status: typeof status === 'number' ? status : undefined, message };
  if (e?.type === 'entity.parse.failed') return new ApiError('INVALID_JSON', 'the body is not valid JSON');
  if (e?.type === 'entity.too.large')
    return new ApiError('PAYLOAD_TOO_LARGE', 'the body is larger than the server accepts');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new ApiError('UNSUPPORTED_MEDIA_TYPE', e.message ?? 'unsupported encoding');
  }
  if (e?.status === 400) return new ApiError('VALIDATION_FAILED', e.message ?? 'bad request');
  if (e?.type === 'parameters.too.many')
    return new ApiError('TOO_MANY_PARAMETERS', 'the form has more parameters than the server reads (1,000)');
  const database = clientFaultFromDatabase(err);
  if (database) return database;
  // Any other refusal of the request itself by Express or its body parsers (a path parameter that is not valid
  // percent-encoding, an aborted or mis-sized body …) is the client's.
  // Only http-errors' own (expose) and the router's URIError: a 4xx from an upstream (Twilio's REST API) is ours.
  const fromRequest = fieldOf(err, 'expose') === true || err instanceof URIError;
  if (fromRequest && typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.status === 413) return new ApiError('PAYLOAD_TOO_LARGE', e.message ?? 'the request is too large');
    if (e.status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', e.message ?? 'unsupported media type');
    return new ApiError('VALIDATION_FAILED', e.message ?? 'bad request', undefined, e.status);
  }
  return new ApiError('INTERNAL', 'something went wrong on the server; it has been logged');
}
