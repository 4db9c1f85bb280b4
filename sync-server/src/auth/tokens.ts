import crypto from 'node:crypto';
import type { Queryable } from '../db';
import { ApiError } from '../http/errors';
import type { RequestAuth } from '../http/routes';
import { hashSecret, newSecret } from './passwords';
import { announceRevocation } from './revocation';
import { toAuthUser, type AuthUser } from './users';

export const TOKEN_PREFIX = 'rst_';
export const API_KEY_PREFIX = 'rsk_';

export async function issueToken(
  q: Queryable,
  userId: string,
  ttlHours: number,
): Promise<{ token: string; expiresAt: string }> {
  const token = newSecret(TOKEN_PREFIX);
  const { rows } = await q.query<{ expires_at: Date }>(
    `INSERT INTO auth_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))
     RETURNING expires_at`,
    [hashSecret(token), userId, ttlHours],
  );
  return { token, expiresAt: new Date(rows[0].expires_at).toISOString() };
}

export const STREAM_TICKET_PREFIX = 'rsst_';
/** A stream ticket opens one stream, within this many seconds of being issued. */
export const STREAM_TICKET_TTL_SECONDS = 60;

export async function revokeToken(q: Queryable, token: string): Promise<void> {
  const session = hashSecret(token);
  const res = await q.query('UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    session,
  ]);
  if (res.rowCount > 0) await announceRevocation(q, { session });
}

/**
 * A single-use ticket that opens one live stream for the session that asked for it (an EventSource cannot
 * send an Authorization header, and a session token in a URL is kept by proxies and logs). Stored hashed.
 */
export async function issueStreamTicket(
  q: Queryable,
  auth: RequestAuth,
): Promise<{ ticket: string; expiresAt: string }> {
  if (!auth.user || !auth.session) throw new ApiError('FORBIDDEN', 'stream tickets are for signed-in staff');
  const ticket = newSecret(STREAM_TICKET_PREFIX);
  // Unused tickets are dead weight once expired.
  await q.query('DELETE FROM stream_tickets WHERE expires_at < now()');
  const { rows } = await q.query<{ expires_at: Date }>(
    `INSERT INTO stream_tickets (ticket_hash, user_id, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
    [hashSecret(ticket), auth.user.id, auth.session, STREAM_TICKET_TTL_SECONDS],
  );
  return { ticket, expiresAt: new Date(rows[0].expires_at).toISOString() };
}

/**
 * Takes a stream ticket (deleting it in the same statement, so it opens one stream at most) and resolves it to
 * the session it was issued to, which must still be valid.
 */
export async function redeemStreamTicket(q: Queryable, ticket: string): Promise<RequestAuth> {
  const { rows } = await q.query<{ token_hash: string; expired: boolean }>(
    'DELETE FROM stream_tickets WHERE ticket_hash = $1 RETURNING token_hash, expires_at <= now() AS expired',
    [hashSecret(ticket)],
  );
  if (!rows[0]) throw new ApiError('UNAUTHENTICATED', 'unknown or already used stream ticket');
  if (rows[0].expired) throw new ApiError('TOKEN_EXPIRED', 'this stream ticket has expired; ask for a new one');
  return authenticateSession(q, rows[0].token_hash);
}

/** Resolves a bearer secret (session token or API key) to who is calling, or throws a 401 with the reason. */
export async function authenticate(q: Queryable, secret: string): Promise<RequestAuth> {
  if (secret.startsWith(API_KEY_PREFIX)) {
    const { rows } = await q.query<{ id: string; name: string; revoked_at: Date | null }>(
      'SELECT id, name, revoked_at FROM api_keys WHERE key_hash = $1',
      [hashSecret(secret)],
    );
    const key = rows[0];
    if (!key) throw new ApiError('UNAUTHENTICATED', 'unknown API key');
    if (key.revoked_at) throw new ApiError('TOKEN_REVOKED', 'this API key was revoked');
    return { principal: 'marketplace', user: null, apiKeyId: key.id, label: `apikey:${key.name}` };
  }
  return authenticateSession(q, hashSecret(secret));
}

/** Resolves a session by the hash of its token (as stream tickets and revocations name it). */
export async function authenticateSession(q: Queryable, session: string): Promise<RequestAuth> {
  const { rows } = await q.query<{
    expires_at: Date;
    token_revoked: Date | null;
    id: string;
    email: string;
    name: string;
    role: AuthUser['role'];
    password_hash: string;
    created_at: Date;
    revoked_at: Date | null;
  }>(
    `SELECT t.expires_at, t.revoked_at AS token_revoked, u.*
       FROM auth_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
    [session],
  );
  const row = rows[0];
  if (!row) throw new ApiError('UNAUTHENTICATED', 'unknown or malformed token');
  if (row.token_revoked || row.revoked_at)
    throw new ApiError('TOKEN_REVOKED', 'this session was signed out or revoked');
  if (new Date(row.expires_at).getTime() <= Date.now())
    throw new ApiError('TOKEN_EXPIRED', 'this session has expired; sign in again');
  const user = toAuthUser(row);
  return { principal: user.role, user, apiKeyId: null, label: user.email, session };
}

export async function createApiKey(q: Queryable, name: string): Promise<{ id: string; name: string; key: string }> {
  const key = newSecret(API_KEY_PREFIX);
  const id = crypto.randomUUID();
  await q.query('INSERT INTO api_keys (id, name, key_hash) VALUES ($1, $2, $3)', [id, name, hashSecret(key)]);
  return { id, name, key };
}

export async function listApiKeys(q: Queryable) {
  const { rows } = await q.query<{ id: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at',
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    revoked: !!r.revoked_at,
  }));
}

export async function revokeApiKey(q: Queryable, idOrName: string): Promise<void> {
  const res = await q.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 OR name = $1', [
    idOrName,
  ]);
  if (res.rowCount === 0) throw new ApiError('NOT_FOUND', `no API key ${idOrName}`);
}
