import type { AnswerOf, RouteContract } from '../../../shared/contracts/define';
import { retryCall, type RerunResult } from '../../../shared/contracts/analysis';
import { callApi, requestJson, type ApiInput } from './client';
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

/** One call described by its route contract (shared/contracts), with the signed-in session. */
export function adminApi<C extends RouteContract>(contract: C, input: ApiInput<C>): Promise<AnswerOf<C>> {
  const s = useSessionStore.getState().session;
  if (!s) return Promise.reject(new Error('You are not signed in.'));
  return callApi(s.serverUrl, contract, input, { token: s.token });
}

/** The error in people's words, naming the server. */
export function explain(err: unknown): string {
  return describeError(err, useSessionStore.getState().session?.serverUrl ?? 'the server');
}

export type { RerunResult };

/** Transcribe (if needed) and analyse one call again with the configured providers. */
export function retryCallAnalysis(callId: string, retranscribe = false): Promise<RerunResult> {
  return adminApi(retryCall, { params: { callId }, body: { retranscribe } });
}
