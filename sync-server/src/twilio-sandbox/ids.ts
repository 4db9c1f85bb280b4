import crypto from 'node:crypto';

/**
 * Twilio resource identifiers: a two-letter type prefix and 32 lower-case hex digits
 * (https://www.twilio.com/docs/glossary/what-is-a-sid). The prefixes the sandbox hands out:
 * AC account, CA call, RE recording, SM/MM message, ME media, PN phone number.
 */
export type SidPrefix = 'AC' | 'CA' | 'RE' | 'SM' | 'MM' | 'ME' | 'PN';

export function newSid(prefix: SidPrefix): string {
  return prefix + crypto.randomBytes(16).toString('hex');
}

export function isSid(prefix: SidPrefix, value: string): boolean {
  return new RegExp(`^${prefix}[0-9a-f]{32}$`).test(value);
}

/** A 32-hex-digit auth token, the shape of Twilio's. */
export function newAuthToken(): string {
  return crypto.randomBytes(16).toString('hex');
}
