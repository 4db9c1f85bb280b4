import { isErrorBody, type ErrorCode } from '../../../shared/errors';

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
    if ((err as Error).name === 'AbortError') throw err;
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
