/**
 * Allocation order: which assessors may take a new lead in a district × service, and in what order, each with
 * the reasons and the price they would pay. Rule ids (AL1 …) are in ./SPEC.md; tests cite them.
 * Pure and deterministic: equal inputs give the same order (AL5).
 */
import { assessorPrice, type TierPriceRule } from '../pricing/assessor-price';
import type { AssessorDoc, Service, Tier } from '../schemas';
import { TIER_PRIORITY } from '../tiers/rules';

export type RankableAssessor = Pick<
  AssessorDoc,
  'id' | 'name' | 'active' | 'districts' | 'services' | 'tier' | 'coursesCompleted'
>;

/** Recent performance of one assessor (shared/metrics.ts over the tier window). */
export interface RecentPerformance {
  assignments: number;
  successRate: number | null;
  conversionRate: number | null;
}

export interface RankedAssessor {
  position: number;
  assessorId: string;
  name: string;
  tier: Tier | null;
  /** The tier whose priority and price applied (an assessor with no tier gets the untiered terms). */
  rankedAs: Tier;
  coursesCompleted: number;
  /** (success rate + conversion) ÷ 2 over the recent window; null with no recent assignments. */
  performance: number | null;
  pricePence: number;
  priceWorking: string;
  reasons: string[];
}

export interface ExcludedAssessor {
  assessorId: string;
  reasons: string[];
}

export interface RankInput {
  district: string;
  service: Service;
  areaPricePence: number;
  assessors: readonly RankableAssessor[];
  performance: ReadonlyMap<string, RecentPerformance>;
  priceRule: TierPriceRule;
  /** Only these assessors (the marketplace's shortlist); others are not considered. */
  onlyIds?: readonly string[];
}

export function performanceScore(p: RecentPerformance | undefined): number | null {
  if (!p || p.assignments === 0 || p.successRate === null || p.conversionRate === null) return null;
  return (p.successRate + p.conversionRate) / 2;
}

/** AL1–AL5. */
export function rankAssessors(input: RankInput): { ranked: RankedAssessor[]; excluded: ExcludedAssessor[] } {
  const wanted = input.onlyIds ? new Set(input.onlyIds) : null;
  const excluded: ExcludedAssessor[] = [];
  const eligible: Array<Omit<RankedAssessor, 'position'>> = [];
  const byId = new Map(input.assessors.map((a) => [a.id, a]));
  if (wanted) {
    for (const id of [...wanted].sort())
      if (!byId.has(id)) excluded.push({ assessorId: id, reasons: ['unknown assessor'] });
  }
  for (const a of input.assessors) {
    if (wanted && !wanted.has(a.id)) continue;
    // AL1: eligibility.
    const why: string[] = [];
    if (!a.active) why.push('not active');
    if (!a.districts.includes(input.district)) why.push(`does not serve ${input.district}`);
    if (!a.services.includes(input.service)) why.push(`does not offer ${input.service}`);
    if (why.length) {
      excluded.push({ assessorId: a.id, reasons: why });
      continue;
    }
    const price = assessorPrice(input.priceRule, input.areaPricePence, a.tier);
    const perf = input.performance.get(a.id);
    const score = performanceScore(perf);
    eligible.push({
      assessorId: a.id,
      name: a.name,
      tier: a.tier,
      rankedAs: price.pricedAs,
      coursesCompleted: a.coursesCompleted.length,
      performance: score,
      pricePence: price.pricePence,
      priceWorking: price.working,
      reasons: [
        a.tier
          ? `tier ${a.tier} (priority ${TIER_PRIORITY[a.tier] + 1} of 4)`
          : `no approved tier: ranked as ${price.pricedAs} (priority ${TIER_PRIORITY[price.pricedAs] + 1} of 4)`,
        `${a.coursesCompleted.length} training course${a.coursesCompleted.length === 1 ? '' : 's'} completed`,
        score === null
          ? 'no recent assignments to measure'
          : `recent performance ${Math.round(score * 1000) / 10} % (success ${pct(perf!.successRate!)}, conversion ${pct(perf!.conversionRate!)} over ${perf!.assignments} assignments)`,
        `pays ${price.working}`,
      ],
    });
  }
  // AL2–AL5: tier priority, then courses completed (more first), then recent performance (higher first; none
  // last), then id.
  eligible.sort(
    (x, y) =>
      TIER_PRIORITY[x.rankedAs] - TIER_PRIORITY[y.rankedAs] ||
      y.coursesCompleted - x.coursesCompleted ||
      (y.performance ?? -1) - (x.performance ?? -1) ||
      (x.assessorId < y.assessorId ? -1 : x.assessorId > y.assessorId ? 1 : 0),
  );
  excluded.sort((x, y) => (x.assessorId < y.assessorId ? -1 : x.assessorId > y.assessorId ? 1 : 0));
  return { ranked: eligible.map((e, i) => ({ position: i + 1, ...e })), excluded };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
