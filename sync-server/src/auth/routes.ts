import type { Response } from 'express';
import { z } from 'zod';
import { audit, listAudit } from '../audit/log';
import { ApiError, parseInput } from '../http/errors';
import type { RouteDef } from '../http/routes';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords';
import { admitSignInAttempt, RateLimited } from './throttle';
import { issueStreamTicket, issueToken, revokeToken } from './tokens';
import { createUser, findUserByEmail, listUsers, revokeUser } from './users';

const LoginInput = z.object({
  email: z.string().trim().toLowerCase().min(3).max(200),
  password: z.string().min(1).max(200),
});

/** Answers that carry a token or another secret must not be kept by the browser or any cache between. */
function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}

export function authRoutes(): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/auth/login',
      access: 'public',
      summary: 'Sign in with email and password; returns a bearer token',
      async handler({ ctx, req, res }) {
        const { email, password } = parseInput(LoginInput, req.body);
        const ip = req.ip ?? 'unknown';
        // Counted before the password is checked (throttle.ts): parallel guesses cannot overtake the count.
        let attempt;
        try {
          attempt = await admitSignInAttempt(
            ctx.db,
            { email, address: ip },
            { maxFailures: ctx.config.LOGIN_MAX_FAILURES, windowMinutes: ctx.config.LOGIN_WINDOW_MINUTES },
          );
        } catch (err) {
          if (err instanceof RateLimited) res.setHeader('Retry-After', String(err.retryAfterSeconds));
          throw err;
        }
        if (attempt.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
        const found = await findUserByEmail(ctx.db, email);
        const user = found && !found.revoked ? found : null;
        // One path for every email: scrypt runs against a dummy hash when there is no (usable) account, so the
        // time of the answer does not tell which emails have accounts.
        const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
        await attempt.settle(matches && user !== null);
        if (!matches || !user) throw new ApiError('INVALID_CREDENTIALS', 'email or password is wrong');
        const { token, expiresAt } = await issueToken(ctx.db, user.id, ctx.config.TOKEN_TTL_HOURS);
        await audit(
          ctx.db,
          { label: user.email, user: null },
          { action: 'auth.login', subjectType: 'user', subjectId: user.id, ip },
        );
        const { passwordHash: _omit, ...publicUser } = user;
        noStore(res);
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
      method: 'post',
      path: '/api/auth/stream-ticket',
      access: ['admin', 'reviewer', 'author'],
      body: 'none',
      summary: 'A single-use ticket (60 s) that opens one live stream: `/sync/stream?…&ticket=`',
      async handler({ ctx, auth, res }) {
        const ticket = await issueStreamTicket(ctx.db, auth!);
        noStore(res);
        return ticket;
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
