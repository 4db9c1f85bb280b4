import { ERROR_CODES, type ErrorCode } from '../../../shared/errors';
import { fieldOf, isRecord } from '../../../shared/objects';
import type { ClientErrorCode } from '../api/client';
import { RequestError } from '../api/client';
import { describeError } from '../api/messages';

/**
 * Turns whatever a replication reported on `error$` into a code and a sentence for people.
 * RxDB wraps handler failures as RC_PULL / RC_PUSH with the original errors flattened to plain JSON
 * (`parameters.errors[]`: name, message, code), so the code is looked for there, then in the message.
 */
interface PlainError {
  name?: string;
  message?: string;
  code?: unknown;
  status?: unknown;
  parameters?: { errors?: PlainError[]; error?: PlainError };
}

const NETWORK_MESSAGES =
  /failed to fetch|networkerror|network error|load failed|err_connection|econnrefused|fetch failed|cannot reach/i;

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

function innerErrors(err: PlainError): PlainError[] {
  const params = err.parameters;
  const nested = [...(params?.errors ?? []), ...(params?.error ? [params.error] : [])];
  return nested.length ? nested.flatMap((e) => [e, ...innerErrors(e)]) : [];
}

/** Reads what was reported as a PlainError: fields of the wrong type are left out, anything not an object is its text. */
function plainError(reported: unknown): PlainError {
  if (!isRecord(reported)) return { message: String(reported) };
  const name = fieldOf(reported, 'name');
  const message = fieldOf(reported, 'message');
  const parameters = fieldOf(reported, 'parameters');
  const errors = fieldOf(parameters, 'errors');
  const error = fieldOf(parameters, 'error');
  return {
    name: typeof name === 'string' ? name : undefined,
    message: typeof message === 'string' ? message : undefined,
    code: fieldOf(reported, 'code'),
    status: fieldOf(reported, 'status'),
    parameters: {
      errors: Array.isArray(errors) ? errors.map(plainError) : undefined,
      error: error ? plainError(error) : undefined,
    },
  };
}

export function classifySyncError(err: unknown, serverUrl: string): { code: ClientErrorCode | null; message: string } {
  const root = plainError(err);
  const candidates = [...innerErrors(root), root];
  for (const e of candidates) {
    // db/replication.ts reports an unreachable server as OFFLINE.
    if (e.code === 'OFFLINE')
      return { code: 'NETWORK', message: describeError(new RequestError('NETWORK', e.message ?? '', null), serverUrl) };
    if (e.code === 'NETWORK' || e.code === 'NOT_RINGSIDE' || isErrorCode(e.code)) {
      const code: ClientErrorCode = e.code;
      return { code, message: describeError(new RequestError(code, e.message ?? code, null), serverUrl) };
    }
  }
  for (const e of candidates) {
    const text = `${e.name ?? ''} ${e.message ?? ''}`;
    if (NETWORK_MESSAGES.test(text))
      return { code: 'NETWORK', message: describeError(new RequestError('NETWORK', text, null), serverUrl) };
    const named = /\b([A-Z][A-Z_]{3,})\b/.exec(e.message ?? '');
    if (named && isErrorCode(named[1])) {
      return {
        code: named[1],
        message: describeError(new RequestError(named[1], e.message ?? named[1], null), serverUrl),
      };
    }
  }
  const inner = candidates.find((e) => e !== root && e.message)?.message;
  return { code: null, message: `Sync failed: ${inner ?? root.message ?? 'unknown error'}` };
}
