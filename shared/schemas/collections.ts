import type { RxJsonSchema } from 'rxdb';
import {
  idField,
  refField,
  nullableRef,
  timeField,
  nullableTime,
  seconds,
  shortText,
  longText,
  SERVICES,
  TIERS,
  OUTCOMES,
  type BaseDoc,
  type Service,
  type Tier,
  type Outcome,
} from './common';
import type { CallAnalysis, TranscriberStamp } from '../analysis/schema';

// ───────────────────────────── leads (with their assignments) ─────────────────────────────
export interface Assignment {
  assessorId: string;
  assignedAt: number;
  /** The platform number both sides of this assignment see for each other (E.164). */
  poolNumber: string;
  /** Present when the assessor shares this pool number across several open sessions. */
  extension: string | null;
  bookedAt: number | null;
  bookingValuePence: number | null;
  active: boolean;
}
export const LEAD_GRADES = ['hot', 'warm', 'cold', 'suspect'] as const;
export type LeadGrade = (typeof LEAD_GRADES)[number];
export interface LeadDoc extends BaseDoc {
  externalId: string;
  customerName: string;
  /** Real E.164 number: admins only; other roles receive `null` (see shared/sync-policy). */
  customerPhone: string | null;
  /** Safe display form such as `07700 900***`. */
  customerPhoneMasked: string;
  postcode: string;
  district: string;
  service: Service;
  createdAt: number;
  status: 'open' | 'booked' | 'closed';
  assignments: Assignment[];
  quality: { grade: LeadGrade; evidence: string[] } | null;
  sandbox: boolean;
}
export const leadSchema: RxJsonSchema<LeadDoc> = {
  title: 'leads',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    externalId: shortText,
    customerName: shortText,
    customerPhone: { type: ['string', 'null'], maxLength: 20 },
    customerPhoneMasked: { type: 'string', maxLength: 30 },
    postcode: { type: 'string', maxLength: 10 },
    district: { type: 'string', maxLength: 4 },
    service: { type: 'string', enum: [...SERVICES], maxLength: 30 },
    createdAt: timeField,
    status: { type: 'string', enum: ['open', 'booked', 'closed'] },
    assignments: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        properties: {
          assessorId: refField,
          assignedAt: timeField,
          poolNumber: { type: 'string', maxLength: 20 },
          extension: { type: ['string', 'null'], maxLength: 6 },
          bookedAt: nullableTime,
          bookingValuePence: { type: ['number', 'null'], minimum: 0 },
          active: { type: 'boolean' },
        },
        required: ['assessorId', 'assignedAt', 'poolNumber', 'extension', 'bookedAt', 'bookingValuePence', 'active'],
        additionalProperties: false,
      },
    },
    quality: {
      type: ['object', 'null'],
      properties: {
        grade: { type: 'string', enum: [...LEAD_GRADES] },
        evidence: { type: 'array', items: shortText, maxItems: 20 },
      },
      required: ['grade', 'evidence'],
    },
    sandbox: { type: 'boolean' },
  },
  required: [
    'id',
    'updatedAt',
    'externalId',
    'customerName',
    'customerPhone',
    'customerPhoneMasked',
    'postcode',
    'district',
    'service',
    'createdAt',
    'status',
    'assignments',
    'quality',
    'sandbox',
  ],
  indexes: ['createdAt', 'district'],
  additionalProperties: false,
};

// ───────────────────────────── assessors ─────────────────────────────
export interface AssessorDoc extends BaseDoc {
  externalId: string;
  name: string;
  /** Real E.164 number: admins only; other roles receive `null`. */
  phone: string | null;
  phoneMasked: string;
  districts: string[];
  services: Service[];
  active: boolean;
  tier: Tier | null;
  coursesCompleted: string[];
  createdAt: number;
  sandbox: boolean;
}
export const assessorSchema: RxJsonSchema<AssessorDoc> = {
  title: 'assessors',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    externalId: shortText,
    name: shortText,
    phone: { type: ['string', 'null'], maxLength: 20 },
    phoneMasked: { type: 'string', maxLength: 30 },
    districts: { type: 'array', items: { type: 'string', maxLength: 4 }, maxItems: 200 },
    services: { type: 'array', items: { type: 'string', enum: [...SERVICES] }, maxItems: 10 },
    active: { type: 'boolean' },
    tier: { type: ['string', 'null'], enum: [...TIERS, null] },
    coursesCompleted: { type: 'array', items: refField, maxItems: 200 },
    createdAt: timeField,
    sandbox: { type: 'boolean' },
  },
  required: [
    'id',
    'updatedAt',
    'externalId',
    'name',
    'phone',
    'phoneMasked',
    'districts',
    'services',
    'active',
    'tier',
    'coursesCompleted',
    'createdAt',
    'sandbox',
  ],
  additionalProperties: false,
};

