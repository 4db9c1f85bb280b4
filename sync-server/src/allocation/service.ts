import { RankBody, type RankAnswer } from '../../../shared/contracts/allocation';
import { rankAssessors } from '../../../shared/allocation/rank';
import { parseInput } from '../http/errors';
import { districtOf, loadPriceBook, quoteFrom, serviceOf, tierPriceRule, type PricingDeps } from '../pricing/service';
import { loadWindow, performanceOf, tierRules } from '../tiers/service';

/** The allocation order for a new lead (shared/allocation/SPEC.md), with the area price each assessor's price starts from. */
export async function rankForLead(deps: PricingDeps, input: unknown): Promise<RankAnswer> {
  const body = parseInput(RankBody, input ?? {});
  const district = districtOf(body.postcode);
  const service = serviceOf(body.service);
  const now = deps.now();
  const windowDays = tierRules(deps).windowDays;
  const from = now - windowDays * 86_400_000;
  const [book, w] = await Promise.all([loadPriceBook(deps), loadWindow(deps.db, from, now)]);
  const area = quoteFrom(book, district, service);
  const perf = performanceOf(w, from, now);
  // A shortlist may name assessors by the marketplace's externalId too.
  const byExternal = new Map(w.assessors.map((a) => [a.externalId, a.id]));
  const onlyIds = body.assessorIds?.map((ref) =>
    w.assessors.some((a) => a.id === ref) ? ref : (byExternal.get(ref) ?? ref),
  );
  const { ranked, excluded } = rankAssessors({
    district,
    service,
    areaPricePence: area.pricePence,
    assessors: w.assessors,
    performance: perf,
    priceRule: tierPriceRule(deps),
    onlyIds,
  });
  return {
    district,
    service,
    area: {
      pricePence: area.pricePence,
      source: area.source,
      ...(area.overrideId ? { overrideId: area.overrideId } : {}),
    },
    windowDays,
    ranked,
    excluded,
  };
}
