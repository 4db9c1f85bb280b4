import { expect } from 'vitest';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { startSandbox, type RunningSandbox } from '../../sync-server/src/twilio-sandbox';
import type { CallDoc, MessageDoc } from '../../shared/schemas';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitUntil } from '../helpers/wait';

/**
 * Ringside's real server wired to the Twilio sandbox, as in production with Twilio: the server holds the
 * sandbox's account SID and auth token, its REST calls go to the sandbox, and the sandbox signs and posts
 * webhooks to the server's public URL.
 */
export interface Telephony {
  server: TestServer;
  sandbox: RunningSandbox;
  apiKey: string;
  admin: string;
  close(): Promise<void>;
}

export async function startTelephony(env: Record<string, string> = {}): Promise<Telephony> {
  const accountSid = `AC${'1'.repeat(32)}`;
  const authToken = 'b'.repeat(32);
  const sandbox = await startSandbox({
    webhookBaseUrl: 'http://127.0.0.1:1',
    accountSid,
    authToken,
    timing: 'virtual',
    numberDefaults: { statusCallback: '/twilio/voice/status' },
  });
  const server = await startTestServer({
    env: {
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_API_BASE_URL: sandbox.url,
      SANDBOX: '1',
      ...env,
    },
  });
  sandbox.setWebhookBaseUrl(server.url);
  const apiKey = (await createApiKey(server.db, 'marketplace')).key;
  const admin = await server.login();
  return {
    server,
    sandbox,
    apiKey,
    admin,
    async close() {
      await sandbox.close();
      await server.close();
    },
  };
}

export async function addNumbers(t: Telephony, numbers: string[]): Promise<void> {
  await addPoolNumbers(t.server.ctx, numbers);
}

export async function api(t: Telephony, path: string, json: unknown, token = t.apiKey, method = 'POST') {
  const res = await t.server.api(path, { method, token, json });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read nested JSON answers freely
  const body = res.status === 204 ? null : ((await res.json()) as Record<string, any>);
  return { status: res.status, body };
}

export async function addAssessor(t: Telephony, externalId: string, name: string, phone: string): Promise<string> {
  const r = await api(t, '/api/assessors', { externalId, name, phone, districts: ['W1'], services: ['boiler'] });
  expect([200, 201]).toContain(r.status);
  return r.body!.assessor.id as string;
}

export interface LeadOut {
  id: string;
  assignments: Array<{
    assessorId: string;
    poolNumber: string;
    extension?: string;
    customerSees: string;
    assessorSees: string;
  }>;
}

export async function addLead(
  t: Telephony,
  externalId: string,
  customer: { name: string; phone: string },
  assessorIds: string[],
): Promise<LeadOut> {
  const r = await api(t, '/api/leads', { externalId, customer, postcode: 'W1D 3QF', service: 'boiler', assessorIds });
  expect(r.status).toBe(201);
  return { id: r.body!.lead.id, assignments: r.body!.assignments };
}

export async function callDoc(t: Telephony, callSid: string): Promise<CallDoc | null> {
  const { rows } = await t.server.db.query<{ doc: CallDoc }>(
    `SELECT doc FROM sync_documents WHERE collection = 'calls' AND id = $1`,
    [callSid],
  );
  return rows[0]?.doc ?? null;
}

export async function messageDocs(t: Telephony): Promise<MessageDoc[]> {
  const { rows } = await t.server.db.query<{ doc: MessageDoc }>(
    `SELECT doc FROM sync_documents WHERE collection = 'messages' ORDER BY seq`,
  );
  return rows.map((r) => r.doc);
}

/** Waits (vi.waitFor, through waitUntil) until a condition holds, with a bound (no sleeps to synchronise). */
export function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return waitUntil(`a condition (bound ${timeoutMs} ms)`, read, ok, { timeout: timeoutMs });
}
