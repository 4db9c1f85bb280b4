/**
 * What an override would have done, and how a district's price has moved, computed on the admin's device from
 * the documents it already holds (90 days of leads, calls and reviews, and the assessors with their tiers).
 * The same rules as the server: PR2 counting (`leadOutcomesFrom` is the server's SQL in plain code), PR3–PR6
 * (`areaPrice`) and PR8 (`assessorPrice`). Rule ids PR9 and PR10 in ./SPEC.md. Pure: the caller passes the clock.
 */
import type { Assignment, CallDoc, LeadDoc, ReviewDoc, Service, Tier } from '../schemas';
import { EMPTY_COUNTS, areaKey, areaPrice, countAreas, type LeadOutcome, type PricingRule } from './area-price';
import { assessorPrice, type TierPriceRule } from './assessor-price';

const DAY_MS = 86_400_000;

/** The parts of a lead these rules read (read-only, so the app's stored documents fit as they are). */
export type SoldLead = Pick<LeadDoc, 'district' | 'service' | 'createdAt'> & {
  readonly assignments: readonly Pick<Assignment, 'assessorId' | 'bookedAt'>[];
};
type OutcomeLead = SoldLead & Pick<LeadDoc, 'id' | 'status'>;
type OutcomeCall = Pick<CallDoc, 'id' | 'leadId' | 'connected'>;
type OutcomeReview = Pick<ReviewDoc, 'callId' | 'status' | 'outcome'>;

/**
 * PR2 per lead: connected (a connected call on the lead, any assessor, either direction) and booked (the
 * lead's status, a booking on one of its assignments, or a reviewer-submitted outcome of booked on one of its
 * calls).
 */
export function leadOutcomesFrom(
  leads: readonly OutcomeLead[],
  calls: readonly OutcomeCall[],
  reviews: readonly OutcomeReview[],
): LeadOutcome[] {
  const bookedCalls = new Set(
    reviews.filter((r) => r.status === 'submitted' && r.outcome === 'booked').map((r) => r.callId),
  );
  const connected = new Set<string>();
  const booked = new Set<string>();
  for (const c of calls) {
    if (!c.leadId) continue;
    if (c.connected) connected.add(c.leadId);
    if (bookedCalls.has(c.id)) booked.add(c.leadId);
  }
  return leads.map((l) => ({
    district: l.district,
    service: l.service,
    createdAt: l.createdAt,
    connected: connected.has(l.id),
    booked: l.status === 'booked' || l.assignments.some((a) => a.bookedAt !== null) || booked.has(l.id),
  }));
}

// ───────────────────────────── PR9 what-if ─────────────────────────────

export interface RevenueWhatIf {
  /** Leads of the district × service created in the period, and the assignments they were sold as. */
  leads: number;
  assignments: number;
  /** Revenue of those assignments at the price that applies now, and at the proposed price (PR8 per tier). */
  currentRevenuePence: number;
  proposedRevenuePence: number;
  deltaPence: number;
  from: number;
  to: number;
}

/**
 * PR9: every assignment of a lead of this district × service created in [now − days, now) pays its assessor's
 * price (PR8, the assessor's tier now) once at the price that applies now and once at the proposed one; the
 * difference is what the override would have changed that period's revenue by.
 */
export function revenueWhatIf(
  rule: TierPriceRule,
  input: {
    district: string;
    service: Service;
    leads: readonly SoldLead[];
    tierOf: (assessorId: string) => Tier | null;
    currentPricePence: number;
    proposedPricePence: number;
    now: number;
    days: number;
  },
): RevenueWhatIf {
  const from = input.now - input.days * DAY_MS;
  let leads = 0;
  let assignments = 0;
  let current = 0;
  let proposed = 0;
  for (const l of input.leads) {
    if (l.district !== input.district || l.service !== input.service) continue;
    if (l.createdAt < from || l.createdAt >= input.now) continue;
    leads++;
    for (const a of l.assignments) {
      const tier = input.tierOf(a.assessorId);
      assignments++;
      current += assessorPrice(rule, input.currentPricePence, tier).pricePence;
      proposed += assessorPrice(rule, input.proposedPricePence, tier).pricePence;
    }
  }
  return {
    leads,
    assignments,
    currentRevenuePence: current,
    proposedRevenuePence: proposed,
    deltaPence: proposed - current,
    from,
    to: input.now,
  };
}

// ───────────────────────────── PR10 trend ─────────────────────────────

export interface TrendPoint {
  /** The period [from, to). */
  from: number;
  to: number;
  leads: number;
  /** The rule price the period's figures alone give (PR3–PR6 over that period, blended toward its service). */
  pricePence: number;
  method: 'own' | 'blended' | 'base';
}

/**
 * PR10: the district × service's rule price from each of the last `periods` periods of `periodDays` on its own,
 * oldest first, so an admin sees which way the figures move before overriding them.
 */
export function priceTrend(
  rule: PricingRule,
  outcomes: readonly LeadOutcome[],
  district: string,
  service: Service,
  now: number,
  periods = 3,
  periodDays = 30,
): TrendPoint[] {
  const points: TrendPoint[] = [];
  const periodRule: PricingRule = { ...rule, windowDays: periodDays };
  for (let k = periods - 1; k >= 0; k--) {
    const to = now - k * periodDays * DAY_MS;
    const { byArea, byService } = countAreas(periodRule, outcomes, to);
    const own = byArea.get(areaKey(district, service)) ?? EMPTY_COUNTS;
    const price = areaPrice(periodRule, district, service, own, byService.get(service) ?? EMPTY_COUNTS);
    points.push({
      from: to - periodDays * DAY_MS,
      to,
      leads: own.leads,
      pricePence: price.pricePence,
      method: price.method,
    });
  }
  return points;
}
