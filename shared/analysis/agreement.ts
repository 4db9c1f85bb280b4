import { OUTCOMES, type Outcome } from '../schemas/common';
import type { InsightDoc, ReviewDoc } from '../schemas/collections';
import { CallAnalysis } from './schema';

/**
 * How often each AI provider and model agrees with human reviewers on a call's outcome. A QA lead trusts an
 * AI outcome only as far as this report supports it, so it is computed from the replicated documents
 * themselves, the same way on the server and in the app.
 *
 * Pairs: every submitted review with an outcome, against the newest finished insight of that provider,
 * model and version for the same call. A call reviewed by two people counts twice (once per reviewer).
 * Cohen's kappa corrects the raw agreement for what two raters would reach by chance given how often each
 * uses each outcome (Cohen 1960; κ = (pₒ − pₑ) / (1 − pₑ)).
 */
export interface Disagreement {
  callId: string;
  reviewerId: string;
  ai: Outcome;
  reviewer: Outcome;
  confidence: number;
}

export interface AgreementGroup {
  provider: string;
  model: string;
  version: string;
  /** Review–insight pairs compared. */
  pairs: number;
  calls: number;
  agreed: number;
  /** agreed / pairs, or null with no pairs. */
  agreementRate: number | null;
  /** Null when undefined (no pairs, or both raters always used the same single outcome). */
  kappa: number | null;
  /** confusion[ai][reviewer] = number of pairs. */
  confusion: Record<Outcome, Record<Outcome, number>>;
  /** Mean AI confidence where it agreed and where it did not: confidence is useful only if these differ. */
  meanConfidenceAgreed: number | null;
  meanConfidenceDisagreed: number | null;
  disagreements: Disagreement[];
}

export interface AgreementReport {
  groups: AgreementGroup[];
  /** Submitted reviews with an outcome whose call has no finished insight at all. */
  reviewsWithoutInsight: number;
}

type InsightLike = Pick<InsightDoc, 'callId' | 'provider' | 'model' | 'version' | 'status' | 'createdAt'> & {
  analysis: unknown;
};
type ReviewLike = Pick<ReviewDoc, 'callId' | 'reviewerId' | 'outcome' | 'status'>;

function emptyMatrix(): Record<Outcome, Record<Outcome, number>> {
  const m = {} as Record<Outcome, Record<Outcome, number>>;
  for (const a of OUTCOMES) {
    m[a] = {} as Record<Outcome, number>;
    for (const r of OUTCOMES) m[a][r] = 0;
  }
  return m;
}

export function cohensKappa(confusion: Record<Outcome, Record<Outcome, number>>): number | null {
  let n = 0;
  let agreed = 0;
  const rows: Record<string, number> = {};
  const cols: Record<string, number> = {};
  for (const a of OUTCOMES) {
    for (const r of OUTCOMES) {
      const c = confusion[a][r];
      n += c;
      if (a === r) agreed += c;
      rows[a] = (rows[a] ?? 0) + c;
      cols[r] = (cols[r] ?? 0) + c;
    }
  }
  if (n === 0) return null;
  const po = agreed / n;
  let pe = 0;
  for (const k of OUTCOMES) pe += (rows[k] / n) * (cols[k] / n);
  if (pe >= 1) return null;
  return (po - pe) / (1 - pe);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function agreementReport(
  insights: InsightLike[],
  reviews: ReviewLike[],
  opts: { maxDisagreements?: number } = {},
): AgreementReport {
  const submitted = reviews.filter(
    (r): r is ReviewLike & { outcome: Outcome } => r.status === 'submitted' && r.outcome !== null,
  );
  const reviewsByCall = new Map<string, Array<ReviewLike & { outcome: Outcome }>>();
  for (const r of submitted) {
    const list = reviewsByCall.get(r.callId) ?? [];
    list.push(r);
    reviewsByCall.set(r.callId, list);
  }

  // Newest finished insight per (provider, model, version, call).
  const newest = new Map<string, { insight: InsightLike; analysis: CallAnalysis }>();
  const callsWithInsight = new Set<string>();
  for (const i of insights) {
    if (i.status !== 'done' || i.analysis === null) continue;
    const parsed = CallAnalysis.safeParse(i.analysis);
    if (!parsed.success) continue;
    callsWithInsight.add(i.callId);
    const key = JSON.stringify([i.provider, i.model, i.version, i.callId]);
    const seen = newest.get(key);
    if (!seen || seen.insight.createdAt < i.createdAt) newest.set(key, { insight: i, analysis: parsed.data });
  }

  const groups = new Map<
    string,
    AgreementGroup & { agreedConf: number[]; disagreedConf: number[]; callSet: Set<string> }
  >();
  for (const { insight, analysis } of newest.values()) {
    const key = JSON.stringify([insight.provider, insight.model, insight.version]);
    let g = groups.get(key);
    if (!g) {
      g = {
        provider: insight.provider,
        model: insight.model,
        version: insight.version,
        pairs: 0,
        calls: 0,
        agreed: 0,
        agreementRate: null,
        kappa: null,
        confusion: emptyMatrix(),
        meanConfidenceAgreed: null,
        meanConfidenceDisagreed: null,
        disagreements: [],
        agreedConf: [],
        disagreedConf: [],
        callSet: new Set(),
      };
      groups.set(key, g);
    }
    const ai = analysis.outcome.value;
    for (const review of reviewsByCall.get(insight.callId) ?? []) {
      g.pairs++;
      g.callSet.add(insight.callId);
      g.confusion[ai][review.outcome]++;
      if (ai === review.outcome) {
        g.agreed++;
        g.agreedConf.push(analysis.outcome.confidence);
      } else {
        g.disagreedConf.push(analysis.outcome.confidence);
        g.disagreements.push({
          callId: insight.callId,
          reviewerId: review.reviewerId,
          ai,
          reviewer: review.outcome,
          confidence: analysis.outcome.confidence,
        });
      }
    }
  }

  const max = opts.maxDisagreements ?? 500;
  const out: AgreementGroup[] = [...groups.values()]
    .filter((g) => g.pairs > 0)
    .map(({ agreedConf, disagreedConf, callSet, ...g }) => ({
      ...g,
      calls: callSet.size,
      agreementRate: g.pairs ? g.agreed / g.pairs : null,
      kappa: cohensKappa(g.confusion),
      meanConfidenceAgreed: mean(agreedConf),
      meanConfidenceDisagreed: mean(disagreedConf),
      // Most confident mistakes first: those are the ones that mislead a reviewer.
      disagreements: g.disagreements
        .sort((a, b) => b.confidence - a.confidence || a.callId.localeCompare(b.callId))
        .slice(0, max),
    }))
    .sort((a, b) => b.pairs - a.pairs || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));

  let reviewsWithoutInsight = 0;
  for (const [callId, list] of reviewsByCall) if (!callsWithInsight.has(callId)) reviewsWithoutInsight += list.length;
  return { groups: out, reviewsWithoutInsight };
}
