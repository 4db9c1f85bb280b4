import type { Response } from 'express';
import * as contract from '../../../shared/contracts/auth';
import { audit, listAudit } from '../audit/log';
import { ApiError } from '../http/errors';
import { route, type RouteDef } from '../http/routes';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords';
import { admitSignInAttempt, RateLimited } from './throttle';
import { issueStreamTicket, issueToken, revokeToken } from './tokens';
import { createUser, findUserByEmail, listUsers, revokeUser } from './users';

/** Answers that carry a token or another secret must not be kept by the browser or any cache between. */
function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}

export function authRoutes(): RouteDef[] {
  return [
    route(contract.login, async ({ ctx, req, res, body: { email, password } }) => {
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
    }),
    route(contract.logout, async ({ ctx, req }) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      await revokeToken(ctx.db, token);
      return { ok: true };
    }),
    route(contract.streamTicket, async ({ ctx, auth, res }) => {
      const ticket = await issueStreamTicket(ctx.db, auth);
      noStore(res);
      return ticket;
    }),
    route(contract.me, ({ auth }) => ({ user: auth.user })),
    route(contract.listUsers, async ({ ctx }) => ({ users: await listUsers(ctx.db) })),
    route(contract.createUser, async ({ ctx, body, res, auth }) => {
      const user = await ctx.db.transaction(async (tx) => {
        const created = await createUser(tx, body);
        await audit(tx, auth, {
          action: 'user.create',
          subjectType: 'user',
          subjectId: created.id,
          detail: { role: created.role },
        });
        return created;
      });
      res.status(201);
      return { user };
    }),
    route(contract.revokeUser, async ({ ctx, body: { email }, auth }) => {
      const user = await ctx.db.transaction(async (tx) => {
        const revoked = await revokeUser(tx, email);
        await audit(tx, auth, { action: 'user.revoke', subjectType: 'user', subjectId: revoked.id });
        return revoked;
      });
      return { user };
    }),
    route(contract.listAudit, async ({ ctx, query }) => ({ entries: await listAudit(ctx.db, query) })),
  ];
}