// ───────────────────────────── calls ─────────────────────────────
export const CALL_DIRECTIONS = ['customer_to_assessor', 'assessor_to_customer'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];
export const CALL_STATUSES = [
  'queued',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const RECORDING_STATES = ['none', 'opted_out', 'pending', 'stored', 'stopped', 'deleted', 'failed'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];
export interface CallRecording {
  state: RecordingState;
  durationSec: number | null;
  /** Channel order of the stored media: index 0 is channel 1. */
  channels: Array<'customer' | 'assessor'>;
  storedAt: number | null;
}
export interface CallDoc extends BaseDoc {
  leadId: string | null;
  assessorId: string | null;
  direction: CallDirection | null;
  poolNumber: string;
  district: string | null;
  service: Service | null;
  startedAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  ringSeconds: number;
  talkSeconds: number;
  status: CallStatus;
  connected: boolean;
  hungUpBy: 'customer' | 'assessor' | null;
  recording: CallRecording;
  /** Reviewer the call is assigned to for QA, if any. */
  reviewAssignee: string | null;
  sandbox: boolean;
}
export const callSchema: RxJsonSchema<CallDoc> = {
  title: 'calls',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    leadId: nullableRef,
    assessorId: nullableRef,
    direction: { type: ['string', 'null'], enum: [...CALL_DIRECTIONS, null] },
    poolNumber: { type: 'string', maxLength: 20 },
    district: { type: ['string', 'null'], maxLength: 4 },
    service: { type: ['string', 'null'], enum: [...SERVICES, null] },
    startedAt: timeField,
    ringingAt: nullableTime,
    answeredAt: nullableTime,
    endedAt: nullableTime,
    ringSeconds: seconds,
    talkSeconds: seconds,
    status: { type: 'string', enum: [...CALL_STATUSES] },
    connected: { type: 'boolean' },
    hungUpBy: { type: ['string', 'null'], enum: ['customer', 'assessor', null] },
    recording: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: [...RECORDING_STATES] },
        durationSec: { type: ['number', 'null'], minimum: 0 },
        channels: { type: 'array', items: { type: 'string', enum: ['customer', 'assessor'] }, maxItems: 2 },
        storedAt: nullableTime,
      },
      required: ['state', 'durationSec', 'channels', 'storedAt'],
      additionalProperties: false,
    },
    reviewAssignee: nullableRef,
    sandbox: { type: 'boolean' },
  },
  required: [
    'id',
    'updatedAt',
    'leadId',
    'assessorId',
    'direction',
    'poolNumber',
    'district',
    'service',
    'startedAt',
    'ringingAt',
    'answeredAt',
    'endedAt',
    'ringSeconds',
    'talkSeconds',
    'status',
    'connected',
    'hungUpBy',
    'recording',
    'reviewAssignee',
    'sandbox',
  ],
  indexes: ['startedAt'],
  additionalProperties: false,
};

// ───────────────────────────── messages (SMS) ─────────────────────────────
export const MESSAGE_STATUSES = [
  'received',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'refused',
  'suppressed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export interface MessageDoc extends BaseDoc {
  leadId: string | null;
  assessorId: string | null;
  direction: CallDirection | null;
  poolNumber: string;
  /** Null once erased or expired by retention. */
  body: string | null;
  mediaCount: number;
  status: MessageStatus;
  sentAt: number;
  sandbox: boolean;
}
export const messageSchema: RxJsonSchema<MessageDoc> = {
  title: 'messages',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    leadId: nullableRef,
    assessorId: nullableRef,
    direction: { type: ['string', 'null'], enum: [...CALL_DIRECTIONS, null] },
    poolNumber: { type: 'string', maxLength: 20 },
    body: { type: ['string', 'null'], maxLength: 2000 },
    mediaCount: { type: 'number', minimum: 0, maximum: 10 },
    status: { type: 'string', enum: [...MESSAGE_STATUSES] },
    sentAt: timeField,
    sandbox: { type: 'boolean' },
  },
  required: [
    'id',
    'updatedAt',
    'leadId',
    'assessorId',
    'direction',
    'poolNumber',
    'body',
    'mediaCount',
    'status',
    'sentAt',
    'sandbox',
  ],
  indexes: ['sentAt'],
  additionalProperties: false,
};

