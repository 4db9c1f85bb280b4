import twilio from 'twilio';
import { resolveContact, splitTextExtension, type PoolSession } from '../../../shared/pool';
import { fieldOf } from '../../../shared/objects';
import { MESSAGE_STATUSES, type CallDirection, type MessageDoc, type MessageStatus } from '../../../shared/schemas';
import type { AppContext } from '../context';
import type { Queryable } from '../db';
import { PermanentJobError, type JobRecord } from '../jobs/queue';
import { getSession, poolPolicy, routingCandidates, touchSessionRow } from '../pool/store';
import { refreshLeadQualityAfterMessage } from '../leads/quality';
import { keepMetricsAfterMessage } from '../metrics/keep';
import { getDocuments, lockCollection, putDocument } from '../replication/store';
import { TwilioApiError, TwilioRest } from '../twilio-rest/rest';

/**
 * Texts through the pool: an inbound message to a pool number is logged, then relayed from the same pool
 * number to the other party of its session by a job (REST Messages API with a status callback), so the
 * webhook answers as soon as the message is durably queued and a failed send is retried.
 * STOP / START keywords keep our own suppression list across the whole pool.
 *   Incoming message parameters: https://www.twilio.com/docs/messaging/guides/webhook-request
 *   Status callbacks:            https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
 */
const { MessagingResponse } = twilio.twiml;
type Params = Record<string, string | undefined>;

export const SMS_RELAY_JOB = 'sms.relay';

const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES']);
const HELP_WORDS = new Set(['HELP', 'INFO']);

export const REPLIES = {
  stopped: 'You will no longer receive texts from this service. Reply START to receive them again.',
  started: 'You will receive texts from this service again. Reply STOP to stop them.',
  help: 'This number connects you with the tradesperson or customer for your enquiry. Reply STOP to stop texts.',
  noSession: 'This number is not linked to an active enquiry for your phone, so your message was not passed on.',
  needsExtension:
    'This number is shared by several of your customers. Start your text with the customer’s extension, for example "123 See you at 3".',
  suppressed:
    'This person has opted out of text messages, so your message was not passed on. Please call them instead.',
  mediaRefused: 'Pictures and files cannot be sent through this number. Please send text only.',
  mediaDropped: 'Pictures and files cannot be sent through this number; only your text was passed on.',
} as const;

/** Later statuses win; the terminal ones rank by how bad they are, so a set of callbacks always gives one answer. */
const STATUS_RANK: Record<MessageStatus, number> = {
  received: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 5,
  failed: 6,
  refused: 7,
  suppressed: 7,
};

function isMessageStatus(value: unknown): value is MessageStatus {
  return MESSAGE_STATUSES.some((s) => s === value);
}

export function laterMessageStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  return STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;
}

interface MessageRow {
  id: string;
  session_id: string | null;
  from_phone: string;
  to_number: string;
  direction: CallDirection | null;
  body: string | null;
  media_count: number;
  relay_sid: string | null;
  status: MessageStatus;
  received_at: number;
  sandbox: boolean;
}

function reply(text: string | null): string {
  const r = new MessagingResponse();
  if (text) r.message(text);
  return r.toString();
}

async function writeMessageDoc(
  tx: Queryable,
  m: MessageRow,
  session: PoolSession | null,
  now: number,
): Promise<MessageDoc> {
  await lockCollection(tx, 'messages');
  const [prev] = await getDocuments(tx, 'messages', [m.id], { forUpdate: true, includeDeleted: true });
  if (prev?.deleted) return prev.doc; // erased: never resurrect
  const doc = await putDocument(
    tx,
    'messages',
    {
      id: m.id,
      updatedAt: now,
      leadId: session?.leadId ?? null,
      assessorId: session?.assessorId ?? null,
      direction: m.direction,
      poolNumber: m.to_number,
      body: m.body,
      mediaCount: m.media_count,
      status: m.status,
      sentAt: m.received_at,
      sandbox: m.sandbox,
    },
    now,
  );
  await refreshLeadQualityAfterMessage(tx, prev?.doc ?? null, doc, now);
  await keepMetricsAfterMessage(tx, prev?.doc ?? null, doc, now);
  return doc;
}

function keyword(body: string): string {
  return body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
}

