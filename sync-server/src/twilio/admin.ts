import { isTerminal } from '../../../shared/call-state';
import type { CallDoc } from '../../../shared/schemas';
import { audit } from '../audit/log';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { mediaDeps } from '../recordings/deps';
import { purgeRecordingMedia } from '../recordings/purge';
import { markRecordingsDeleted, recordingsOfCalls } from '../recordings/repository';
import { getDocument, lockCollection, getDocuments, putDocument } from '../replication/store';
import { recordCallEvents } from './calls';
import { TwilioApiError, TwilioRest } from '../twilio-rest/rest';

/** Admin controls over recordings: stop one on a live call, delete one later. Both audited. */
export type AdminDeps = Pick<AppContext, 'db' | 'config' | 'log' | 'now'>;
type Actor = Parameters<typeof audit>[1];

/** Stops the recording of a call in progress (the part before stays; nothing after is recorded). */
export async function stopCallRecording(deps: AdminDeps, actor: Actor, callSid: string): Promise<CallDoc> {
  const call = await getDocument(deps.db, 'calls', callSid);
  if (!call) throw new ApiError('NOT_FOUND', `no call ${callSid}`, 'id');
  if (isTerminal(call.status))
    throw new ApiError('CONFLICT', `call ${callSid} has ended (${call.status}); delete its recording instead`, 'id');
  if (call.recording.state === 'opted_out')
    throw new ApiError('CONFLICT', `call ${callSid} is not being recorded`, 'id');
  const creds = deps.config.twilio;
  if (!creds) throw new ApiError('UNAVAILABLE', 'no Twilio account is configured');
  try {
    await new TwilioRest(creds).stopRecording(callSid);
  } catch (err) {
    if (err instanceof TwilioApiError && err.status === 404)
      throw new ApiError('CONFLICT', `call ${callSid} has no recording in progress`, 'id');
    throw err;
  }
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    const { doc } = await recordCallEvents(tx, callSid, [{ type: 'recording-stopped', at: now }], {
      now,
      connectThresholdSec: deps.config.CONNECT_THRESHOLD_SEC,
    });
    await audit(tx, actor, { action: 'recording.stop', subjectType: 'call', subjectId: callSid });
    return doc ?? call;
  });
}

/**
 * Deletes a call's recording: our stored media (marked deleted at once, objects purged after commit) and
 * Twilio's copy (a job). The call document says `deleted`, which later callbacks cannot undo.
 */
export async function deleteCallRecording(ctx: AppContext, actor: Actor, callSid: string): Promise<CallDoc> {
  const now = ctx.now();
  const { doc, stored } = await ctx.db.transaction(async (tx) => {
    await lockCollection(tx, 'calls');
    const [found] = await getDocuments(tx, 'calls', [callSid], { forUpdate: true });
    if (!found) throw new ApiError('NOT_FOUND', `no call ${callSid}`, 'id');
    const call = found.doc;
    if (call.recording.state === 'none' || call.recording.state === 'opted_out')
      throw new ApiError('CONFLICT', `call ${callSid} has no recording`, 'id');
    const sids = await tx.query<{ sid: string }>(
      `SELECT DISTINCT event->>'recordingSid' AS sid FROM call_events WHERE call_sid = $1 AND event->>'type' = 'recording'`,
      [callSid],
    );
    const stored = (await recordingsOfCalls(tx, [callSid], { forUpdate: true })).filter((r) => r.state === 'stored');
    if (stored.length)
      await markRecordingsDeleted(
        tx,
        stored.map((r) => r.recordingSid),
        'erasure',
        now,
      );
    for (const { sid } of sids.rows) await ctx.jobs.enqueue(tx, 'recording.twilio-delete', { recordingSid: sid });
    const next = await putDocument(tx, 'calls', { ...call, recording: { ...call.recording, state: 'deleted' } }, now);
    await audit(tx, actor, {
      action: 'recording.delete',
      subjectType: 'call',
      subjectId: callSid,
      detail: { recordings: sids.rows.map((r) => r.sid) },
    });
    return { doc: next, stored };
  });
  if (stored.length) await purgeRecordingMedia(mediaDeps(ctx), stored);
  return doc;
}