// ───────────────────────────── insights (AI analysis of a call) ─────────────────────────────
export interface TranscriptSegment {
  speaker: 'customer' | 'assessor';
  start: number;
  end: number;
  text: string;
  /** Word timings, when the transcription model gives them. */
  words?: Array<{ word: string; start: number; end: number }>;
}
export interface InsightDoc extends BaseDoc {
  callId: string;
  /** provider/model/version of the analysis (the transcript's own stamp is `transcriber`). */
  provider: string;
  model: string;
  version: string;
  createdAt: number;
  /** Who transcribed the call; null when no transcription provider is configured ("no transcript"). */
  transcriber: TranscriberStamp | null;
  transcript: TranscriptSegment[] | null;
  /** The analysis result, validated by `CallAnalysis` in shared/analysis (null while pending, failed or untranscribed). */
  analysis: CallAnalysis | null;
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  sandbox: boolean;
}
export const insightSchema: RxJsonSchema<InsightDoc> = {
  title: 'insights',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    callId: refField,
    provider: shortText,
    model: shortText,
    version: shortText,
    createdAt: timeField,
    transcript: {
      type: ['array', 'null'],
      maxItems: 5000,
      items: {
        type: 'object',
        properties: {
          speaker: { type: 'string', enum: ['customer', 'assessor'] },
          start: seconds,
          end: seconds,
          text: longText,
          words: {
            type: 'array',
            maxItems: 5000,
            items: {
              type: 'object',
              properties: { word: shortText, start: seconds, end: seconds },
              required: ['word', 'start', 'end'],
            },
          },
        },
        required: ['speaker', 'start', 'end', 'text'],
      },
    },
    transcriber: {
      type: ['object', 'null'],
      properties: { provider: shortText, model: shortText, version: shortText, sandbox: { type: 'boolean' } },
      required: ['provider', 'model', 'version', 'sandbox'],
    },
    // The full shape is the zod schema CallAnalysis (shared/analysis/schema.ts), checked on the server before
    // any write; here only its top level, so the client schema need not change with every new field.
    analysis: {
      type: ['object', 'null'],
      properties: {
        schemaVersion: { type: 'number' },
        stamp: { type: 'object' },
        sentiment: { type: 'object' },
        triggers: { type: 'array' },
        objections: { type: 'array' },
        professionalism: { type: 'object' },
        outcome: { type: 'object' },
        summary: { type: 'string' },
        cardDetails: { type: 'array' },
        caveats: { type: 'array' },
      },
      required: [
        'schemaVersion',
        'stamp',
        'sentiment',
        'triggers',
        'objections',
        'professionalism',
        'outcome',
        'summary',
        'cardDetails',
        'caveats',
      ],
    },
    status: { type: 'string', enum: ['pending', 'done', 'failed'] },
    error: { type: ['string', 'null'], maxLength: 2000 },
    sandbox: { type: 'boolean' },
  },
  required: [
    'id',
    'updatedAt',
    'callId',
    'provider',
    'model',
    'version',
    'createdAt',
    'transcriber',
    'transcript',
    'analysis',
    'status',
    'error',
    'sandbox',
  ],
  indexes: ['callId'],
  additionalProperties: false,
};

