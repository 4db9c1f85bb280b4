import {
  fillPath,
  queryString,
  type AnswerOf,
  type BodyInput,
  type ParamsInput,
  type QueryInput,
  type RouteContract,
} from '../../../shared/contracts/define';
import { isErrorBody, type ErrorCode } from '../../../shared/errors';
import { fieldOf } from '../../../shared/objects';

/**
 * Codes the app adds for failures that never reach a Ringside answer: the network failed, or something
 * other than a Ringside sync server answered.
 */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'NOT_RINGSIDE';

/** A failed request, carrying the server's stable error code (shared/errors.ts) or a client-side one. */
export class RequestError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status: number | null,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  token?: string | null;
  json?: unknown;
  signal?: AbortSignal;
}

/**
 * One JSON request to the sync server. Every failure becomes a RequestError so callers can say what went
 * wrong in people's words (see messages.ts) instead of showing a raw status.
 */
export async function requestJson<T>(serverUrl: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(serverUrl + path, {
      method: opts.method ?? (opts.json !== undefined ? 'POST' : 'GET'),
      headers,
      body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined,
      signal: opts.signal,
      // The session is the bearer token; never send or accept cookies from a configurable server.
      credentials: 'omit',
    });
  } catch (err) {
    if (fieldOf(err, 'name') === 'AbortError') throw err;
    throw new RequestError('NETWORK', `cannot reach ${serverUrl}`, null);
  }
  const contentType = res.headers.get('content-type') ?? '';
  let body: unknown = null;
  if (contentType.includes('application/json')) {
    try {
      body = await res.json();
    } catch {
      throw new RequestError('NOT_RINGSIDE', `the answer from ${serverUrl} is not valid JSON`, res.status);
    }
  }
  if (res.ok) {
    if (body === null)
      throw new RequestError('NOT_RINGSIDE', `${serverUrl} did not answer like a Ringside sync server`, res.status);
    return body as T;
  }
  if (isErrorBody(body)) throw new RequestError(body.error.code, body.error.message, res.status, body.error.field);
  throw new RequestError('NOT_RINGSIDE', `${serverUrl} answered ${res.status} without a Ringside error`, res.status);
}

/** A part the contract declares is required; one it does not declare cannot be sent. */
type Part<K extends string, T> = [T] extends [undefined] ? { [P in K]?: undefined } : { [P in K]: T };

/** What a call sends, typed by the route's contract (shared/contracts): path parameters, query and body. */
export type ApiInput<C extends RouteContract> = Part<'params', ParamsInput<C>> & {
  query?: QueryInput<C>;
} & Part<'body', BodyInput<C>>;

/**
 * One request described by its route contract: the path is filled from `params`, the answer is the contract's
 * response type. The same contract types the server's handler, so the two cannot drift apart.
 */
export function callApi<C extends RouteContract>(
  serverUrl: string,
  contract: C,
  input: ApiInput<C>,
  opts: { token?: string | null; signal?: AbortSignal } = {},
): Promise<AnswerOf<C>> {
  const params = input.params ?? undefined;
  const query = input.query ?? undefined;
  const path = fillPath(contract.path, params ?? {}) + queryString(query ?? undefined);
  const method =
    contract.method === 'get'
      ? 'GET'
      : contract.method === 'delete'
        ? 'DELETE'
        : contract.method === 'patch'
          ? 'PATCH'
          : contract.method === 'put'
            ? 'PUT'
            : 'POST';
  return requestJson<AnswerOf<C>>(serverUrl, path, {
    method,
    token: opts.token,
    json: contract.bodyFormat === 'none' ? undefined : (input.body ?? undefined),
    signal: opts.signal,
  });
}
