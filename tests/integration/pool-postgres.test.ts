import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POOL_POLICY, findRoutingConflicts } from '../../shared/pool';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { openPostgres, type Database } from '../../sync-server/src/db';
import { migrate } from '../../sync-server/src/db/migrate';
import { addPoolNumbers, SESSION_COLUMNS, toPoolSession, type SessionRow } from '../../sync-server/src/pool/store';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The pool and the voice webhook on PostgreSQL with two server instances on one database: concurrent
 * allocations are serialised (advisory lock), so a customer never gets one number twice; concurrent calls
 * into both instances are all logged once.
 */
const pgTest = await probePostgres('telephony on PostgreSQL');

describe.skipIf(!pgTest.available)('telephony on PostgreSQL, two instances', () => {
  let database: TestPostgresDatabase;
  let dbA: Database;
  let dbB: Database;
  let a: TestServer;
  let b: TestServer;
  let key: string;
  const token = 'd'.repeat(32);
  const env = { TWILIO_ACCOUNT_SID: `AC${'3'.repeat(32)}`, TWILIO_AUTH_TOKEN: token };

  beforeAll(async () => {
    database = await pgTest.create();
    dbA = await openPostgres(database.url, { max: 10 });
    await migrate(dbA);
    dbB = await openPostgres(database.url, { max: 10 });
    a = await startTestServer({ db: dbA, env });
    b = await startTestServer({ db: dbB, env });
    key = (await createApiKey(dbA, 'pg')).key;
    await addPoolNumbers(
      a.ctx,
      Array.from({ length: 24 }, (_, i) => `+4477009008${String(40 + i)}`),
    );
    for (let i = 0; i < 20; i++) {
      const res = await a.api('/api/assessors', {
        method: 'POST',
        token: key,
        json: { externalId: `pg-asr-${i}`, name: `A${i}`, phone: `+4420794603${String(i).padStart(2, '0')}` },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dbA?.close();
    await dbB?.close();
    await database?.drop();
  });

  it('twenty leads for one customer arriving at once on two instances get twenty different numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b)
          .api('/api/leads', {
            method: 'POST',
            token: key,
            json: {
              externalId: `pg-lead-${i}`,
              customer: { name: 'Same Person', phone: '+447700900191' },
              postcode: 'N1 9GU',
              service: 'boiler',
              assessorIds: [`pg-asr-${i}`],
            },
          })
          .then(async (r) => ({
            status: r.status,
            body: (await r.json()) as { assignments: Array<{ poolNumber: string }> },
          })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const numbers = results.map((r) => r.body.assignments[0].poolNumber);
    expect(new Set(numbers).size).toBe(20);
    const { rows } = await dbA.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM pool_sessions`);
    expect(findRoutingConflicts(rows.map(toPoolSession), Date.now(), DEFAULT_POOL_POLICY)).toEqual([]);
  });

  it('calls into both instances at once are each logged once with their document', async () => {
    const { rows } = await dbA.query<{ customer_phone: string; pool_number: string }>(
      'SELECT customer_phone, pool_number FROM pool_sessions',
    );
    const sends = rows.flatMap((s, i) =>
      [0, 1].map((k) => {
        const server = (i + k) % 2 ? a : b;
        const params = {
          CallSid: `CA${String(i * 2 + k).padStart(32, '0')}`,
          From: s.customer_phone,
          To: s.pool_number,
        };
        const url = `${server.url}/twilio/voice`;
        return fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params),
          },
          body: new URLSearchParams(params),
        }).then(async (r) => ({ status: r.status, text: await r.text() }));
      }),
    );
    const answers = await Promise.all(sends);
    expect(answers.every((r) => r.status === 200 && r.text.includes('<Dial'))).toBe(true);
    const counts = await dbA.query<{ calls: number; docs: number; routed: number }>(
      `SELECT (SELECT count(*)::int FROM calls) AS calls,
              (SELECT count(*)::int FROM sync_documents WHERE collection = 'calls' AND doc->>'leadId' IS NOT NULL) AS docs,
              (SELECT count(*)::int FROM call_events WHERE key = 'routed') AS routed`,
    );
    expect(counts.rows[0]).toEqual({ calls: 40, docs: 40, routed: 40 });
  });
});