// ───────────────────────────── reviews (one per call per reviewer) ─────────────────────────────
export interface ReviewRegion {
  id: string;
  start: number;
  end: number;
  label: string;
  comment: string;
}
export type ReviewAnswer = number | boolean | string | 'na';
export interface ReviewDoc extends BaseDoc {
  /** `${callId}:${reviewerId}` so that two devices of one reviewer edit the same document. */
  callId: string;
  reviewerId: string;
  scorecardId: string | null;
  answers: Record<string, ReviewAnswer>;
  score: number | null;
  outcome: Outcome | null;
  aiOutcome: Outcome | null;
  notes: string;
  regions: ReviewRegion[];
  status: 'draft' | 'submitted';
  submittedAt: number | null;
  /** Client edit time, used only to break ties deterministically in the conflict handler. */
  editedAt: number;
}
export const reviewSchema: RxJsonSchema<ReviewDoc> = {
  title: 'reviews',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 201 },
    updatedAt: timeField,
    callId: refField,
    reviewerId: refField,
    scorecardId: nullableRef,
    answers: { type: 'object', additionalProperties: { type: ['number', 'boolean', 'string'] } },
    score: { type: ['number', 'null'], minimum: 0, maximum: 100 },
    outcome: { type: ['string', 'null'], enum: [...OUTCOMES, null] },
    aiOutcome: { type: ['string', 'null'], enum: [...OUTCOMES, null] },
    notes: longText,
    regions: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        properties: {
          id: idField,
          start: seconds,
          end: seconds,
          label: shortText,
          comment: { type: 'string', maxLength: 2000 },
        },
        required: ['id', 'start', 'end', 'label', 'comment'],
        additionalProperties: false,
      },
    },
    status: { type: 'string', enum: ['draft', 'submitted'] },
    submittedAt: nullableTime,
    editedAt: timeField,
  },
  required: [
    'id',
    'updatedAt',
    'callId',
    'reviewerId',
    'scorecardId',
    'answers',
    'score',
    'outcome',
    'aiOutcome',
    'notes',
    'regions',
    'status',
    'submittedAt',
    'editedAt',
  ],
  indexes: ['callId'],
  additionalProperties: false,
};

// ───────────────────────────── clips (moments cut from calls for training) ─────────────────────────────
export interface ClipDoc extends BaseDoc {
  callId: string;
  authorId: string;
  title: string;
  notes: string;
  start: number;
  end: number;
  /** Time ranges bleeped out because they contain personal data. */
  redactions: Array<{ start: number; end: number }>;
  createdAt: number;
}
export const clipSchema: RxJsonSchema<ClipDoc> = {
  title: 'clips',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    callId: refField,
    authorId: refField,
    title: shortText,
    notes: longText,
    start: seconds,
    end: seconds,
    redactions: {
      type: 'array',
      maxItems: 100,
      items: { type: 'object', properties: { start: seconds, end: seconds }, required: ['start', 'end'] },
    },
    createdAt: timeField,
  },
  required: ['id', 'updatedAt', 'callId', 'authorId', 'title', 'notes', 'start', 'end', 'redactions', 'createdAt'],
  additionalProperties: false,
};

// ───────────────────────────── courses ─────────────────────────────
export interface CourseDoc extends BaseDoc {
  title: string;
  description: string;
  authorId: string;
  pricing: { kind: 'free' | 'paid' | 'subscription'; pricePence: number };
  items: Array<{ clipId: string; note: string }>;
  published: boolean;
  createdAt: number;
  /**
   * The districts (outward codes) an "Area-Specific Strategies" course is about; empty: every area. Added in
   * schema version 1 (migration `coursesV1AddDistricts` in renderer/src/db/migrations.ts, server migration 015).
   */
  districts: string[];
}
export const courseSchema: RxJsonSchema<CourseDoc> = {
  title: 'courses',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    title: shortText,
    description: longText,
    authorId: refField,
    pricing: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['free', 'paid', 'subscription'] },
        pricePence: { type: 'number', minimum: 0, maximum: 100000 },
      },
      required: ['kind', 'pricePence'],
    },
    items: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        properties: { clipId: refField, note: { type: 'string', maxLength: 2000 } },
        required: ['clipId', 'note'],
      },
    },
    published: { type: 'boolean' },
    createdAt: timeField,
    districts: { type: 'array', items: { type: 'string', maxLength: 4 }, maxItems: 200 },
  },
  required: [
    'id',
    'updatedAt',
    'title',
    'description',
    'authorId',
    'pricing',
    'items',
    'published',
    'createdAt',
    'districts',
  ],
  additionalProperties: false,
};

