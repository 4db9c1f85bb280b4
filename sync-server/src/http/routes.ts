import type { Request, Response } from 'express';
import type { z } from 'zod';
import type {
  Access,
  BodyFormat,
  BodyOf,
  Method,
  ParamsOf,
  QueryOf,
  ResponseOf,
  RouteContract,
} from '../../../shared/contracts/define';
import type { Principal, Role } from '../../../shared/roles';
import type { AppContext } from '../context';
import type { StaffUser } from '../../../shared/contracts/auth';
import { ApiError, parseInput } from './errors';

export type { Access, Method } from '../../../shared/contracts/define';

export interface RequestAuth {
  principal: Principal;
  /** Present for staff users; absent for API keys. */
  user: StaffUser | null;
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

/**
 * One entry of the server's route table, as app.ts mounts it and the route-walking tests read it. Build it with
 * `route(contract, handler)`: method, path, access and body format come from the contract (shared/contracts).
 */
export interface RouteDef {
  method: Method;
  path: string;
  access: Access;
  /** Body format; default json for post/put/patch. `raw` leaves the body unread (uploads, streams). */
  body?: BodyFormat;
  streamTicket?: boolean;
  summary: string;
  contract: RouteContract;
  /** Parses the input with the contract and runs the typed handler; what it returns is sent as JSON. */
  handler: (rc: RouteContext) => Promise<unknown>;
}

/** Signed-in routes always have a caller; public and webhook routes may not. */
type AuthFor<C extends RouteContract> = C['access'] extends readonly Principal[] ? RequestAuth : RequestAuth | null;

/** What a typed handler receives: the request context plus the parsed, typed input. */
export type TypedRouteContext<C extends RouteContract> = Omit<RouteContext, 'auth'> & {
  auth: AuthFor<C>;
  params: ParamsOf<C>;
  query: QueryOf<C>;
  body: BodyOf<C>;
};

export type Handler<C extends RouteContract> = (rc: TypedRouteContext<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;

/** The contract's schema for one input part, or undefined when the route takes none. */
function parsePart<S extends z.ZodType | undefined>(
  schema: S,
  value: unknown,
): S extends z.ZodType ? z.output<S> : undefined;
function parsePart(schema: z.ZodType | undefined, value: unknown): unknown {
  return schema ? parseInput(schema, value) : undefined;
}

function hasCaller<C extends RouteContract>(contract: C, auth: RequestAuth | null): auth is AuthFor<C> & RequestAuth {
  return auth !== null || contract.access === 'public' || contract.access === 'twilio';
}

/**
 * A route from its contract and a handler typed by it: the handler gets parsed params, query and body, and must
 * return the contract's response (a wrong shape fails typecheck). Invalid input is refused with the usual
 * VALIDATION_FAILED naming the field, after the access check (so the unauthenticated learn nothing of the shape).
 * With VALIDATE_RESPONSES on (the test servers), the answer is also checked against the contract at run time.
 */
export function route<C extends RouteContract>(contract: C, handler: NoInfer<Handler<C>>): RouteDef {
  return {
    method: contract.method,
    path: contract.path,
    access: contract.access,
    body: contract.bodyFormat,
    streamTicket: contract.streamTicket,
    summary: contract.summary,
    contract,
    async handler({ ctx, auth, req, res }) {
      if (!hasCaller(contract, auth)) throw new ApiError('UNAUTHENTICATED', 'sign in first');
      const params = parsePart(contract.params, req.params);
      const query = parsePart(contract.query, req.query);
      const body = parsePart(contract.body, req.body ?? {});
      // The one cast of the seam: TypeScript cannot resolve the contract's conditional input types for a
      // generic C, but each part was just parsed with exactly the schema those types are inferred from.
      const input = { ctx, auth, req, res, params, query, body } as TypedRouteContext<C>;
      const result = await handler(input);
      if (ctx.config.VALIDATE_RESPONSES && contract.response && !res.headersSent) {
        checkResponse(contract, result);
      }
      return result;
    },
  };
}

/** A response that breaks its contract is the server's fault; in tests it fails the request that caused it. */
function checkResponse(contract: RouteContract, result: unknown): void {
  const checked = contract.response?.safeParse(JSON.parse(JSON.stringify(result ?? null)));
  if (!checked || checked.success) return;
  const issue = checked.error.issues[0];
  throw new ApiError(
    'INTERNAL',
    `${contract.method.toUpperCase()} ${contract.path} answered outside its contract: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
}

export function hasRole(auth: RequestAuth | null, roles: readonly (Role | 'marketplace')[]): boolean {
  return !!auth && roles.includes(auth.principal);
}
