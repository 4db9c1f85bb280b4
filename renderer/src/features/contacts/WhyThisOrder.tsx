import { useMemo, useState } from 'react';
import { rankAssessors, type RecentPerformance } from '../../../../shared/allocation/rank';
import { assessorPerformance } from '../../../../shared/metrics';
import { DEFAULT_TIER_PRICE_RULE } from '../../../../shared/pricing/assessor-price';
import { DEFAULT_TIER_RULES } from '../../../../shared/tiers/rules';
import type { LeadDoc, ReviewDoc } from '../../../../shared/schemas';
import { useDocument, useQuery } from '../../db/hooks';
import { formatPence } from '../../ui/format';
import { useContactsData } from './use-contacts-data';

const DAY_MS = 86_400_000;

/**
 * "Why this order" on a lead (shared/allocation/SPEC.md): who may take a lead of this district and service now,
 * in allocation order, each with the reasons and the price they would pay. Worked out on this device (offline
 * too) with the same pure rule the server's POST /api/allocation/rank uses, over the replicated assessors (tier,
 * courses), the last 30 days of leads, calls, texts and reviews, and the district's price from its area
 * document. It is the order as it stands now, not as it was when this lead was shared out.
 */
export function WhyThisOrder({ lead }: { lead: Pick<LeadDoc, 'district' | 'service' | 'assignments'> }) {
  const [now] = useState(() => Date.now());
  const from = now - DEFAULT_TIER_RULES.windowDays * DAY_MS;
  // One more window of leads: an assignment can come after its lead was created (as the server reads it).
  const data = useContactsData(from - DEFAULT_TIER_RULES.windowDays * DAY_MS, now);
  const area = useDocument('areas', `${lead.district}:${lead.service}`);
  // A reviewer-confirmed booking counts as one (PRODUCT.md conversion), as on the server.
  const bookedReviews = useQuery('reviews', { selector: { status: 'submitted', outcome: 'booked' } });
  const areaPricePence = useMemo(() => {
    const a = area.doc;
    if (!a) return null;
    const o = a.override;
    const applies = o && o.validFrom <= now && (o.validTo === null || now < o.validTo);
    return applies ? o.pricePence : a.suggestedPricePence;
  }, [area.doc, now]);
  const ranking = useMemo(() => {
    if (data.loading || bookedReviews.loading || areaPricePence === null) return null;
    // DeepReadonly documents are handed to a pure function that never writes them.
    const reviews = bookedReviews.docs as unknown as ReviewDoc[];
    const performance = new Map<string, RecentPerformance>(
      assessorPerformance([...data.leads], [...data.calls], [...data.messages], { from, to: now, reviews }).map((p) => [
        p.assessorId,
        p,
      ]),
    );
    return rankAssessors({
      district: lead.district,
      service: lead.service,
      areaPricePence,
      assessors: data.assessors,
      performance,
      priceRule: DEFAULT_TIER_PRICE_RULE,
    });
  }, [data, bookedReviews, areaPricePence, lead.district, lead.service, from, now]);
  const assigned = new Set(lead.assignments.map((a) => a.assessorId));

  return (
    <section className="ct-section" aria-label="Why this order" data-testid="why-this-order">
      <h3 className="ct-section-label">Why this order</h3>
      <p className="subtle ct-order-help">
        Who a {lead.district} lead goes to first now: tier, then training courses completed, then the last 30 days’
        success and conversion. Worked out on this device from its assessors and recent calls.
      </p>
      {area.loading || data.loading ? (
        <p className="muted">Loading…</p>
      ) : !ranking ? (
        <p className="muted">No price for {lead.district} on this device yet, so no order.</p>
      ) : ranking.ranked.length === 0 ? (
        <p className="muted">No active assessor serves {lead.district} for this service.</p>
      ) : (
        <ol className="ct-order">
          {ranking.ranked.map((r) => (
            <li key={r.assessorId} data-testid={`rank-${r.assessorId}`} data-position={r.position}>
              <span className="ct-order__head">
                <strong>
                  {r.position}. {r.name}
                </strong>
                <span className={`badge tier tier--${r.rankedAs}`}>{r.tier ?? `${r.rankedAs} terms`}</span>
                <span className="ct-order__price" data-testid="rank-price">
                  {formatPence(r.pricePence)}
                </span>
                {assigned.has(r.assessorId) ? <span className="badge badge--info">has this lead</span> : null}
              </span>
              <span className="subtle ct-order__reasons">{r.reasons.join(' · ')}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
