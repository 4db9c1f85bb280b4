/**
 * Stable error codes shared by the server (HTTP answers) and the app (messages shown to people).
 * Every 4xx/5xx body is `{ error: { code, message, field? } }`.
 */
export const ERROR_CODES = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  /** A Twilio webhook (form or query) with a parameter given more than once: never sent by Twilio. */
  DUPLICATE_PARAMETER: 400,
  /** A signed Twilio webhook whose parameters are not what Twilio sends (SID format, E.164, lengths). */
  INVALID_WEBHOOK: 400,
  INVALID_PHONE: 400,
  INVALID_POSTCODE: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  FORBIDDEN_FIELD: 403,
  /** A push that would change, reopen or delete a submitted review without the right (sync policy REVIEW_LIFECYCLE). */
  REVIEW_SUBMITTED: 403,
  INVALID_SIGNATURE: 403,
  /** A signed media URL whose signature does not verify (forged, altered, or for another user or call). */
  MEDIA_URL_INVALID: 403,
  /** A genuine signed media URL past its expiry: ask for a new one. */
  MEDIA_URL_EXPIRED: 403,
  NOT_FOUND: 404,
  /** The call has no stored recording (none yet, failed, or removed by retention or erasure). */
  RECORDING_UNAVAILABLE: 404,
  UNKNOWN_COLLECTION: 404,
  UNKNOWN_ASSESSOR: 404,
  /** Erasure by phone number: no lead, call, text or job has that number (nothing was changed). */
  UNKNOWN_PHONE: 404,
  /** Erasure or export by lead: no lead has that id (nothing was changed). */
  UNKNOWN_LEAD: 404,
  CONFLICT: 409,
  DUPLICATE_ASSIGNMENT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A form body with more parameters than the server reads (1,000). */
  TOO_MANY_PARAMETERS: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  SCHEMA_OUTDATED: 426,
  RATE_LIMITED: 429,
  POOL_EXHAUSTED: 503,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const err = (value as { error?: unknown }).error;
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}
