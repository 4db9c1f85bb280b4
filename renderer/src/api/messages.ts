import type { ClientErrorCode } from './client';
import { RequestError } from './client';

/**
 * What each error means for the person in front of the screen, and what they can do about it.
 * Keyed by the stable codes in shared/errors.ts; the server's own message is shown where it carries
 * specifics (which field, how many minutes).
 */
const MESSAGES: Partial<Record<ClientErrorCode, (e: RequestError, server: string) => string>> = {
  NETWORK: (_e, server) => `Cannot reach the server at ${server}. Check the server address and your connection.`,
  NOT_RINGSIDE: (_e, server) =>
    `The address ${server} does not answer like a Ringside sync server. Check the server address.`,
  INVALID_CREDENTIALS: () => 'The email or password is not right.',
  RATE_LIMITED: (e) => `Too many failed sign-ins: ${e.message.replace(/^too many failed sign-ins;\s*/i, '')}.`,
  UNAUTHENTICATED: () => 'You are not signed in. Sign in again.',
  TOKEN_EXPIRED: () => 'Your session has expired. Sign in again to keep syncing.',
  TOKEN_REVOKED: () => 'Your session was signed out or revoked. Sign in again to keep syncing.',
  FORBIDDEN: () => 'Your account is not allowed to do this.',
  FORBIDDEN_FIELD: (e) => `Your account is not allowed to change ${e.field ?? 'this field'}.`,
  REVIEW_SUBMITTED: () => 'This review was submitted and is final; an admin can reopen it.',
  VALIDATION_FAILED: (e) => `The server refused the input: ${e.message}.`,
  SCHEMA_OUTDATED: () => 'This app is older than the server. Update the app to keep syncing.',
  PAYLOAD_TOO_LARGE: () => 'The change is larger than the server accepts.',
  UNAVAILABLE: () => 'The server is temporarily unavailable. It will be retried.',
  INTERNAL: () => 'The server hit an unexpected error. It has been logged; try again shortly.',
};

export function describeError(err: unknown, server: string): string {
  if (err instanceof RequestError) {
    const describe = MESSAGES[err.code];
    return describe ? describe(err, server) : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Codes that mean the stored session no longer works and the person must sign in again. */
export const SESSION_ENDED_CODES: ReadonlySet<ClientErrorCode> = new Set([
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
]);