/** POST /twilio/sms — a text to a pool number. Answers TwiML (a reply to the sender, or nothing). */
export async function handleIncomingSms(ctx: AppContext, p: Params): Promise<string> {
  const sid = p.MessageSid ?? p.SmsSid ?? '';
  const from = (p.From ?? '').trim();
  const to = (p.To ?? '').trim();
  const body = p.Body ?? '';
  const mediaCount = Math.max(0, Math.min(10, Number(p.NumMedia ?? '0') || 0));
  if (!sid || !from || !to) return reply(null);
  const now = ctx.now();
  const policy = poolPolicy(ctx.config);
  return ctx.db.transaction(async (tx) => {
    const fresh = await tx.query(
      `INSERT INTO messages (id, from_phone, to_number, body, media_count, status, received_at, sandbox)
       VALUES ($1, $2, $3, $4, $5, 'received', $6, $7) ON CONFLICT (id) DO NOTHING`,
      [sid, from, to, body, mediaCount, now, ctx.config.sandbox],
    );
    // Twilio retried a message we already handled: it was relayed (or answered) once; say nothing more.
    if (!fresh.rowCount) return reply(null);

    const word = keyword(body);
    const candidates = await routingCandidates(tx, from, to, now, policy);
    // An assessor's text names its customer by a leading extension when it has one; otherwise it goes where a
    // bare call would (shared/pool P3, P10: their direct listing, their only or their one recent session), and
    // only a genuinely ambiguous text is answered with the one-line extension request.
    const opts = { cooldownMs: policy.cooldownMs, recentMs: policy.recentMs };
    let route = resolveContact(candidates, { from, to }, now, opts);
    let text = body;
    const split = splitTextExtension(body);
    if (split.digits && !(route.kind === 'session' && route.side === 'customer')) {
      const keyed = resolveContact(candidates, { from, to, digits: split.digits }, now, opts);
      if (keyed.kind === 'session' || route.kind === 'needs-extension') {
        route = keyed;
        text = split.rest;
      }
    }
    const session = route.kind === 'session' ? route.session : null;
    const direction: CallDirection | null =
      route.kind === 'session' ? (route.side === 'customer' ? 'customer_to_assessor' : 'assessor_to_customer') : null;
    let status: MessageStatus = 'received';
    let answer: string | null = null;

    if (STOP_WORDS.has(word) || START_WORDS.has(word) || HELP_WORDS.has(word)) {
      // Keywords are for us, not for the other party (Twilio's own opt-out handling uses the same words).
      if (STOP_WORDS.has(word)) {
        await tx.query(
          `INSERT INTO sms_suppressions (phone, created_at, keyword) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING`,
          [from, now, word],
        );
        answer = REPLIES.stopped;
      } else if (START_WORDS.has(word)) {
        await tx.query('DELETE FROM sms_suppressions WHERE phone = $1', [from]);
        answer = REPLIES.started;
      } else answer = REPLIES.help;
    } else if (!session) {
      answer =
        route.kind === 'needs-extension' || route.kind === 'unknown-extension'
          ? REPLIES.needsExtension
          : REPLIES.noSession;
    } else {
      const target =
        route.kind === 'session' && route.side === 'customer' ? session.assessorPhone : session.customerPhone;
      await touchSessionRow(tx, session.id, now, policy);
      const suppressed = await tx.query('SELECT 1 FROM sms_suppressions WHERE phone = $1', [target]);
      if (mediaCount > 0 && !text.trim()) {
        // UK numbers on Twilio carry no MMS; say so rather than drop the picture silently.
        status = 'refused';
        answer = REPLIES.mediaRefused;
      } else if (suppressed.rows.length) {
        status = 'suppressed';
        answer = REPLIES.suppressed;
      } else {
        status = 'queued';
        if (mediaCount > 0) answer = REPLIES.mediaDropped;
        await ctx.jobs.enqueue(tx, SMS_RELAY_JOB, { messageId: sid });
      }
    }
    const { rows } = await tx.query<MessageRow>(
      `UPDATE messages SET session_id = $2, direction = $3, status = $4, body = $5 WHERE id = $1 RETURNING *`,
      [sid, session?.id ?? null, direction, status, text],
    );
    await writeMessageDoc(tx, rows[0], session, now);
    // Text-message analysis of the assignment (sync-server/src/analysis/sms.ts), recomputed per message.
    if (session) {
      const assignment = { leadId: session.leadId, assessorId: session.assessorId };
      await ctx.jobs.enqueue(tx, 'analysis.sms', assignment, { dedupeKey: `analysis.sms:${sid}` });
    }
    return reply(answer);
  });
}

