import querystring from 'node:querystring';
import twilio from 'twilio';
import { isCollectionName, type CollectionName } from '../../shared/schemas';
import type { Database } from '../../sync-server/src/db';
import { createDocumentValidator } from '../../sync-server/src/replication/validate';
import type { Telephony } from './voice-setup';

/**
 * Webhooks as Twilio (or anyone holding the auth token) sends them: a form body signed with the real twilio
 * package's signature helper over the parameters exactly as the server's parser reads them, so repeated keys
 * and odd values still carry a valid signature.
 */
export interface WebhookAnswer {
  status: number;
  code: string | null;
  text: string;
}

export async function postSigned(t: Telephony, path: string, body: string): Promise<WebhookAnswer> {
  const url = t.server.url + path;
  const params = querystring.parse(body, '&', '=', { maxKeys: 0 }) as Record<string, string | string[]>;
  const signature = twilio.getExpectedTwilioSignature(
    t.server.ctx.config.twilio!.authToken,
    t.server.ctx.config.publicBaseUrl + path,
    params,
  );
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body,
  });
  const text = await res.text();
  let code: string | null = null;
  if ((res.headers.get('content-type') ?? '').includes('application/json'))
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
  return { status: res.status, code, text };
}

/** A form body from parameters, in order (URLSearchParams encoding, as Twilio's). */
export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

/** A SID of Twilio's shape (two letters, 32 hex digits) from a number, so tests can name their calls. */
export const sidOf = (prefix: 'CA' | 'SM' | 'RE', n: number): string => prefix + n.toString(16).padStart(32, '0');

/** Row counts of everything a webhook may write. */
export async function writtenCounts(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM calls) AS calls, (SELECT count(*)::int FROM call_events) AS call_events,
            (SELECT count(*)::int FROM messages) AS messages, (SELECT count(*)::int FROM sync_documents) AS documents,
            (SELECT count(*)::int FROM jobs) AS jobs, (SELECT count(*)::int FROM pending_call_events) AS pending`,
  );
  return rows[0];
}

/** Every stored document that its collection's schema (the one the app's RxDB uses) refuses. */
export async function invalidDocuments(
  db: Database,
): Promise<Array<{ collection: string; id: string; problem: string }>> {
  const validator = createDocumentValidator();
  const { rows } = await db.query<{ collection: CollectionName; id: string; doc: unknown }>(
    'SELECT collection, id, doc FROM sync_documents',
  );
  return rows.flatMap((r) => {
    if (!isCollectionName(r.collection)) return [{ collection: r.collection, id: r.id, problem: 'no such collection' }];
    const problem = validator.validate(r.collection, r.doc);
    return problem ? [{ collection: r.collection, id: r.id, problem: `${problem.field} ${problem.message}` }] : [];
  });
}
