import { eventKey, type CallEvent } from '../../../shared/call-state';
import type { CallDoc } from '../../../shared/schemas';
import type { AppContext } from '../context';
import type { Queryable } from '../db';
import { PermanentJobError, RetryLaterError, type JobOutcome, type JobRecord } from '../jobs/queue';
import { recordCallEvents } from './calls';

/**
 * Callbacks that arrive before their call's voice webhook. Twilio retries webhooks and the network reorders
 * them, so a leg status, Dial action, parent status or recording callback can reach us for a CallSid that
 * /twilio/voice has not logged yet. They are kept (table pending_call_events, migration 011) and folded in when
 * the call is logged (inbound-batch.ts takes them in the same transaction); the fold (shared/call-state) is
 * order-proof, so the call ends in the same state as if they had come in order. A completed recording kept
 * this way is downloaded once the call is known; Twilio's copy is never deleted on account of an unknown call.
 *
 * Each CallSid with kept callbacks has one job `telephony.pending-callbacks` (admins see it in the job list):
 * it first runs shortly after (a callback that raced the call's own transaction is folded in then), and
 * PENDING_CALLBACK_TTL_MS after the first callback it drops those whose call never came and fails, naming them.
 */
export const PENDING_CALLBACKS_JOB = 'telephony.pending-callbacks';
/** How long an early callback waits for its call: far beyond any retry or reordering delay of Twilio's. */
export const PENDING_CALLBACK_TTL_MS = 24 * 60 * 60 * 1000;
/** The first check, for a callback whose call was being logged in a concurrent transaction. */
const FIRST_CHECK_MS = 2 * 60 * 1000;

/** What a completed recording callback asks for besides its event: where the media is. */
export interface RecordingDetail {
  recordingUrl: string;
}

export interface TakenCallbacks {
  events: CallEvent[];
  recordings: Array<{ event: Extract<CallEvent, { type: 'recording' }>; detail: RecordingDetail }>;
}

/** Keeps callbacks for a call not logged yet, and makes sure its pending-callbacks job exists. */
export async function keepEarlyCallbacks(
  ctx: AppContext,
  tx: Queryable,
  callSid: string,
  events: CallEvent[],
  detail: RecordingDetail | null = null,
): Promise<void> {
  const now = ctx.now();
  for (const e of events)
    await tx.query(
      `INSERT INTO pending_call_events (call_sid, key, event, detail, received_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (call_sid, key) DO NOTHING`,
      [callSid, eventKey(e), JSON.stringify(e), detail ? JSON.stringify(detail) : null, now],
    );
  await ctx.jobs.enqueue(
    tx,
    PENDING_CALLBACKS_JOB,
    { callId: callSid },
    { runAt: new Date(Date.now() + FIRST_CHECK_MS), maxAttempts: 5 },
  );
  ctx.log.info(
    { callSid, types: events.map((e) => e.type) },
    'callback before the call was logged; kept until the voice webhook arrives',
  );
}

/** Removes and returns the kept callbacks of these calls (the caller folds them in, in the same transaction). */
export async function takePendingCallbacks(tx: Queryable, callSids: string[]): Promise<Map<string, TakenCallbacks>> {
  const out = new Map<string, TakenCallbacks>();
  if (!callSids.length) return out;
  const { rows } = await tx.query<{ call_sid: string; event: CallEvent; detail: RecordingDetail | null }>(
    'DELETE FROM pending_call_events WHERE call_sid = ANY($1::text[]) RETURNING call_sid, event, detail',
    [callSids],
  );
  for (const r of rows) {
    const taken = out.get(r.call_sid) ?? { events: [], recordings: [] };
    taken.events.push(r.event);
    if (r.event.type === 'recording' && r.detail) taken.recordings.push({ event: r.event, detail: r.detail });
    out.set(r.call_sid, taken);
  }
  return out;
}

/**
 * What a recording callback leads to once its call is known: a completed recording is downloaded (Twilio's
 * copy is deleted by the download job only after ours is stored and verified), or deleted at Twilio without
 * downloading when nobody may keep it (opted out, or deleted by an admin); a voicemail outside a session stays
 * at Twilio for RETENTION_VOICEMAIL_DAYS, then is deleted there.
 */
