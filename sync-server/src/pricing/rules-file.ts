import fs from 'node:fs';
import { z } from 'zod';
import { errorMessage } from '../../../shared/objects';
import { DEFAULT_PRICING_RULE, type PricingRule } from '../../../shared/pricing/area-price';
import { DEFAULT_TIER_PRICE_RULE, type TierPriceRule } from '../../../shared/pricing/assessor-price';
import { SERVICES, TIERS } from '../../../shared/schemas';
import { DEFAULT_TIER_RULES, TIER_METRICS, type TierRules } from '../../../shared/tiers/rules';

/**
 * The commercial rules (area pricing, tier prices, tier thresholds) with the defaults of the SPECs
 * (shared/pricing/SPEC.md, shared/tiers/SPEC.md), optionally overridden by a JSON file named by RULES_FILE.
 * Each top-level section given replaces the defaults field by field; a tier `rows` table, when given, replaces
 * the whole table. Read once at start with the rest of the configuration; a malformed file stops the server.
 */
export interface Rules {
  pricing: PricingRule;
  tierPrices: TierPriceRule;
  tiers: TierRules;
}

export const DEFAULT_RULES: Rules = {
  pricing: DEFAULT_PRICING_RULE,
  tierPrices: DEFAULT_TIER_PRICE_RULE,
  tiers: DEFAULT_TIER_RULES,
};

const rate = z.number().min(0).max(1);
const pence = z.number().int().min(0).max(100_000);
const tier = z.enum(TIERS);

const RulesFile = z
  .object({
    pricing: z
      .object({
        windowDays: z.number().int().min(1).max(3650),
        minLeads: z.number().int().min(1).max(100_000),
        callRateWeight: rate,
        anchors: z
          .array(
            z.object({ label: z.string().max(20), callRate: rate, conversionRate: rate, pricePence: pence }).strict(),
          )
          .min(2),
        floorPence: pence,
        ceilingPence: pence,
        basePricePence: z.object(Object.fromEntries(SERVICES.map((s) => [s, pence.optional()]))).strict(),
      })
      .partial()
      .strict(),
    tierPrices: z
      .object({
        tierPricePence: z.object(Object.fromEntries(TIERS.map((t) => [t, pence.optional()]))).strict(),
        referenceTier: tier,
        untieredAs: tier,
      })
      .partial()
      .strict(),
    tiers: z
      .object({
        windowDays: z.number().int().min(1).max(3650),
        minAssignments: z.number().int().min(1).max(100_000),
        rows: z.array(
          z
            .object({
              tier,
              when: z.enum(['all', 'any']),
              meaning: z.string().min(1).max(100),
              conditions: z
                .array(
                  z
                    .object({
                      metric: z.enum(TIER_METRICS).exclude(['assignments']),
                      op: z.enum(['<', '<=', '>', '>=']),
                      enter: z.number(),
                      stay: z.number(),
                    })
                    .strict(),
                )
                .min(1),
            })
            .strict(),
        ),
        otherwise: tier,
        cooldown: z
          .object({ days: z.number().int().min(0).max(3650), materialShare: z.number().min(0).max(10) })
          .strict(),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** The rules from a file, or a list of problems naming the field at fault. */
export function loadRulesFile(file: string): Rules | string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return [`RULES_FILE: cannot read ${file}: ${errorMessage(err)}`];
  }
  const parsed = RulesFile.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `RULES_FILE ${i.path.join('.')}: ${i.message}`);
  const f = parsed.data;
  const pricing: PricingRule = {
    ...DEFAULT_PRICING_RULE,
    ...f.pricing,
    basePricePence: { ...DEFAULT_PRICING_RULE.basePricePence, ...definedOnly(f.pricing?.basePricePence) },
  };
  const tierPrices: TierPriceRule = {
    ...DEFAULT_TIER_PRICE_RULE,
    ...f.tierPrices,
    tierPricePence: { ...DEFAULT_TIER_PRICE_RULE.tierPricePence, ...definedOnly(f.tierPrices?.tierPricePence) },
  };
  const problems: string[] = [];
  if (pricing.floorPence > pricing.ceilingPence) problems.push('RULES_FILE pricing: floorPence is above ceilingPence');
  const scores = new Set(
    pricing.anchors.map((a) => pricing.callRateWeight * a.callRate + (1 - pricing.callRateWeight) * a.conversionRate),
  );
  if (scores.size !== pricing.anchors.length)
    problems.push('RULES_FILE pricing.anchors: two anchors have the same score');
  const byScore = pricing.anchors
    .map((a) => ({
      s: pricing.callRateWeight * a.callRate + (1 - pricing.callRateWeight) * a.conversionRate,
      p: a.pricePence,
    }))
    .sort((a, b) => a.s - b.s);
  if (byScore.some((a, i) => i > 0 && a.p < byScore[i - 1].p))
    problems.push('RULES_FILE pricing.anchors: a higher score must not have a lower price (the rule must be monotone)');
  if (tierPrices.tierPricePence[tierPrices.referenceTier] === 0)
    problems.push('RULES_FILE tierPrices: the reference tier costs nothing');
  if (problems.length) return problems;
  return { pricing, tierPrices, tiers: { ...DEFAULT_TIER_RULES, ...f.tiers } };
}

function definedOnly<T extends Record<string, unknown>>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
