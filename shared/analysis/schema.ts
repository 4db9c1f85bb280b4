import { z } from 'zod';

/**
 * The shape of AI analysis in Ringside, shared by the sync server (which produces and validates it) and the
 * app (which shows it). Every provider's output is parsed with these schemas before it is stored, so the
 * review workspace can trust the shape whichever provider produced it.
 *
 * Times are seconds from the start of the recording (the same clock as the waveform), so a marker seeks to
 * the moment it describes.
 */
export const ANALYSIS_SCHEMA_VERSION = 1;

export const SPEAKERS = ['customer', 'assessor'] as const;
export const Speaker = z.enum(SPEAKERS);
export type Speaker = z.infer<typeof Speaker>;

// ───────────────────────────── transcripts ─────────────────────────────

export const TranscriptWord = z.object({
  word: z.string(),
  start: z.number().min(0),
  end: z.number().min(0),
});
export type TranscriptWord = z.infer<typeof TranscriptWord>;

/** One speaker-labelled stretch of speech. `words` only when the transcription model gives word timings. */
export const TranscriptSegment = z
  .object({
    speaker: Speaker,
    start: z.number().min(0),
    end: z.number().min(0),
    text: z.string().max(20000),
    words: z.array(TranscriptWord).optional(),
  })
  .refine((s) => s.end >= s.start, { message: 'end must not be before start', path: ['end'] });
export type TranscriptSegment = z.infer<typeof TranscriptSegment>;

/** The file format of `npm run cli -- analyse <transcript.json>` and of the test fixtures. */
export const TranscriptFile = z.object({
  segments: z.array(TranscriptSegment).max(5000),
});
export type TranscriptFile = z.infer<typeof TranscriptFile>;

/** Who produced a transcript or an analysis: provider, model, and prompt or analyser version. */
export const Stamp = z.object({
  provider: z.string().min(1).max(60),
  model: z.string().min(1).max(100),
  version: z.string().min(1).max(100),
});
export type Stamp = z.infer<typeof Stamp>;

export const TranscriberStamp = Stamp.extend({
  /** True when the transcript is the sandbox's script for its own synthetic demo call, not a real transcript. */
  sandbox: z.boolean(),
});
export type TranscriberStamp = z.infer<typeof TranscriberStamp>;

// ───────────────────────────── analysis result ─────────────────────────────

export const OUTCOME_VALUES = ['booked', 'callback', 'lost'] as const;
export const OutcomeValue = z.enum(OUTCOME_VALUES);

export const OBJECTION_CATEGORIES = ['price', 'timing', 'trust', 'need', 'competitor', 'other'] as const;
export const ObjectionCategory = z.enum(OBJECTION_CATEGORIES);
export type ObjectionCategory = z.infer<typeof ObjectionCategory>;

export const PROFESSIONALISM_CRITERIA = ['greeting', 'clarity', 'empathy', 'nextStep'] as const;
export type ProfessionalismCriterion = (typeof PROFESSIONALISM_CRITERIA)[number];

export const CARD_FLAG_KINDS = ['card-number', 'security-code', 'expiry-date', 'card-mention'] as const;

const Seconds = z.number().min(0).max(1e7);
const Quote = z.string().min(1).max(500);

/** A quote from the transcript that supports a claim, with where it is. */
export const Evidence = z.object({
  quote: Quote,
  time: Seconds,
  speaker: Speaker,
});
export type Evidence = z.infer<typeof Evidence>;

export const SentimentPoint = z.object({
  /** Seconds from the start of the call. */
  t: Seconds,
  /** Customer sentiment at that moment, −1 (very unhappy) … +1 (very happy). */
  score: z.number().min(-1).max(1),
});
export type SentimentPoint = z.infer<typeof SentimentPoint>;

export const Sentiment = z.object({
  /** The customer's overall satisfaction, −1 … +1, weighted towards how the call ended. */
  score: z.number().min(-1).max(1),
  label: z.enum(['negative', 'neutral', 'positive']),
  /** How the customer's sentiment moves through the call, in time order. */
  curve: z.array(SentimentPoint).max(200),
});
export type Sentiment = z.infer<typeof Sentiment>;

