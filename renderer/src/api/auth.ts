import {
  login as loginRoute,
  logout as logoutRoute,
  me as meRoute,
  type StaffUser,
} from '../../../shared/contracts/auth';
import type { AnswerOf } from '../../../shared/contracts/define';
import type { HealthReport } from '../../../shared/contracts/health';
import { fieldOf } from '../../../shared/objects';
import { RequestError, callApi } from './client';

/**
 * The signed-in staff member as the app keeps them in its session (GET /api/auth/me answers more: when the
 * account was made, whether it is revoked).
 */
export type SessionUser = Pick<StaffUser, 'id' | 'email' | 'name' | 'role'>;

export type LoginResult = AnswerOf<typeof loginRoute>;

/** What the app reads of GET /api/health. */
export type ServerHealth = Pick<HealthReport, 'status' | 'version' | 'sandbox'>;

export function login(serverUrl: string, email: string, password: string): Promise<LoginResult> {
  return callApi(serverUrl, loginRoute, { body: { email, password } });
}

export function logout(serverUrl: string, token: string): Promise<unknown> {
  return callApi(serverUrl, logoutRoute, {}, { token });
}

/** Null only for a caller that is not a staff member (an API key), which this route refuses anyway. */
export async function me(serverUrl: string, token: string, signal?: AbortSignal): Promise<SessionUser | null> {
  return (await callApi(serverUrl, meRoute, {}, { token, signal })).user;
}

/** GET /api/health. A degraded server answers 503 with the same body: it is still a Ringside server. */
export async function health(serverUrl: string, signal?: AbortSignal): Promise<ServerHealth> {
  let res: Response;
  try {
    res = await fetch(`${serverUrl}/api/health`, { signal, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    if (fieldOf(err, 'name') === 'AbortError') throw err;
    throw new RequestError('NETWORK', `cannot reach ${serverUrl}`, null);
  }
  const body: unknown = await res.json().catch(() => null);
  const version = fieldOf(body, 'version');
  if (typeof version !== 'string') {
    throw new RequestError('NOT_RINGSIDE', `${serverUrl} did not answer like a Ringside sync server`, res.status);
  }
  return {
    status: fieldOf(body, 'status') === 'ok' ? 'ok' : 'degraded',
    version,
    sandbox: fieldOf(body, 'sandbox') === true,
  };
}
