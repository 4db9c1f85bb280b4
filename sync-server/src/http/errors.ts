import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorBody } from '../../../shared/errors';

/** An error that crosses the HTTP boundary as `{ error: { code, message, field? } }`. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    status?: number,
  ) {
    super(message);
    this.status = status ?? ERROR_CODES[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** Parses input with a zod schema; the first issue becomes a VALIDATION_FAILED error naming the field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ErrorCode = 'VALIDATION_FAILED',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : undefined;
  throw new ApiError(code, field ? `${field}: ${issue.message}` : issue.message, field);
}

/**
 * PostgreSQL errors (SQLSTATE) that can only come from what the client sent, so they are the client's 400 and
 * not the server's 500. The input layer (http/input.ts, the zod schemas) should catch these first; this is the
 * net under it for a value no validator foresaw.
 *   https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const CLIENT_FAULT_SQLSTATES: Record<string, string> = {
  '22P02': 'a value is not in the form its field takes',
  '22003': 'a number is out of range',
  '22021': 'a value is not valid UTF-8 text',
  '22P05': 'a value contains a character the database cannot store',
  '22001': 'a value is too long',
  '22007': 'a date or time is malformed',
  '22008': 'a date or time is out of range',
  '54000': 'a value is larger than the database can index or store',
};

export function clientFaultFromDatabase(err: unknown): ApiError | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(code in CLIENT_FAULT_SQLSTATES)) return null;
  return new ApiError('VALIDATION_FAILED', CLIENT_FAULT_SQLSTATES[code]);
}
