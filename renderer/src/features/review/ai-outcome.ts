import type { InsightDoc, Outcome } from '../../../../shared/schemas';

export interface AiOutcome {
  outcome: Outcome;
  /** 0..1: how sure the provider is. */
  confidence: number;
  provider: string;
  model: string;
}

/** The AI's outcome for a call from a finished insight (shared/analysis CallAnalysis.outcome), or null. */
export function aiOutcomeOf(insight: InsightDoc | null | undefined): AiOutcome | null {
  if (!insight || insight.status !== 'done' || !insight.analysis) return null;
  const { value, confidence } = insight.analysis.outcome;
  return { outcome: value, confidence, provider: insight.provider, model: insight.model };
}
