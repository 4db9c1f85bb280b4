import { z } from 'zod';
import type { ErrorCode } from '../errors';
import type { Principal } from '../roles';

/**
 * A route contract: what one HTTP route takes and answers, as zod schemas. The server's route table, the
 * OpenAPI document and the app's client are all typed from these, so an answer's shape is written once.
 *
 * Access is part of the contract because integrators need it as much as the shape: `public` (anyone),
 * `twilio` (a valid X-Twilio-Signature over a form-encoded body) or the roles admitted (`marketplace` = API key).
 */
export type Access = 'public' | 'twilio' | readonly Principal[];

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * What the success answer is: `json` (validated against `response`), `twiml` (XML for Twilio), `event-stream`
 * (server-sent events), `media` (audio bytes with Range support), `html` (a page for people). Only `json` answers have a response schema.
 */
export type Answers = 'json' | 'twiml' | 'event-stream' | 'media' | 'html';

/** How the request body is read: json (default for post/put/patch), a form (webhooks), none, or left unread. */
export type BodyFormat = 'json' | 'urlencoded' | 'raw' | 'none';

/** Path parameters and query values arrive as text; their schemas take strings (z.coerce for numbers). */
type Fields = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export interface ContractSpec {
  method: Method;
  path: string;
  summary: string;
  access: Access;
  params?: Fields;
  query?: Fields;
  body?: z.ZodType;
  bodyFormat?: BodyFormat;
  answers?: Answers;
  /** The success answer's schema; required for `json` answers, absent otherwise. */
  response?: z.ZodType;
  /**
   * The handler writes the JSON answer itself (replication pull pages send stored JSON as it is, without
   * parsing it); `response` then only documents it, and the handler returns nothing.
   */
  writesAnswer?: boolean;
  /** Success status codes (default [200]); e.g. [200, 201] for an idempotent create. */
  status?: readonly number[];
  /** Error codes the route answers besides the ones every route of its access can (see openapi.ts). */
  errors?: readonly ErrorCode[];
  /** Also admits a single-use `?ticket=` from POST /api/auth/stream-ticket (an EventSource sends no headers). */
  streamTicket?: boolean;
}

export type RouteContract<S extends ContractSpec = ContractSpec> = S & { readonly kind: 'route-contract' };

/** Declares a contract; the literal types of its schemas are kept so handlers and clients are typed from them. */
export function defineRoute<const S extends ContractSpec>(spec: S): RouteContract<S> {
  return { ...spec, kind: 'route-contract' };
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;

/** What a handler receives, parsed. */
export type ParamsOf<C extends ContractSpec> = Out<C['params']>;
export type QueryOf<C extends ContractSpec> = Out<C['query']>;
export type BodyOf<C extends ContractSpec> = Out<C['body']>;
/** What a handler must return: the JSON answer's shape, or nothing when it writes the answer itself. */
export type ResponseOf<C extends ContractSpec> = C['writesAnswer'] extends true
  ? void
  : C['response'] extends z.ZodType
    ? z.output<C['response']>
    : void;
/** What a client receives. */
export type AnswerOf<C extends ContractSpec> = C['response'] extends z.ZodType ? z.output<C['response']> : void;
/** What a client sends (before defaults and coercion). */
export type ParamsInput<C extends ContractSpec> = In<C['params']>;
export type QueryInput<C extends ContractSpec> = In<C['query']>;
export type BodyInput<C extends ContractSpec> = In<C['body']>;

/** Fills `:name` segments of a contract's path; values are percent-encoded. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** `?a=1&b=2` from a query object (arrays repeat the key; undefined values are left out). */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
