import type { CallDirection, CallDoc, CallRecording } from '../../../shared/schemas';
import type { PeakChannel } from '../../../shared/peaks';
import type { Queryable } from '../db';
import { getDocuments, lockCollection, putDocument } from '../replication/store';

/**
 * The recording part of call documents. Every change goes through the replication store so it reaches the
 * apps (store.ts: "ALL domain code that changes a client-visible call writes the full document").
 */

/**
 * Speaker of each channel of a dual-channel recording. Twilio's `record-from-answer-dual` on <Dial> puts the
 * parent call (the person who dialled the pool number) on channel 1 and the dialled party on channel 2
 * (https://www.twilio.com/docs/voice/twiml/dial#record). Index 0 is channel 1.
 */
export function speakersFor(direction: CallDirection): PeakChannel[] {
  return direction === 'customer_to_assessor' ? ['customer', 'assessor'] : ['assessor', 'customer'];
}

/**
 * Reads call documents for update. The collection's counter row is locked first, the same order every writer
 * of a collection uses (replication/store.ts lockCollection), so this cannot deadlock with a push.
 */
export async function lockCalls(tx: Queryable, callIds: string[]): Promise<CallDoc[]> {
  await lockCollection(tx, 'calls');
  const stored = await getDocuments(tx, 'calls', callIds, { forUpdate: true });
  return stored.map((s) => s.doc);
}

export async function updateCallRecording(
  tx: Queryable,
  call: CallDoc,
  recording: Partial<CallRecording>,
  now: number,
): Promise<CallDoc> {
  return putDocument(tx, 'calls', { ...call, recording: { ...call.recording, ...recording } }, now);
}
