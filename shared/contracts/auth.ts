import { z } from 'zod';
import { ROLES } from '../roles';
import { IsoTime, Ok } from './common';
import { defineRoute } from './define';

const STAFF = ['admin', 'reviewer', 'author'] as const;

export const StaffUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: IsoTime,
  revoked: z.boolean(),
});
export type StaffUser = z.infer<typeof StaffUser>;

export const LoginInput = z.object({
  email: z.string().trim().toLowerCase().min(3).max(200),
  password: z.string().min(1).max(200),
});

export const NewUserInput = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address'),
  password: z.string().min(12, 'must be at least 12 characters').max(200),
  role: z.enum(ROLES),
  name: z.string().trim().min(1).max(100).optional(),
});
export type NewUserInput = z.infer<typeof NewUserInput>;

export const login = defineRoute({
  method: 'post',
  path: '/api/auth/login',
  access: 'public',
  summary: 'Sign in with email and password; returns a bearer token',
  body: LoginInput,
  response: z.object({ token: z.string(), expiresAt: IsoTime, user: StaffUser }),
  errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'],
});

export const logout = defineRoute({
  method: 'post',
  path: '/api/auth/logout',
  access: STAFF,
  bodyFormat: 'none',
  summary: 'Revoke the token used for this request',
  response: Ok,
});

export const StreamTicket = z.object({ ticket: z.string(), expiresAt: IsoTime });

export const streamTicket = defineRoute({
  method: 'post',
  path: '/api/auth/stream-ticket',
  access: STAFF,
  bodyFormat: 'none',
  summary: 'A single-use ticket (60 s) that opens one live stream: `/sync/stream?…&ticket=`',
  response: StreamTicket,
});

export const me = defineRoute({
  method: 'get',
  path: '/api/auth/me',
  access: STAFF,
  summary: 'The signed-in user',
  response: z.object({ user: StaffUser.nullable() }),
});

export const listUsers = defineRoute({
  method: 'get',
  path: '/api/users',
  access: ['admin'],
  summary: 'List staff accounts',
  response: z.object({ users: z.array(StaffUser) }),
});

export const createUser = defineRoute({
  method: 'post',
  path: '/api/users',
  access: ['admin'],
  summary: 'Create a staff account',
  body: NewUserInput,
  response: z.object({ user: StaffUser }),
  status: [201],
  errors: ['CONFLICT'],
});

export const revokeUser = defineRoute({
  method: 'post',
  path: '/api/users/revoke',
  access: ['admin'],
  summary: 'Revoke a staff account and all its sessions',
  body: z.object({ email: z.string().email() }),
  response: z.object({ user: StaffUser }),
  errors: ['NOT_FOUND'],
});

export const AuditRow = z.object({
  id: z.number(),
  at: IsoTime,
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditRow = z.infer<typeof AuditRow>;

export const listAudit = defineRoute({
  method: 'get',
  path: '/api/audit',
  access: ['admin'],
  summary: 'Browse the audit trail (listens, exports, erasures, decisions)',
  query: z.object({
    action: z.string().max(100).optional(),
    subjectId: z.string().max(200).optional(),
    actor: z.string().max(200).optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  response: z.object({ entries: z.array(AuditRow) }),
});
