import type { ExtractDocumentTypeFromTypedRxJsonSchema, RxJsonSchema } from 'rxdb';
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
} from './common';
import type { CallAnalysis, TranscriberStamp } from '../analysis/schema';

/**
 * The client collections, each written once: a JSON schema literal (`as const`) from which RxDB's
 * `ExtractDocumentTypeFromTypedRxJsonSchema` derives the document type, so the type and the schema cannot drift
 * apart. Enums in the schema become string unions in the type; a field the schema lists in `required` is
 * required in the type. The same schemas build the app's RxDB collections and validate pushes on the server
 * (ajv). To add a field: add it to `properties` (and `required`), and raise `version` with a migration step if
 * stored documents lack it (replication SPEC R3a).
 */

// ───────────────────────────── leads (with their assignments) ─────────────────────────────
export const LEAD_GRADES = ['hot', 'warm', 'cold', 'suspect'] as const;
export type LeadGrade = (typeof LEAD_GRADES)[number];
const leadSchemaLiteral = {
  title: 'leads',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    externalId: shortText,
    customerName: shortText,
    // Real E.164 number: admins only; other roles receive `null` (see shared/sync-policy).
    customerPhone: { type: ['string', 'null'], maxLength: 20 },
    // Safe display form such as `07700 900***`.
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
          // The platform number both sides of this assignment see for each other (E.164).
          poolNumber: { type: 'string', maxLength: 20 },
          // Present when the assessor shares this pool number across several open sessions.
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
} as const;
export type LeadDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof leadSchemaLiteral>;
export const leadSchema: RxJsonSchema<LeadDoc> = leadSchemaLiteral;
export type Assignment = LeadDoc['assignments'][number];

// ───────────────────────────── assessors ─────────────────────────────
const assessorSchemaLiteral = {
  title: 'assessors',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    externalId: shortText,
    name: shortText,
    // Real E.164 number: admins only; other roles receive `null`.
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
} as const;
export type AssessorDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof assessorSchemaLiteral>;
export const assessorSchema: RxJsonSchema<AssessorDoc> = assessorSchemaLiteral;

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
const callSchemaLiteral = {
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
        // Channel order of the stored media: index 0 is channel 1.
        channels: { type: 'array', items: { type: 'string', enum: ['customer', 'assessor'] }, maxItems: 2 },
        storedAt: nullableTime,
      },
      required: ['state', 'durationSec', 'channels', 'storedAt'],
      additionalProperties: false,
    },
    // Reviewer the call is assigned to for QA, if any.
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
} as const;
export type CallDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof callSchemaLiteral>;
export const callSchema: RxJsonSchema<CallDoc> = callSchemaLiteral;
export type CallRecording = CallDoc['recording'];

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
const messageSchemaLiteral = {
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
    // Null once erased or expired by retention.
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
} as const;
export type MessageDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof messageSchemaLiteral>;
export const messageSchema: RxJsonSchema<MessageDoc> = messageSchemaLiteral;

// ───────────────────────────── insights (AI analysis of a call) ─────────────────────────────
const insightSchemaLiteral = {
  title: 'insights',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    updatedAt: timeField,
    callId: refField,
    // provider/model/version of the analysis (the transcript's own stamp is `transcriber`).
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
          // Word timings, when the transcription model gives them.
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
    // Who transcribed the call; null when no transcription provider is configured ("no transcript").
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
} as const;
/**
 * `analysis` and `transcriber` are typed by their zod schemas in shared/analysis: the JSON schema above checks only
 * their top level (the server validates the whole of them before any write).
 */
export type InsightDoc = Omit<
  ExtractDocumentTypeFromTypedRxJsonSchema<typeof insightSchemaLiteral>,
  'analysis' | 'transcriber'
> & {
  analysis: CallAnalysis | null;
  transcriber: TranscriberStamp | null;
};
export const insightSchema: RxJsonSchema<InsightDoc> = insightSchemaLiteral;
export type TranscriptSegment = NonNullable<InsightDoc['transcript']>[number];

// ───────────────────────────── reviews (one per call per reviewer) ─────────────────────────────
export type ReviewAnswer = number | boolean | string | 'na';
const reviewSchemaLiteral = {
  title: 'reviews',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    // `${callId}:${reviewerId}` so that two devices of one reviewer edit the same document.
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
    // Client edit time, used only to break ties deterministically in the conflict handler.
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
} as const;
export type ReviewDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof reviewSchemaLiteral>;
export const reviewSchema: RxJsonSchema<ReviewDoc> = reviewSchemaLiteral;
export type ReviewRegion = ReviewDoc['regions'][number];

// ───────────────────────────── clips (moments cut from calls for training) ─────────────────────────────
const clipSchemaLiteral = {
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
    // Time ranges bleeped out because they contain personal data.
    redactions: {
      type: 'array',
      maxItems: 100,
      items: { type: 'object', properties: { start: seconds, end: seconds }, required: ['start', 'end'] },
    },
    createdAt: timeField,
  },
  required: ['id', 'updatedAt', 'callId', 'authorId', 'title', 'notes', 'start', 'end', 'redactions', 'createdAt'],
  additionalProperties: false,
} as const;
export type ClipDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof clipSchemaLiteral>;
export const clipSchema: RxJsonSchema<ClipDoc> = clipSchemaLiteral;

// ───────────────────────────── courses ─────────────────────────────
const courseSchemaLiteral = {
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
    // The districts (outward codes) an "Area-Specific Strategies" course is about; empty: every area. Added in
    // version 1 (migration `coursesV1AddDistricts` in renderer/src/db/migrations.ts, server migration 015).
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
} as const;
export type CourseDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof courseSchemaLiteral>;
export const courseSchema: RxJsonSchema<CourseDoc> = courseSchemaLiteral;

// ───────────────────────────── areas (pricing per district and service) ─────────────────────────────
const areaSchemaLiteral = {
  title: 'areas',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    // `${district}:${service}`
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
} as const;
export type AreaDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof areaSchemaLiteral>;
export const areaSchema: RxJsonSchema<AreaDoc> = areaSchemaLiteral;
export type PriceOverride = NonNullable<AreaDoc['override']>;

// ───────────────────────────── tierChanges (proposed by the system, decided by an admin) ─────────────────────────────
const tierChangeSchemaLiteral = {
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
} as const;
export type TierChangeDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof tierChangeSchemaLiteral>;
export const tierChangeSchema: RxJsonSchema<TierChangeDoc> = tierChangeSchemaLiteral;

// ───────────────────────────── scorecards (defined by admins) ─────────────────────────────
const scorecardSchemaLiteral = {
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
} as const;
export type ScorecardDoc = ExtractDocumentTypeFromTypedRxJsonSchema<typeof scorecardSchemaLiteral>;
export const scorecardSchema: RxJsonSchema<ScorecardDoc> = scorecardSchemaLiteral;
export type ScorecardQuestion = ScorecardDoc['sections'][number]['questions'][number];
