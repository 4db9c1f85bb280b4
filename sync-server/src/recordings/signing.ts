import crypto from 'node:crypto';
import type { Queryable } from '../db';

/**
 * Short-lived signed media URLs. An <audio> element or wavesurfer's fetch cannot send an Authorization header,
 * so the server hands a signed-in member of staff a URL that carries its own proof: an HMAC-SHA256 over what it
 * grants (scope, call, recording, user, expiry) with a secret only the server holds. The secret lives in the
 * database (server_secrets) so every instance behind a load balancer verifies the others' URLs.
 */
export const MEDIA_SCOPES = ['play', 'download'] as const;
export type MediaScope = (typeof MEDIA_SCOPES)[number];

export interface MediaGrant {
  scope: MediaScope;
  callId: string;
  recordingSid: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Reads a named server secret, creating it on first use (race-free across instances). */
export async function serverSecret(q: Queryable, name: string): Promise<Buffer> {
  await q.query(`INSERT INTO server_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
    name,
    crypto.randomBytes(32),
  ]);
  const { rows } = await q.query<{ secret: Uint8Array }>(`SELECT secret FROM server_secrets WHERE name = $1`, [name]);
  return Buffer.from(rows[0].secret);
}

function payload(g: MediaGrant): string {
  return ['ringside-media-v1', g.scope, g.callId, g.recordingSid, g.userId, String(g.exp)].join('\n');
}

export function signGrant(secret: Buffer, grant: MediaGrant): string {
  return crypto.createHmac('sha256', secret).update(payload(grant)).digest('base64url');
}

export type GrantCheck = { ok: true } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * The signature is checked before the expiry, so a forged URL is reported as invalid whatever expiry it
 * claims, and only a genuine URL can be reported as expired.
 */
export function checkGrant(secret: Buffer, grant: MediaGrant, signature: string, nowMs: number): GrantCheck {
  const expected = Buffer.from(signGrant(secret, grant));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return { ok: false, reason: 'invalid' };
  if (grant.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
