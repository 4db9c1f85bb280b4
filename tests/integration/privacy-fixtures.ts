import crypto from 'node:crypto';
import type { ClipDoc, CourseDoc, InsightDoc, MessageDoc } from '../../shared/schemas';
import type { Queryable } from '../../sync-server/src/db';
import { writeAssessorDocs } from '../../sync-server/src/assessors/docs';
import { writeLeadDocs } from '../../sync-server/src/leads/docs';
import { putDocuments } from '../../sync-server/src/replication/store';
import { reviewDoc } from '../helpers/sync-docs';
import { ingestCall, type FakeTwilio, type MediaTestServer } from './recordings-fixtures';

/**
 * People on the line for the privacy tests (issue 16), as telephony's webhooks, the recordings pipeline and the
 * analysis leave them: assessors with their own numbers, customers with leads, and for each lead × assessor a
 * session, two recorded calls (one each way), a text each way, a transcript per call naming the customer and
 * quoting the assessor's number, a review with notes, and a clip of the first call in a course.
 */
export interface SeededAssessor {
  id: string;
  phone: string;
  name: string;
}

export interface SeededContact {
  leadId: string;
  assessorId: string;
  sessionId: string;
  customerPhone: string;
  calls: Array<{ callId: string; recordingSid: string }>;
  messageIds: string[];
  clipId: string;
}

const T = () => Date.now();

export async function seedAssessor(server: MediaTestServer, name: string, phone: string): Promise<SeededAssessor> {
  const id = `as-${crypto.randomBytes(4).toString('hex')}`;
  await server.db.transaction(async (tx: Queryable) => {
    await tx.query(
      `INSERT INTO assessors (id, external_id, name, phone, created_at, updated_at) VALUES ($1, $1, $2, $3, $4, $4)`,
      [id, name, phone, T()],
    );
    await writeAssessorDocs(tx, [id], T());
  });
  return { id, phone, name };
}

export async function seedLead(server: MediaTestServer, customer: { name: string; phone: string }): Promise<string> {
  const leadId = `lead-${crypto.randomBytes(4).toString('hex')}`;
  await server.db.transaction(async (tx: Queryable) => {
    await tx.query(
      `INSERT INTO leads (id, external_id, request_hash, customer_name, customer_phone, postcode, district, service, created_at)
       VALUES ($1, $1, 'h', $2, $3, 'W1A 1AA', 'W1', 'boiler', $4)`,
      [leadId, customer.name, customer.phone, T()],
    );
    await writeLeadDocs(tx, [leadId], T());
  });
  return leadId;
}

/** One lead × assessor with its calls, texts, transcripts, a review and a clip in a course. */
export async function seedContact(
  server: MediaTestServer,
  twilio: FakeTwilio,
  leadId: string,
  customerPhone: string,
  assessor: SeededAssessor,
  reviewerId: string,
): Promise<SeededContact> {
  const suffix = crypto.randomBytes(3).toString('hex');
  const sessionId = `ses-${suffix}`;
  const pool = '+447700900' + String(100 + Math.floor(Math.random() * 800));
  const now = T();
  await server.db.transaction(async (tx: Queryable) => {
    await tx.query(
      `INSERT INTO pool_numbers (number, source, monthly_cost_pence, acquired_at) VALUES ($1, 'manual', 100, $2) ON CONFLICT DO NOTHING`,
      [pool, now],
    );
    await tx.query(
      `INSERT INTO pool_sessions (id, lead_id, assessor_id, customer_phone, assessor_phone, pool_number, created_at, last_activity_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
      [sessionId, leadId, assessor.id, customerPhone, assessor.phone, pool, now, now + 30 * 86_400_000],
    );
    await writeLeadDocs(tx, [leadId], now);
  });
  const calls: SeededContact['calls'] = [];
  for (const direction of ['customer_to_assessor', 'assessor_to_customer'] as const) {
    const call = await ingestCall(server, twilio, {
      over: { leadId, assessorId: assessor.id, direction, poolNumber: pool },
    });
    await server.db.query(
      `INSERT INTO calls (call_sid, session_id, from_phone, to_number, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [call.callId, sessionId, direction === 'customer_to_assessor' ? customerPhone : assessor.phone, pool, now],
    );
    calls.push({ callId: call.callId, recordingSid: call.recordingSid });
  }
  const messageIds: string[] = [];
  const clipId = `clip-${suffix}`;
  await server.db.transaction(async (tx: Queryable) => {
    const messages: MessageDoc[] = [];
    for (const direction of ['customer_to_assessor', 'assessor_to_customer'] as const) {
      const id = 'SM' + crypto.randomBytes(16).toString('hex');
      const from = direction === 'customer_to_assessor' ? customerPhone : assessor.phone;
      const body =
        direction === 'customer_to_assessor'
          ? 'The side door is open, ring me'
          : `This is ${assessor.name}, my direct line is ${assessor.phone}`;
      await tx.query(
        `INSERT INTO messages (id, session_id, from_phone, to_number, direction, body, status, received_at) VALUES ($1, $2, $3, $4, $5, $6, 'received', $7)`,
        [id, sessionId, from, pool, direction, body, now],
      );
      messages.push({
        id,
        updatedAt: 0,
        leadId,
        assessorId: assessor.id,
        direction,
        poolNumber: pool,
        body,
        mediaCount: 0,
        status: 'received',
        sentAt: now,
        sandbox: false,
      });
      messageIds.push(id);
    }
    const insights: InsightDoc[] = calls.map((c) => ({
      id: `ins-${c.callId}`,
      updatedAt: 0,
      callId: c.callId,
      provider: 'local',
      model: 'test',
      version: '1',
      createdAt: now,
      transcriber: { provider: 'sandbox', model: 'script', version: '1', sandbox: true },
      transcript: [
        { speaker: 'customer', start: 0, end: 2, text: 'Hello, it is about the boiler at 12 Acacia Avenue' },
        { speaker: 'assessor', start: 2, end: 4, text: `Call me back on ${assessor.phone}` },
      ],
      analysis: null,
      status: 'done',
      error: null,
      sandbox: false,
    }));
    const clip: ClipDoc = {
      id: clipId,
      updatedAt: 0,
      callId: calls[0].callId,
      authorId: 'author-1',
      title: `${assessor.name} opener`,
      notes: '',
      start: 0,
      end: 2,
      redactions: [],
      createdAt: now,
    };
    const course: CourseDoc = {
      id: `course-${suffix}`,
      updatedAt: 0,
      title: 'Openers',
      description: '',
      authorId: 'author-1',
      pricing: { kind: 'free', pricePence: 0 },
      items: [{ clipId, note: 'good opener' }],
      published: true,
      createdAt: now,
      districts: [],
    };
    await putDocuments(tx, 'messages', messages, now);
    await putDocuments(tx, 'insights', insights, now);
    await putDocuments(tx, 'clips', [clip], now);
    await putDocuments(tx, 'courses', [course], now);
    await putDocuments(
      tx,
      'reviews',
      [reviewDoc(calls[0].callId, reviewerId, { notes: `${assessor.name} was polite` })],
      now,
    );
  });
  return { leadId, assessorId: assessor.id, sessionId, customerPhone, calls, messageIds, clipId };
}
