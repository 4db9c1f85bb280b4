import { requestJson } from './client';
import { describeError } from './messages';
import { useSessionStore } from '../state/session';

/**
 * Admin calls to the sync server's analysis routes (sync-server/src/analysis/module.ts), made with the signed-in
 * session. They are server actions, not documents: nothing here is stored on the device.
 */
export function adminRequest<T>(path: string, init: { json?: unknown; method?: 'GET' | 'POST' } = {}): Promise<T> {
  const s = useSessionStore.getState().session;
  if (!s) return Promise.reject(new Error('You are not signed in.'));
  return requestJson<T>(s.serverUrl, path, { token: s.token, ...init });
}

/** The error in people's words, naming the server. */
export function explain(err: unknown): string {
  return describeError(err, useSessionStore.getState().session?.serverUrl ?? 'the server');
}

export interface RerunResult {
  runId: string;
  matched: number;
  enqueued: number;
  dryRun: boolean;
  callIds: string[];
}

/** Transcribe (if needed) and analyse one call again with the configured providers. */
export function retryCallAnalysis(callId: string, retranscribe = false): Promise<RerunResult> {
  return adminRequest<RerunResult>(`/api/analysis/calls/${encodeURIComponent(callId)}/retry`, {
    json: { retranscribe },
  });
}
