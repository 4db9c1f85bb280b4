import type { Request, Response } from 'express';
import type { Principal, Role } from '../../../shared/roles';
import type { AppContext } from '../context';
import type { AuthUser } from '../auth/users';

/**
 * Every route declares who may use it. `public`: anyone. `twilio`: only requests carrying a valid
 * X-Twilio-Signature (form-encoded body). Otherwise a list of roles; `marketplace` admits API keys.
 * The route table is walked by tests with every role and with no credentials.
 */
export type Access = 'public' | 'twilio' | readonly Principal[];

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RequestAuth {
  principal: Principal;
  /** Present for staff users; absent for API keys. */
  user: AuthUser | null;
  apiKeyId: string | null;
  /** Human label for audit entries: an email or `apikey:<name>`. */
  label: string;
  /** The hash of the session token, for staff signed in with one (live streams end when it is revoked). */
  session?: string;
}

export interface RouteContext {
  ctx: AppContext;
  auth: RequestAuth | null;
  req: Request;
  res: Response;
}

export interface RouteDef {
  method: Method;
  path: string;
  access: Access;
  /** Body format; default json for post/put/patch. `raw` leaves the body unread (uploads, streams). */
  body?: 'json' | 'urlencoded' | 'raw' | 'none';
  /**
   * Also admits a single-use `?ticket=` from POST /api/auth/stream-ticket (an EventSource cannot send the
   * Authorization header; a session token never goes into a URL).
   */
  streamTicket?: boolean;
  /** Short description used in the route table and docs. */
  summary: string;
  handler: (rc: RouteContext) => unknown | Promise<unknown>;
}

export function hasRole(auth: RequestAuth | null, roles: readonly (Role | 'marketplace')[]): boolean {
  return !!auth && roles.includes(auth.principal);
}