/** What the receiving side reads: the assessor sees which customer (and extension) the text is from. */
async function relayBody(q: Queryable, m: MessageRow, session: PoolSession): Promise<{ to: string; body: string }> {
  if (m.direction === 'customer_to_assessor') {
    const { rows } = await q.query<{ customer_name: string }>('SELECT customer_name FROM leads WHERE id = $1', [
      session.leadId,
    ]);
    const label = `${rows[0]?.customer_name ?? 'Customer'}${session.extension ? ` (ext ${session.extension})` : ''}`;
    return { to: session.assessorPhone, body: `${label}: ${m.body ?? ''}` };
  }
  return { to: session.customerPhone, body: m.body ?? '' };
}

/** Job sms.relay: sends the text on from the pool number, with a status callback naming our message. */
export async function runSmsRelayJob(ctx: AppContext, job: JobRecord): Promise<void> {
  const messageId = String(fieldOf(job.payload, 'messageId') ?? '');
  const { rows } = await ctx.db.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [messageId]);
  const m = rows[0];
  if (!m) throw new PermanentJobError(`no message ${messageId}`);
  if (m.relay_sid || m.status !== 'queued' || !m.session_id) return; // sent already, or not to be sent
  const session = await getSession(ctx.db, m.session_id);
  if (!session) throw new PermanentJobError(`message ${messageId} has no session`);
  const creds = ctx.config.twilio;
  if (!creds) throw new Error('no Twilio credentials yet (the sandbox may still be starting)');
  const { to, body } = await relayBody(ctx.db, m, session);
  const statusCallback = `${ctx.config.publicBaseUrl}/twilio/sms/status?${new URLSearchParams({ m: m.id })}`;
  let sent;
  try {
    sent = await new TwilioRest(creds).sendMessage({ from: m.to_number, to, body, statusCallback });
  } catch (err) {
    if (err instanceof TwilioApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
      // Refused by Twilio (21610: the recipient texted STOP to Twilio; 21211: invalid number …): no retry.
      await setStatus(ctx, m.id, err.twilioCode === 21610 ? 'suppressed' : 'failed', null);
      throw new PermanentJobError(err.message);
    }
    throw err;
  }
  await setStatus(ctx, m.id, isMessageStatus(sent.status) ? sent.status : 'queued', sent.sid);
}

async function setStatus(ctx: AppContext, id: string, status: MessageStatus, relaySid: string | null): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<MessageRow>('SELECT * FROM messages WHERE id = $1 FOR UPDATE', [id]);
    const m = rows[0];
    if (!m) return;
    const next = laterMessageStatus(m.status, status);
    if (next === m.status && (!relaySid || m.relay_sid === relaySid)) return;
    const updated = await tx.query<MessageRow>(
      'UPDATE messages SET status = $2, relay_sid = coalesce(relay_sid, $3) WHERE id = $1 RETURNING *',
      [id, next, relaySid],
    );
    const session = m.session_id ? await getSession(tx, m.session_id) : null;
    await writeMessageDoc(tx, updated.rows[0], session, ctx.now());
  });
}

const RELAY_STATUSES = new Set(['accepted', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed']);

/** POST /twilio/sms/status?m=<message id> — delivery status of a relayed text. */
export async function handleSmsStatus(ctx: AppContext, messageId: string, p: Params): Promise<void> {
  const raw = p.MessageStatus ?? p.SmsStatus ?? '';
  if (!messageId || !RELAY_STATUSES.has(raw)) {
    ctx.log.warn({ messageId, status: raw }, 'SMS status callback without a message id or with an unknown status');
    return;
  }
  const status = raw === 'accepted' ? 'queued' : raw;
  if (!isMessageStatus(status)) return; // every relay status but 'accepted' is a message status
  await setStatus(ctx, messageId, status, p.MessageSid ?? null);
}
