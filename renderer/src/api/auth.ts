import type { Role } from '../../../shared/roles';
import { RequestError, requestJson } from './client';

/** The signed-in staff member, as the server describes them (GET /api/auth/me). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

export interface ServerHealth {
  status: 'ok' | 'degraded';
  version: string;
  sandbox: boolean;
}

export function login(serverUrl: string, email: string, password: string): Promise<LoginResult> {
  return requestJson<LoginResult>(serverUrl, '/api/auth/login', { json: { email, password } });
}

export function logout(serverUrl: string, token: string): Promise<unknown> {
  return requestJson(serverUrl, '/api/auth/logout', { method: 'POST', token });
}

export async function me(serverUrl: string, token: string, signal?: AbortSignal): Promise<SessionUser> {
  return (await requestJson<{ user: SessionUser }>(serverUrl, '/api/auth/me', { token, signal })).user;
}

/** GET /api/health. A degraded server answers 503 with the same body: it is still a Ringside server. */
export async function health(serverUrl: string, signal?: AbortSignal): Promise<ServerHealth> {
  let res: Response;
  try {
    res = await fetch(`${serverUrl}/api/health`, { signal, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new RequestError('NETWORK', `cannot reach ${serverUrl}`, null);
  }
  const body = (await res.json().catch(() => null)) as Partial<ServerHealth> | null;
  if (!body || typeof body.version !== 'string') {
    throw new RequestError('NOT_RINGSIDE', `${serverUrl} did not answer like a Ringside sync server`, res.status);
  }
  return { status: body.status === 'ok' ? 'ok' : 'degraded', version: body.version, sandbox: body.sandbox === true };
}
