import { z } from 'zod';
import { IdParams, IsoTime } from './common';
import { defineRoute } from './define';

export const JOB_FAMILY_NAMES = ['analysis', 'recording', 'telephony'] as const;
export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

/** `kind` is one of the job kinds of the three families (the server names them when another is given). */
export const JobsQuery = z.object({
  family: z.enum(JOB_FAMILY_NAMES).optional(),
  kind: z.string().max(100).optional(),
  status: z.enum(JOB_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const JobView = z.object({
  id: z.number(),
  kind: z.string(),
  family: z.enum(JOB_FAMILY_NAMES).nullable(),
  status: z.string(),
  attempts: z.number(),
  maxAttempts: z.number(),
  error: z.string().nullable(),
  callId: z.string().nullable(),
  cost: z.record(z.string(), z.number()).nullable(),
  createdAt: IsoTime,
  finishedAt: IsoTime.nullable(),
  runAt: IsoTime,
  /** A later job of the same kind for the same call finished: this failure no longer matters. */
  superseded: z.boolean(),
});
export type JobView = z.infer<typeof JobView>;

export const JobsAnswer = z.object({
  counts: z.array(z.object({ family: z.string(), status: z.string(), jobs: z.number() })),
  jobs: z.array(JobView),
});
export type JobsAnswer = z.infer<typeof JobsAnswer>;

export const listJobs = defineRoute({
  method: 'get',
  path: '/api/jobs',
  access: ['admin'],
  summary:
    'Analysis, recording and telephony jobs (family, kind, status) with their error, attempts, call and cost, newest first',
  query: JobsQuery,
  response: JobsAnswer,
});

export const retryJob = defineRoute({
  method: 'post',
  path: '/api/jobs/:id/retry',
  access: ['admin'],
  bodyFormat: 'none',
  summary: 'Put a failed analysis, recording or telephony job back in the queue',
  params: IdParams,
  response: z.object({ ok: z.literal(true), id: z.number() }),
  errors: ['NOT_FOUND', 'CONFLICT'],
});
