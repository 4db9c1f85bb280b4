import type { CallAnalysis } from '../../../shared/analysis/schema';
import type { InsightDoc, LeadDoc, MessageDoc, ReviewDoc } from '../../../shared/schemas';

/**
 * What is left of a document once its personal content is removed (retention periods, erasure requests).
 * Pure functions over documents; the structure and the numbers that metrics need stay, the words go.
 */
export const REMOVED = '[removed]';

/**
 * An analysis without the customer's or assessor's words: quotes, excerpts, evidence text and the summary
 * become a placeholder; scores, outcome, categories, labels and times stay, so dashboards and the agreement
 * between AI and reviewers still count the call. The result still satisfies the CallAnalysis schema.
 */
export function scrubAnalysis(a: CallAnalysis): CallAnalysis {
  const quoteOf = <T extends { quote: string }>(x: T): T => ({ ...x, quote: REMOVED });
  const criterion = (c: CallAnalysis['professionalism']['greeting']) => ({
    ...c,
    evidence: c.evidence === null ? null : REMOVED,
  });
  return {
    ...a,
    triggers: a.triggers.map(quoteOf),
    objections: a.objections.map((o) => ({ ...quoteOf(o), response: o.response ? quoteOf(o.response) : null })),
    professionalism: {
      ...a.professionalism,
      greeting: criterion(a.professionalism.greeting),
      clarity: criterion(a.professionalism.clarity),
      empathy: criterion(a.professionalism.empathy),
      nextStep: criterion(a.professionalism.nextStep),
      issues: a.professionalism.issues.map(quoteOf),
    },
    outcome: { ...a.outcome, evidence: a.outcome.evidence.map(quoteOf) },
    summary: REMOVED,
    cardDetails: a.cardDetails.map((c) => ({ ...c, excerpt: REMOVED })),
  };
}

/** Whether an insight still holds words that a transcript retention period must remove. */
export function insightHasText(doc: InsightDoc): boolean {
  return doc.transcript !== null || (doc.analysis !== null && doc.analysis.summary !== REMOVED);
}

/** Transcript retention: the transcript goes, the analysis keeps its numbers without the quotes. */
export function scrubInsightText(doc: InsightDoc): InsightDoc {
  return { ...doc, transcript: null, analysis: doc.analysis ? scrubAnalysis(doc.analysis) : null };
}

/** Erasure: the insight is deleted (a tombstone), and the tombstone itself carries nothing. */
export function emptyInsight(doc: InsightDoc): InsightDoc {
  return { ...doc, transcript: null, analysis: null, error: null };
}

export function scrubMessageBody(doc: MessageDoc): MessageDoc {
  return { ...doc, body: null };
}

/**
 * Erasure of a lead's personal fields. The lead stays (assignments, times, district and service count in
 * metrics and pricing); the outward postcode district alone does not identify a household.
 */
export function scrubLead(doc: LeadDoc): LeadDoc {
  return { ...doc, customerName: REMOVED, customerPhone: null, customerPhoneMasked: REMOVED, postcode: doc.district };
}

/** Erasure: a review keeps its scores and outcome; the reviewer's free text about the call goes. */
export function scrubReview(doc: ReviewDoc): ReviewDoc {
  return { ...doc, notes: '', regions: doc.regions.map((r) => ({ ...r, comment: '' })) };
}