/** A phrase that moved the customer towards booking. */
export const ConversionTrigger = z.object({
  quote: Quote,
  time: Seconds,
  speaker: Speaker,
  /** Short label such as "free quote", "availability", "guarantee". */
  label: z.string().max(60),
});
export type ConversionTrigger = z.infer<typeof ConversionTrigger>;

export const Objection = z.object({
  category: ObjectionCategory,
  /** The customer's words. */
  quote: Quote,
  time: Seconds,
  /** Whether the assessor answered the objection and the customer did not come back to it. */
  handled: z.boolean(),
  /** The assessor's answer, when there was one. */
  response: Evidence.nullable(),
});
export type Objection = z.infer<typeof Objection>;

export const Criterion = z.object({
  met: z.boolean(),
  /** Why: a quote or a short observation. */
  evidence: z.string().max(500).nullable(),
  time: Seconds.nullable(),
});
export type Criterion = z.infer<typeof Criterion>;

export const Professionalism = z.object({
  /** 0 … 100. */
  score: z.number().min(0).max(100),
  greeting: Criterion,
  clarity: Criterion,
  empathy: Criterion,
  nextStep: Criterion,
  /** Things that cost points (rudeness, jargon, talking over the customer …), each with its quote. */
  issues: z.array(Evidence.extend({ reason: z.string().max(200) })).max(50),
});
export type Professionalism = z.infer<typeof Professionalism>;

export const Outcome = z.object({
  value: OutcomeValue,
  /** 0 … 1: how sure the provider is. A guess without evidence stays low. */
  confidence: z.number().min(0).max(1),
  evidence: z.array(Evidence).max(20),
});
export type Outcome = z.infer<typeof Outcome>;

/** Something that looks like card details. Never holds the digits themselves (PCI DSS): at most the last four. */
export const CardFlag = z.object({
  kind: z.enum(CARD_FLAG_KINDS),
  time: Seconds,
  speaker: Speaker,
  /** The surrounding words with digits masked, e.g. "it's •••• •••• •••• 4242". */
  excerpt: z.string().max(300),
});
export type CardFlag = z.infer<typeof CardFlag>;

/**
 * The analysis of one call, as stored in `InsightDoc.analysis`. `stamp` repeats the insight's provider,
 * model and version so that an exported result still says where it came from.
 */
export const CallAnalysis = z.object({
  schemaVersion: z.literal(ANALYSIS_SCHEMA_VERSION),
  stamp: Stamp,
  sentiment: Sentiment,
  triggers: z.array(ConversionTrigger).max(50),
  objections: z.array(Objection).max(50),
  professionalism: Professionalism,
  outcome: Outcome,
  summary: z.string().min(1).max(2000),
  cardDetails: z.array(CardFlag).max(50),
  /** Notes on what the provider could not judge (short transcript, one speaker silent …). */
  caveats: z.array(z.string().max(300)).max(20),
});
export type CallAnalysis = z.infer<typeof CallAnalysis>;

export function sentimentLabel(score: number): Sentiment['label'] {
  if (score >= 0.15) return 'positive';
  if (score <= -0.15) return 'negative';
  return 'neutral';
}

/** Weights of the four professionalism criteria in the 0–100 score (before deductions for issues). */
export const PROFESSIONALISM_WEIGHTS: Record<ProfessionalismCriterion, number> = {
  greeting: 20,
  clarity: 25,
  empathy: 25,
  nextStep: 30,
};
export const PROFESSIONALISM_ISSUE_PENALTY = 15;

/** The professionalism score from its criteria, so every provider scores on the same scale. */
export function professionalismScore(p: Pick<Professionalism, ProfessionalismCriterion | 'issues'>): number {
  let score = 0;
  for (const c of PROFESSIONALISM_CRITERIA) if (p[c].met) score += PROFESSIONALISM_WEIGHTS[c];
  score -= PROFESSIONALISM_ISSUE_PENALTY * p.issues.length;
  return Math.max(0, Math.min(100, score));
}
