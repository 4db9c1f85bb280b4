import { ApiError } from '../http/errors';

/**
 * A job number from a path parameter. `jobs.id` is a bigint; `Number("99999999999999999999")` is an integer to
 * JavaScript but out of bigint's range, and reached SQL as a 500. Only decimal digits, and only up to the
 * largest id JavaScript holds exactly (far below bigint's limit).
 */
export function parseJobId(raw: unknown): number {
  const text = typeof raw === 'string' ? raw : '';
  const id = /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new ApiError('VALIDATION_FAILED', 'id: a job number', 'id');
  return id;
}
