import type { AppContext } from '../context';
import { listPrices, refreshAreaDocs, setOverride } from '../pricing/service';
import { proposeTiers } from '../tiers/service';

/**
 * What the demo leaves for an admin once its month is filled (issue 12): every district's price from the demo's
 * own calls (the area documents, refreshed now rather than at the next daily run), the tier proposals the month
 * supports waiting for a decision (the nightly run, once; nothing is applied), and two overrides to look at —
 * one applying now, one scheduled — set by the demo itself and audited as `sandbox demo`.
 */
export interface DemoMarketplace {
  areas: number;
  proposals: number;
  overrides: number;
}

const DAY_MS = 86_400_000;
const DEMO_ACTOR = { id: 'sandbox-demo', actor: { label: 'sandbox demo' } };

export async function leaveForAdmins(ctx: AppContext): Promise<DemoMarketplace> {
  const areas = await refreshAreaDocs(ctx);
  const run = await proposeTiers(ctx, { label: 'sandbox demo' });
  const now = ctx.now();
  // The two busiest district × services priced from their own calls.
  const busiest = (await listPrices(ctx)).prices
    .filter((p) => p.source === 'rule' && p.basis.leads > 0)
    .sort((a, b) => b.basis.leads - a.basis.leads || a.district.localeCompare(b.district));
  let overrides = 0;
  const [first, second] = busiest;
  if (first) {
    await setOverride(ctx, DEMO_ACTOR, {
      district: first.district,
      service: first.service,
      pricePence: Math.max(300, first.pricePence - 300),
      reason: 'Demo: three pounds off for a fortnight to win more assessors here',
      validFrom: now - 3 * DAY_MS,
      validTo: now + 11 * DAY_MS,
    });
    overrides++;
  }
  if (second) {
    await setOverride(ctx, DEMO_ACTOR, {
      district: second.district,
      service: second.service,
      pricePence: second.pricePence + 200,
      reason: 'Demo: demand expected after the local radio campaign',
      validFrom: now + 7 * DAY_MS,
      validTo: now + 37 * DAY_MS,
    });
    overrides++;
  }
  return { areas, proposals: run.proposed.length, overrides };
}

/** The marketplace's order for a new lead's shortlist (shared/allocation/SPEC.md): ranked first, then any left. */
export function inRankOrder(shortlist: readonly string[], ranked: readonly { assessorId: string }[]): string[] {
  const order = ranked.map((r) => r.assessorId).filter((id) => shortlist.includes(id));
  return [...order, ...shortlist.filter((id) => !order.includes(id))];
}
