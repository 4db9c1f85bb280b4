import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallDoc, LeadDoc, MessageDoc } from '../../shared/schemas';
import { createApiKey } from '../../sync-server/src/auth/tokens';
import { openPostgres, type Database, type Queryable } from '../../sync-server/src/db';
import { refreshLeadQualityAfterCall, refreshLeadQualityAfterMessage } from '../../sync-server/src/leads/quality';
import { addPoolNumbers } from '../../sync-server/src/pool/store';
import { lockCollection, putDocument } from '../../sync-server/src/replication/store';
import { makeCall } from '../helpers/docs';
import { probePostgres, type TestPostgresDatabase } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';
import { waitUntil } from '../helpers/wait';

/**
 * Lead quality under concurrent writers on PostgreSQL (READ COMMITTED, several connections): a call and a text
 * of the same lead committed by two transactions at the same time must both count. The leads counter lock is
 * taken before anything is read (sync-server/src/leads/quality.ts), so the second transaction waits and then
 * reads the first one's call; reading first would compute from a stale view and overwrite the first grade.
 */
const pgTest = await probePostgres('lead quality on PostgreSQL');

describe.skipIf(!pgTest.available)('lead quality on PostgreSQL', () => {
  let database: TestPostgresDatabase;
  let db: Database;
  let server: TestServer;
  let lead: { id: string; assignments: Array<{ assessorId: string; poolNumber: string }> };
  let sessions: Array<{ id: string; assessor_id: string }>;

  beforeAll(async () => {
    database = await pgTest.create();
    db = await openPostgres(database.url, { max: 10 });
    server = await startTestServer({ db });
    await addPoolNumbers(server.ctx, ['+447700900871', '+447700900872']);
    const key = (await createApiKey(db, 'marketplace')).key;
    const post = async (
      path: string,
      json: unknown,
    ): Promise<{
      assessor: { id: string };
      lead: { id: string };
      assignments: Array<{ assessorId: string; poolNumber: string }>;
    }> => {
      const res = await server.api(path, { method: 'POST', token: key, json });
      expect(res.status).toBe(201);
      return await res.json();
    };
    const a = (
      await post('/api/assessors', {
        externalId: 'pg-a',
        name: 'Dan Price',
        phone: '+447700900221',
        districts: ['W1'],
        services: ['boiler'],
      })
    ).assessor.id;
    const created = await post('/api/leads', {
      externalId: 'pg-lead',
      customer: { name: 'Jane Doe', phone: '+447700900321' },
      postcode: 'W1D 3QF',
      service: 'boiler',
      assessorIds: [a],
    });
    lead = { id: created.lead.id, assignments: created.assignments };
    sessions = (
      await db.query<{ id: string; assessor_id: string }>(
        'SELECT id, assessor_id FROM pool_sessions WHERE lead_id = $1',
        [lead.id],
      )
    ).rows;
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    await database?.drop();
  });

  /** What telephony writes when a customer's call ends: the row with its session, then the final document. */
  async function writeCall(tx: Queryable, sid: string): Promise<void> {
    const session = sessions[0];
    await tx.query(
      `INSERT INTO calls (call_sid, session_id, from_phone, to_number, created_at) VALUES ($1, $2, '+447700900321', $3, $4)`,
      [sid, session.id, lead.assignments[0].poolNumber, Date.now()],
    );
    await lockCollection(tx, 'calls');
    const doc: CallDoc = makeCall({
      id: sid,
      leadId: lead.id,
      assessorId: session.assessor_id,
      direction: 'customer_to_assessor',
      // The callback that gives the call its outcome is the one that grades the lead.
      status: 'completed',
      answeredAt: Date.now(),
      talkSeconds: 30,
      connected: true,
    });
    await putDocument(tx, 'calls', doc, Date.now());
    await refreshLeadQualityAfterCall(tx, null, doc, Date.now());
  }

  /** What telephony writes for the customer's text (SMS webhook). */
  async function writeText(tx: Queryable, sid: string): Promise<void> {
    const session = sessions[0];
    await tx.query(
      `INSERT INTO messages (id, session_id, from_phone, to_number, direction, body, status, received_at) VALUES ($1, $2, '+447700900321', $3, 'customer_to_assessor', 'Hello', 'received', $4)`,
      [sid, session.id, lead.assignments[0].poolNumber, Date.now()],
    );
    await lockCollection(tx, 'messages');
    const doc: MessageDoc = {
      id: sid,
      updatedAt: 0,
      leadId: lead.id,
      assessorId: session.assessor_id,
      direction: 'customer_to_assessor',
      poolNumber: lead.assignments[0].poolNumber,
      body: 'Hello',
      mediaCount: 0,
      status: 'received',
      sentAt: Date.now(),
      sandbox: false,
    };
    await putDocument(tx, 'messages', doc, Date.now());
    await refreshLeadQualityAfterMessage(tx, null, doc, Date.now());
  }

  it('a call and a text of one lead committed at the same time both count in its quality', async () => {
    let releaseCall!: () => void;
    const callHeld = new Promise<void>((resolve) => (releaseCall = resolve));
    let callWritten!: () => void;
    const callReady = new Promise<void>((resolve) => (callWritten = resolve));
    // The call's transaction recomputes the lead's quality, then stays open.
    const callTx = db.transaction(async (tx) => {
      await writeCall(tx, 'CApgrace00000000000000000000000001');
      callWritten();
      await callHeld;
    });
    await callReady;
    // The text's transaction starts meanwhile; it must wait for the leads lock rather than read a stale view.
    let textDone = false;
    const textTx = db
      .transaction((tx) => writeText(tx, 'SMpgrace00000000000000000000000001'))
      .then(() => {
        textDone = true;
      });
    // Bounded wait until PostgreSQL reports the text's transaction waiting on a lock.
    await waitUntil(
      'the text transaction to wait for a lock',
      async () =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0].n,
      (n) => n > 0,
    );
    expect(textDone).toBe(false);
    releaseCall();
    await Promise.all([callTx, textTx]);
    const { rows } = await db.query<{ doc: LeadDoc }>(
      `SELECT doc FROM sync_documents WHERE collection = 'leads' AND id = $1`,
      [lead.id],
    );
    expect(rows[0].doc.quality).toEqual({
      grade: 'warm',
      evidence: ['customer called 1 assessor', 'customer sent 1 text(s)'],
    });
  });
});
