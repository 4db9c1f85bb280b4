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
