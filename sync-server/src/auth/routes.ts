import { z } from 'zod';
import { audit, listAudit } from '../audit/log';
import { ApiError, parseInput } from '../http/errors';
import type { RouteDef } from '../http/routes';
import { verifyPassword } from './passwords';
import { issueToken, revokeToken } from './tokens';
import { createUser, findUserByEmail, listUsers, revokeUser } from './users';

const LoginInput = z.object({
  email: z.string().trim().toLowerCase().min(3).max(200),
  password: z.string().min(1).max(200),
});

export function authRoutes(): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/auth/login',
      access: 'public',
      summary: 'Sign in with email and password; returns a bearer token',
      async handler({ ctx, req }) {
        const { email, password } = parseInput(LoginInput, req.body);
        const ip = req.ip ?? 'unknown';
        const windowMin = ctx.config.LOGIN_WINDOW_MINUTES;
        const { rows } = await ctx.db.query<{ by_email: number; by_ip: number }>(
          `SELECT count(*) FILTER (WHERE email = $1)::int AS by_email, count(*) FILTER (WHERE ip = $2)::int AS by_ip
             FROM login_failures WHERE at > now() - make_interval(mins => $3) AND (email = $1 OR ip = $2)`,
          [email, ip, windowMin],
        );
        const max = ctx.config.LOGIN_MAX_FAILURES;
        // The IP limit is wider so that an office behind one address is not locked out by one person.
        if (rows[0].by_email >= max || rows[0].by_ip >= max * 4) {
          throw new ApiError('RATE_LIMITED', `too many failed sign-ins; try again in ${windowMin} minutes`);
        }
        const user = await findUserByEmail(ctx.db, email);
        const ok = user && !user.revoked && (await verifyPassword(password, user.passwordHash));
        if (!ok || !user) {
          await ctx.db.query('INSERT INTO login_failures (email, ip) VALUES ($1, $2)', [email, ip]);
          throw new ApiError('INVALID_CREDENTIALS', 'email or password is wrong');
        }
        const { token, expiresAt } = await issueToken(ctx.db, user.id, ctx.config.TOKEN_TTL_HOURS);
        await audit(
          ctx.db,
          { label: user.email, user: null },
          { action: 'auth.login', subjectType: 'user', subjectId: user.id, ip },
        );
        const { passwordHash: _omit, ...publicUser } = user;
        return { token, expiresAt, user: publicUser };
      },
    },
    {
      method: 'post',
      path: '/api/auth/logout',
      access: ['admin', 'reviewer', 'author'],
      body: 'none',
      summary: 'Revoke the token used for this request',
      async handler({ ctx, req }) {
        const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
        await revokeToken(ctx.db, token);
        return { ok: true };
      },
    },
    {
      method: 'get',
      path: '/api/auth/me',
      access: ['admin', 'reviewer', 'author'],
      summary: 'The signed-in user',
      handler: ({ auth }) => ({ user: auth!.user }),
    },
    {
      method: 'get',
      path: '/api/users',
      access: ['admin'],
      summary: 'List staff accounts',
      handler: async ({ ctx }) => ({ users: await listUsers(ctx.db) }),
    },
    {
      method: 'post',
      path: '/api/users',
      access: ['admin'],
      summary: 'Create a staff account',
      async handler({ ctx, req, res, auth }) {
        const user = await ctx.db.transaction(async (tx) => {
          const created = await createUser(tx, req.body);
          await audit(tx, auth!, {
            action: 'user.create',
            subjectType: 'user',
            subjectId: created.id,
            detail: { role: created.role },
          });
          return created;
        });
        res.status(201);
        return { user };
      },
    },
    {
      method: 'post',
      path: '/api/users/revoke',
      access: ['admin'],
      summary: 'Revoke a staff account and all its sessions',
      async handler({ ctx, req, auth }) {
        const { email } = parseInput(z.object({ email: z.string().email() }), req.body);
        const user = await ctx.db.transaction(async (tx) => {
          const revoked = await revokeUser(tx, email);
          await audit(tx, auth!, { action: 'user.revoke', subjectType: 'user', subjectId: revoked.id });
          return revoked;
        });
        return { user };
      },
    },
    {
      method: 'get',
      path: '/api/audit',
      access: ['admin'],
      summary: 'Browse the audit trail (listens, exports, erasures, decisions)',
      async handler({ ctx, req }) {
        const query = parseInput(
          z.object({
            action: z.string().max(100).optional(),
            subjectId: z.string().max(200).optional(),
            actor: z.string().max(200).optional(),
            before: z.coerce.number().int().positive().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          req.query,
        );
        return { entries: await listAudit(ctx.db, query) };
      },
    },
  ];
}
