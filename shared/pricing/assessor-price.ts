/**
 * The price an assessor pays for a lead: the area price combined with the assessor's tier by one configurable
 * rule (PR8 in ./SPEC.md). Default: area price × (tier price ÷ Gold price).
 */
import type { Tier } from '../schemas';
import { pounds } from './area-price';

export interface TierPriceRule {
  /** List price per lead of each tier (the brief: Platinum £30, Gold £20, Silver £12, Bronze £8). */
  tierPricePence: Readonly<Record<Tier, number>>;
  /** The tier whose assessors pay the area price unchanged. */
  referenceTier: Tier;
  /** Terms for an assessor with no approved tier yet. */
  untieredAs: Tier;
}

export const DEFAULT_TIER_PRICE_RULE: TierPriceRule = {
  tierPricePence: { platinum: 3000, gold: 2000, silver: 1200, bronze: 800 },
  referenceTier: 'gold',
  untieredAs: 'gold',
};

export interface AssessorPrice {
  tier: Tier | null;
  /** The tier whose terms applied (`untieredAs` when the assessor has none). */
  pricedAs: Tier;
  areaPricePence: number;
  factor: number;
  pricePence: number;
  /** The working, e.g. `£25 × (£30 ÷ £20) = £37.50`. */
  working: string;
}

/** PR8: area × (tier ÷ reference), rounded to whole pence. */
export function assessorPrice(rule: TierPriceRule, areaPricePence: number, tier: Tier | null): AssessorPrice {
  const pricedAs = tier ?? rule.untieredAs;
  const tierPence = rule.tierPricePence[pricedAs];
  const refPence = rule.tierPricePence[rule.referenceTier];
  const factor = tierPence / refPence;
  const pricePence = Math.round((areaPricePence * tierPence) / refPence);
  const note = tier ? '' : ` (no approved tier yet: ${pricedAs} terms)`;
  return {
    tier,
    pricedAs,
    areaPricePence,
    factor,
    pricePence,
    working: `${pounds(areaPricePence)} × (${pounds(tierPence)} ${pricedAs} ÷ ${pounds(refPence)} ${rule.referenceTier}) = ${pounds(pricePence)}${note}`,
  };
}
