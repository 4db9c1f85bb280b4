import crypto from 'node:crypto';
import { type Role } from '../../../shared/roles';
import type { Queryable } from '../db';
import { NewUserInput } from '../../../shared/contracts/auth';
import { ApiError, parseInput } from '../http/errors';
import { hashPassword } from './passwords';
import { announceRevocation } from './revocation';
import type { StaffUser } from '../../../shared/contracts/auth';

/** A staff user as the server hands it on: the contract's StaffUser (shared/contracts/auth.ts), defined once. */
export type AuthUser = StaffUser;

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

export function toAuthUser(row: UserRow): AuthUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: new Date(row.created_at).toISOString(),
    revoked: row.revoked_at !== null,
  };
}

export async function createUser(q: Queryable, input: unknown): Promise<AuthUser> {
  const data = parseInput(NewUserInput, input);
  const existing = await q.query('SELECT 1 FROM users WHERE email = $1', [data.email]);
  if (existing.rows.length) throw new ApiError('CONFLICT', `a user with email ${data.email} exists`, 'email');
  const { rows } = await q.query<UserRow>(
    `INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [
      crypto.randomUUID(),
      data.email,
      data.name ?? data.email.split('@')[0],
      data.role,
      await hashPassword(data.password),
    ],
  );
  return toAuthUser(rows[0]);
}

export async function findUserByEmail(
  q: Queryable,
  email: string,
): Promise<(AuthUser & { passwordHash: string }) | null> {
  const { rows } = await q.query<UserRow>('SELECT * FROM users WHERE email = $1', [email.trim().toLowerCase()]);
  return rows[0] ? { ...toAuthUser(rows[0]), passwordHash: rows[0].password_hash } : null;
}

export async function listUsers(q: Queryable): Promise<AuthUser[]> {
  const { rows } = await q.query<UserRow>('SELECT * FROM users ORDER BY created_at, email');
  return rows.map(toAuthUser);
}

/** Revokes a user and every token they hold. */
export async function revokeUser(q: Queryable, email: string): Promise<AuthUser> {
  const { rows } = await q.query<UserRow>(
    'UPDATE users SET revoked_at = coalesce(revoked_at, now()) WHERE email = $1 RETURNING *',
    [email.trim().toLowerCase()],
  );
  if (!rows[0]) throw new ApiError('NOT_FOUND', `no user with email ${email}`, 'email');
  await q.query('UPDATE auth_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [rows[0].id]);
  // Open live streams end at once, on every instance (delivered when the caller's transaction commits).
  await announceRevocation(q, { user: rows[0].id });
  return toAuthUser(rows[0]);
}

export async function countUsers(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0].n;
}
