import type { AgreementGroup, Disagreement } from '../../../../shared/analysis';
import type { Outcome } from '../../../../shared/schemas';
import type { agreement } from '../../../../shared/contracts/analysis';
import type { QueryInput } from '../../../../shared/contracts/define';

/** Periods the report can cover (by when the review was submitted). */
export const PERIODS = [
  { id: '30d', label: 'Last 30 days', days: 30 },
  { id: '90d', label: 'Last 90 days', days: 90 },
  { id: '365d', label: 'Last 12 months', days: 365 },
  { id: 'all', label: 'All time', days: null },
] as const;
export type PeriodId = (typeof PERIODS)[number]['id'];

export function agreementQuery(period: PeriodId, now: number): QueryInput<typeof agreement> {
  const p = PERIODS.find((x) => x.id === period) ?? PERIODS[1];
  return p.days === null ? {} : { since: now - p.days * 86_400_000 };
}

/**
 * Kappa in words, after Landis and Koch (1977), the scale QA leads usually meet: a kappa near 0 means the AI
 * agrees with reviewers no more than chance would, however high the raw agreement looks.
 */
export function kappaWords(kappa: number | null): string {
  if (kappa === null) return 'not defined: every pair used the same single outcome';
  // Kappa from a handful of pairs lands on exact values such as 0; "slight agreement" would flatter it.
  if (kappa < -0.005) return 'worse than chance';
  if (kappa < 0.005) return 'no better than chance';
  if (kappa <= 0.2) return 'slight agreement';
  if (kappa <= 0.4) return 'fair agreement';
  if (kappa <= 0.6) return 'moderate agreement';
  if (kappa <= 0.8) return 'substantial agreement';
  return 'almost perfect agreement';
}

/** Below this many review–AI pairs the figures swing with every review; the screen says so. */
export const FEW_PAIRS = 30;

/** The disagreements in one confusion-matrix cell, or all of them. */
export function disagreementsIn(
  group: Pick<AgreementGroup, 'disagreements'>,
  cell: { ai: Outcome; reviewer: Outcome } | null,
): Disagreement[] {
  if (!cell) return group.disagreements;
  return group.disagreements.filter((d) => d.ai === cell.ai && d.reviewer === cell.reviewer);
}

export function groupKey(g: Pick<AgreementGroup, 'provider' | 'model' | 'version'>): string {
  return `${g.provider}\u0000${g.model}\u0000${g.version}`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

export function formatKappa(kappa: number | null): string {
  return kappa === null ? '—' : kappa.toFixed(2);
}
