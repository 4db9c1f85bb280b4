import { z } from 'zod';

/**
 * Every kind of background job: its payload's schema and, where one payload should give one job, how its dedupe
 * key is built. `JobQueue.enqueue` takes a kind from this table and checks the payload against it at compile
 * time; the worker parses the payload with the schema before the handler sees it (a payload that does not match
 * fails the job at once). Handlers are attached where the modules are wired (sync-server/src/modules.ts).
 *
 * The table lives here, below every module, so that any module may enqueue any kind without importing the
 * module that runs it.
 */

const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;
const recordingSid = z.string().regex(RECORDING_SID, 'a recording SID');
const nothing = z.object({});

export const JOB_KINDS = {
  /** Fetches a recording from Twilio and stores it (recordings/download-job.ts). */
  'recording.download': {
    payload: z.object({
      callSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'a call SID'),
      recordingSid,
      recordingUrl: z.string().min(1).max(2000),
      durationSec: z.coerce.number().min(0).nullable().optional(),
      channels: z.coerce.number().int().min(1).max(2).nullable().optional(),
      sandbox: z.boolean().optional(),
      /** The call document's id, when telephony knows it (defaults to the CallSid). */
      callId: z.string().min(1).max(100).optional(),
    }),
    dedupeKey: (p: { recordingSid: string }) => `recording:${p.recordingSid}`,
  },
  /** Deletes Twilio's copy of a recording. One job per recording, whoever asks (download, erasure, webhooks). */
  'recording.twilio-delete': {
    payload: z.object({ recordingSid }),
    dedupeKey: (p: { recordingSid: string }) => `twilio-delete:${p.recordingSid}`,
  },
  'retention.sweep': { payload: nothing },
  'analysis.transcribe': {
    payload: z.object({
      callId: z.string().min(1).max(100),
      recordingSid: z.string().optional(),
      /** Ask the transcription provider again even when a transcript from it exists (a model change). */
      retranscribe: z.boolean().optional(),
      runId: z.string().optional(),
    }),
  },
  'analysis.analyse': { payload: z.object({ callId: z.string().min(1).max(100), runId: z.string().optional() }) },
  'analysis.sms': {
    payload: z.object({ leadId: z.string().min(1).max(100), assessorId: z.string().min(1).max(100) }),
  },
  'sms.relay': {
    payload: z.object({ messageId: z.string().min(1).max(100) }),
    dedupeKey: (p: { messageId: string }) => `sms-relay:${p.messageId}`,
  },
  'telephony.pending-callbacks': {
    payload: z.object({ callId: z.string().min(1).max(100) }),
    dedupeKey: (p: { callId: string }) => `telephony.pending-callbacks:${p.callId}`,
  },
  'pool.sweep': { payload: nothing },
  'tiers.propose': { payload: nothing },
  'pricing.refresh': { payload: nothing },
} as const satisfies Record<string, { payload: z.ZodType; dedupeKey?: (payload: never) => string }>;

export type JobKind = keyof typeof JOB_KINDS;
/** The payload a kind is enqueued with (before the schema's defaults and coercions). */
export type JobPayloadIn<K extends JobKind> = z.input<(typeof JOB_KINDS)[K]['payload']>;
/** The payload a kind's handler receives (after parsing). */
export type JobPayload<K extends JobKind> = z.output<(typeof JOB_KINDS)[K]['payload']>;

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_KINDS, kind);
}

/** One entry of the table, seen without its kind (what the runtime needs). */
interface KindEntry {
  payload: z.ZodType;
  dedupeKey?: (payload: never) => string;
}

/** The kind's own dedupe key for a payload, when it has one. */
export function dedupeKeyOf<K extends JobKind>(kind: K, payload: JobPayloadIn<K>): string | undefined {
  const entry: KindEntry = JOB_KINDS[kind];
  // The compiler cannot tie JOB_KINDS[K]'s builder to JobPayloadIn<K> for a generic K; enqueue's signature does.
  const build = entry.dedupeKey as ((p: JobPayloadIn<K>) => string) | undefined;
  return build?.(payload);
}

/** Parses a stored payload with its kind's schema: the handler's input, or the first problem. */
export function parseJobPayload<K extends JobKind>(
  kind: K,
  payload: unknown,
): { ok: true; payload: JobPayload<K> } | { ok: false; problem: string } {
  const entry: KindEntry = JOB_KINDS[kind];
  const parsed = entry.payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || 'payload'}: ${issue?.message}` };
  }
  // Parsed with JOB_KINDS[K].payload, so it is that schema's output; the compiler cannot follow a generic K.
  return { ok: true, payload: parsed.data as JobPayload<K> };
}
