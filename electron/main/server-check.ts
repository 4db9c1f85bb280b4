import { z } from 'zod';
import type { ServerCheck } from '../preload/api';
import { normaliseServerUrl, ServerUrlError } from './settings';

/**
 * Probes a sync server before the person saves its address: the page cannot, because its CSP admits only
 * the server already configured. Answers in words a person can act on.
 */

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string().nullable().optional(),
  sandbox: z.boolean().nullable().optional(),
});

export async function checkServer(
  input: string,
  opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<ServerCheck> {
  let origin: string;
  try {
    origin = normaliseServerUrl(input);
  } catch (err) {
    if (err instanceof ServerUrlError) return { reachable: false, reason: `The address ${err.message}.` };
    throw err;
  }
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${origin}/api/health`, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
  } catch (err) {
    const cause =
      err instanceof Error && err.name === 'TimeoutError' ? 'it did not answer in time' : 'it could not be reached';
    return { reachable: false, reason: `No Ringside server at ${origin}: ${cause}.` };
  }
  const body: unknown = await response.json().catch(() => null);
  const health = HealthSchema.safeParse(body);
  if ((response.status !== 200 && response.status !== 503) || !health.success) {
    return {
      reachable: false,
      reason: `${origin} answered, but not as a Ringside sync server (HTTP ${response.status}).`,
    };
  }
  return {
    reachable: true,
    status: health.data.status,
    version: health.data.version ?? null,
    sandbox: health.data.sandbox ?? null,
  };
}
