import { z } from 'zod';
import type { AgreementReport } from '../analysis/agreement';
import { Stamp, TranscriberStamp } from '../analysis/schema';
import type { AssignmentSmsAnalysis, PatternRow } from '../analysis/sms';
import { SERVICES } from '../schemas';
import { domainObject } from './common';
import { defineRoute } from './define';

const ADMIN = ['admin'] as const;

export const AnalysisStatus = z.object({
  providers: z.object({
    transcription: z.string(),
    analysis: z.string(),
    analysisStamp: Stamp,
    transcriptionStamp: TranscriberStamp.nullable(),
  }),
  jobs: z.array(z.object({ kind: z.string(), status: z.string(), jobs: z.number() })),
  cost30d: z.object({ audioMinutes: z.number(), promptTokens: z.number(), completionTokens: z.number() }),
});
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

/** Which calls to analyse again (after a model, prompt or lexicon change). */
export const RerunSelection = z
  .object({
    callIds: z.array(z.string().min(1).max(100)).max(10_000).optional(),
    /** Calls started at or after / before these times (ms since the epoch). */
    since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    until: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    district: z.string().max(4).optional(),
    service: z.enum(SERVICES).optional(),
    /** Calls that already have an insight from this provider (and model). */
    fromProvider: z.string().max(60).optional(),
    fromModel: z.string().max(100).optional(),
    /** Calls whose insight failed. */
    onlyFailed: z.boolean().optional(),
    /** Ask the transcription provider again instead of reusing the stored transcript. */
    retranscribe: z.boolean().default(false),
    limit: z.number().int().min(1).max(10_000).default(1000),
    dryRun: z.boolean().default(false),
  })
  .strict();

export type RerunSelectionInput = z.input<typeof RerunSelection>;

export const RerunResult = z.object({
  runId: z.string(),
  matched: z.number(),
  enqueued: z.number(),
  dryRun: z.boolean(),
  /** The first 100 calls matched. */
  callIds: z.array(z.string()),
});
export type RerunResult = z.infer<typeof RerunResult>;

export const AgreementQuery = z.object({
  provider: z.string().max(60).optional(),
  model: z.string().max(100).optional(),
  /** Reviews submitted in this window (ms since the epoch). */
  since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  until: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const SmsReportQuery = z.object({
  service: z.string().max(30).optional(),
  district: z.string().max(4).optional(),
  minSupport: z.coerce.number().int().min(1).max(10_000).optional(),
  prefixSteps: z.coerce.number().int().min(1).max(10).optional(),
  recompute: z.enum(['0', '1', 'true', 'false']).optional(),
});

export const SmsReport = z.object({
  recomputed: z.number(),
  version: z.string(),
  minSupport: z.number(),
  groups: z.array(
    z.object({
      service: z.string(),
      district: z.string(),
      assignments: z.number(),
      booked: z.number(),
      bookingRate: z.number(),
    }),
  ),
  rows: z.array(domainObject<PatternRow>('a sequence or pattern with its booking rate and lift')),
  assignments: z.number(),
});
export type SmsReport = z.infer<typeof SmsReport>;

export const status = defineRoute({
  method: 'get',
  path: '/api/analysis/status',
  access: ADMIN,
  summary: 'Configured AI providers, analysis job counts and cost over the last 30 days',
  response: AnalysisStatus,
});

export const retryCall = defineRoute({
  method: 'post',
  path: '/api/analysis/calls/:callId/retry',
  access: ADMIN,
  summary: 'Transcribe (if needed) and analyse one call again with the configured providers',
  params: z.object({ callId: z.string().min(1).max(200) }),
  body: z.object({ retranscribe: z.boolean().default(false) }),
  response: RerunResult,
  errors: ['NOT_FOUND', 'CONFLICT'],
});

export const rerun = defineRoute({
  method: 'post',
  path: '/api/analysis/rerun',
  access: ADMIN,
  summary: 'Re-run analysis over a chosen set of calls (ids, dates, district, service, previous provider, failed)',
  body: RerunSelection,
  response: RerunResult,
});

export const agreement = defineRoute({
  method: 'get',
  path: '/api/analysis/agreement',
  access: ADMIN,
  summary:
    "Agreement between AI outcomes and reviewers per provider and model: rate, Cohen's kappa, confusion matrix, disagreeing calls",
  query: AgreementQuery,
  response: domainObject<AgreementReport>('the agreement report (shared/analysis/agreement.ts)'),
});

export const assignmentSms = defineRoute({
  method: 'get',
  path: '/api/analysis/sms/:leadId/:assessorId',
  access: ADMIN,
  summary: 'Text-message analysis of one assignment: reply speed both ways, message features, follow-up sequence',
  params: z.object({ leadId: z.string().min(1).max(200), assessorId: z.string().min(1).max(200) }),
  response: domainObject<AssignmentSmsAnalysis>("one assignment's text analysis (shared/analysis/sms.ts)"),
  errors: ['NOT_FOUND'],
});

export const smsReport = defineRoute({
  method: 'get',
  path: '/api/analysis/sms-report',
  access: ADMIN,
  summary: 'Which text sequences and patterns come before a booking, by service and district',
  query: SmsReportQuery,
  response: SmsReport,
});
