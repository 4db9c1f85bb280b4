import { z } from 'zod';
import { IsoTime } from './common';
import { defineRoute } from './define';

export const ErasureReport = z.object({
  dryRun: z.boolean(),
  /** HMAC-SHA256 of the E.164 number with a server secret: recognisable, not reversible from the log. */
  subjectHash: z.string(),
  leads: z.number(),
  sessions: z.number(),
  calls: z.number(),
  recordings: z.number(),
  mediaObjectsRemoved: z.number(),
  insights: z.number(),
  messages: z.number(),
  reviews: z.number(),
  clips: z.number(),
  courses: z.number(),
  jobs: z.number(),
});
export type ErasureReport = z.infer<typeof ErasureReport>;

export const erase = defineRoute({
  method: 'post',
  path: '/api/erasure',
  access: ['admin'],
  summary:
    "Erase one person's recordings, transcripts, message bodies and lead details by phone number; dryRun previews the counts (both audited; UNKNOWN_PHONE when no one has the number)",
  body: z.object({ phone: z.string().min(3).max(40), dryRun: z.boolean().default(false) }).strict(),
  response: z.object({ report: ErasureReport, phone: z.string() }),
  errors: ['INVALID_PHONE', 'UNKNOWN_PHONE'],
});

const Cutoffs = z.object({ recordings: IsoTime, transcripts: IsoTime, clips: IsoTime });

export const RetentionReport = z.object({
  dryRun: z.boolean(),
  cutoffs: Cutoffs,
  recordingsDeleted: z.number(),
  mediaObjectsRemoved: z.number(),
  mediaPurgeFailures: z.number(),
  clipsExpired: z.number(),
  clipsWithRecording: z.number(),
  insightsScrubbed: z.number(),
  /** Replicated message documents whose body was removed. */
  messageBodiesScrubbed: z.number(),
  /** Rows of telephony's messages table whose body was removed. */
  messageRowsScrubbed: z.number(),
});
export type RetentionReport = z.infer<typeof RetentionReport>;

export const RetentionSettings = z.object({
  periods: z.object({ recordingDays: z.number(), transcriptDays: z.number(), clipDays: z.number() }),
  cutoffs: Cutoffs,
  nextSweepAt: IsoTime,
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

export const retention = defineRoute({
  method: 'get',
  path: '/api/retention',
  access: ['admin'],
  summary: 'Retention periods, what they cut off today, and when the next sweep runs',
  response: RetentionSettings,
});

export const runRetention = defineRoute({
  method: 'post',
  path: '/api/retention/run',
  access: ['admin'],
  summary: 'Run the retention sweep now (or report what it would remove with dryRun); a run is audited as the admin',
  body: z.object({ dryRun: z.boolean().default(false) }).strict(),
  response: z.object({ report: RetentionReport }),
});