export async function recordingFollowUp(
  ctx: AppContext,
  tx: Queryable,
  callSid: string,
  doc: CallDoc,
  event: Extract<CallEvent, { type: 'recording' }>,
  detail: RecordingDetail,
): Promise<void> {
  if (event.status !== 'completed') return;
  const { recordingSid } = event;
  if (doc.recording.state === 'opted_out' || doc.recording.state === 'deleted') {
    await ctx.jobs.enqueue(tx, 'recording.twilio-delete', { recordingSid });
    return;
  }
  if (!doc.direction) {
    // A voicemail outside any session: one channel, no lead, for the support team, who hear it at Twilio. It is
    // deleted there after RETENTION_VOICEMAIL_DAYS (its own dedupe key: an erasure's delete runs at once).
    const runAt = new Date(ctx.now() + ctx.config.RETENTION_VOICEMAIL_DAYS * 86_400_000);
    await ctx.jobs.enqueue(
      tx,
      'recording.twilio-delete',
      { recordingSid },
      { dedupeKey: `voicemail-delete:${recordingSid}`, runAt },
    );
    ctx.log.info(
      { callSid, recordingSid, runAt },
      'voicemail recorded outside a session; deleted at Twilio when its retention ends',
    );
    return;
  }
  await ctx.jobs.enqueue(tx, 'recording.download', {
    callSid,
    recordingSid,
    recordingUrl: detail.recordingUrl,
    durationSec: event.durationSec,
    channels: event.channels,
    sandbox: doc.sandbox,
  });
}

/**
 * Job telephony.pending-callbacks: folds in callbacks whose call is known by now; waits for the others until
 * PENDING_CALLBACK_TTL_MS after the first, then drops them and fails (so the job list shows what was lost).
 */
export async function runPendingCallbacksJob(ctx: AppContext, job: JobRecord): Promise<JobOutcome> {
  const callSid = String((job.payload as { callId?: unknown }).callId ?? '');
  const outcome = await ctx.db.transaction(async (tx) => {
    const known = await tx.query('SELECT 1 FROM calls WHERE call_sid = $1 FOR SHARE', [callSid]);
    if (known.rows.length) {
      const taken = (await takePendingCallbacks(tx, [callSid])).get(callSid);
      if (!taken) return { kind: 'done' as const, callbacks: 0 };
      const { doc } = await recordCallEvents(tx, callSid, taken.events, {
        now: ctx.now(),
        connectThresholdSec: ctx.config.CONNECT_THRESHOLD_SEC,
      });
      if (doc) for (const r of taken.recordings) await recordingFollowUp(ctx, tx, callSid, doc, r.event, r.detail);
      return { kind: 'done' as const, callbacks: taken.events.length };
    }
    const { rows } = await tx.query<{ first: string | null; n: number; keys: string[] | null }>(
      `SELECT min(received_at)::text AS first, count(*)::int AS n, array_agg(key ORDER BY key) AS keys
         FROM pending_call_events WHERE call_sid = $1`,
      [callSid],
    );
    const { first, n, keys } = rows[0];
    if (!n) return { kind: 'done' as const, callbacks: 0 };
    const age = ctx.now() - Number(first);
    if (age < PENDING_CALLBACK_TTL_MS) return { kind: 'wait' as const, ms: PENDING_CALLBACK_TTL_MS - age };
    await tx.query('DELETE FROM pending_call_events WHERE call_sid = $1', [callSid]);
    return { kind: 'expired' as const, n, keys: keys ?? [] };
  });
  if (outcome.kind === 'done') return { cost: { callbacks: outcome.callbacks } };
  if (outcome.kind === 'wait') throw new RetryLaterError(`waiting for the voice webhook of ${callSid}`, outcome.ms);
  ctx.log.warn({ callSid, callbacks: outcome.keys }, 'callbacks whose call never arrived expired');
  // Committed above; failing the job now is how the admin's job list shows what was dropped.
  throw new PermanentJobError(
    `no voice webhook for ${callSid} within ${PENDING_CALLBACK_TTL_MS / 3_600_000} h: dropped ${outcome.n} callback(s): ${outcome.keys.join(', ')}`,
  );
}