// ───────────────────────────── areas (pricing per district and service) ─────────────────────────────
export interface PriceOverride {
  pricePence: number;
  reason: string;
  validFrom: number;
  validTo: number | null;
  by: string;
}
export interface AreaDoc extends BaseDoc {
  /** `${district}:${service}` */
  district: string;
  service: Service;
  leads: number;
  callRate: number;
  conversionRate: number;
  suggestedPricePence: number;
  override: PriceOverride | null;
}
export const areaSchema: RxJsonSchema<AreaDoc> = {
  title: 'areas',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    updatedAt: timeField,
    district: { type: 'string', maxLength: 4 },
    service: { type: 'string', enum: [...SERVICES] },
    leads: { type: 'number', minimum: 0 },
    callRate: { type: 'number', minimum: 0, maximum: 1 },
    conversionRate: { type: 'number', minimum: 0, maximum: 1 },
    suggestedPricePence: { type: 'number', minimum: 0 },
    override: {
      type: ['object', 'null'],
      properties: {
        pricePence: { type: 'number', minimum: 0, maximum: 100000 },
        reason: { type: 'string', minLength: 3, maxLength: 500 },
        validFrom: timeField,
        validTo: nullableTime,
        by: refField,
      },
      required: ['pricePence', 'reason', 'validFrom', 'validTo', 'by'],
    },
  },
  required: [
    'id',
    'updatedAt',
    'district',
    'service',
    'leads',
    'callRate',
    'conversionRate',
    'suggestedPricePence',
    'override',
  ],
  additionalProperties: false,
};

// ───────────────────────────── tierChanges (proposed by the system, decided by an admin) ─────────────────────────────
export interface TierChangeDoc extends BaseDoc {
  assessorId: string;
  fromTier: Tier | null;
  toTier: Tier;
  metrics: Record<string, number | null>;
  exampleCallIds: string[];
  status: 'proposed' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string;
  createdAt: number;
}
export const tierChangeSchema: RxJsonSchema<TierChangeDoc> = {
  title: 'tierChanges',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    assessorId: refField,
    fromTier: { type: ['string', 'null'], enum: [...TIERS, null] },
    toTier: { type: 'string', enum: [...TIERS] },
    metrics: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
    exampleCallIds: { type: 'array', items: refField, maxItems: 20 },
    status: { type: 'string', enum: ['proposed', 'approved', 'rejected'] },
    decidedBy: nullableRef,
    decidedAt: nullableTime,
    reason: { type: 'string', maxLength: 2000 },
    createdAt: timeField,
  },
  required: [
    'id',
    'updatedAt',
    'assessorId',
    'fromTier',
    'toTier',
    'metrics',
    'exampleCallIds',
    'status',
    'decidedBy',
    'decidedAt',
    'reason',
    'createdAt',
  ],
  additionalProperties: false,
};

// ───────────────────────────── scorecards (defined by admins) ─────────────────────────────
export interface ScorecardQuestion {
  id: string;
  text: string;
  kind: 'yesno' | 'scale' | 'choice';
  options: string[];
  weight: number;
  allowNA: boolean;
}
export interface ScorecardDoc extends BaseDoc {
  name: string;
  sections: Array<{ id: string; title: string; questions: ScorecardQuestion[] }>;
  active: boolean;
  createdAt: number;
}
export const scorecardSchema: RxJsonSchema<ScorecardDoc> = {
  title: 'scorecards',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    name: shortText,
    sections: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        properties: {
          id: idField,
          title: shortText,
          questions: {
            type: 'array',
            maxItems: 50,
            items: {
              type: 'object',
              properties: {
                id: idField,
                text: { type: 'string', maxLength: 500 },
                kind: { type: 'string', enum: ['yesno', 'scale', 'choice'] },
                options: { type: 'array', items: shortText, maxItems: 20 },
                weight: { type: 'number', minimum: 0, maximum: 100 },
                allowNA: { type: 'boolean' },
              },
              required: ['id', 'text', 'kind', 'options', 'weight', 'allowNA'],
            },
          },
        },
        required: ['id', 'title', 'questions'],
      },
    },
    active: { type: 'boolean' },
    createdAt: timeField,
  },
  required: ['id', 'updatedAt', 'name', 'sections', 'active', 'createdAt'],
  additionalProperties: false,
};
