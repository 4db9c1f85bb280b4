/**
 * Area pricing: the price of a lead per postcode district × service, from the district's call rate and
 * conversion over a window. Rule ids (PR1 …) are in ./SPEC.md; tests cite them.
 * Pure: no clock, no I/O. Amounts are whole pence.
 */
import type { Service } from '../schemas';
import { SERVICES } from '../schemas';

/** One point of the price curve: a score (weighted mean of the two rates) and its price. */
export interface PriceAnchor {
  /** Where this anchor comes from (the brief's example districts). */
  label: string;
  callRate: number;
  conversionRate: number;
  pricePence: number;
}

export interface PricingRule {
  windowDays: number;
  /** Leads in the window at or above which a district is priced from its own rates (PR3). */
  minLeads: number;
  /** Weight of the call rate in the score; conversion gets 1 − this (PR4). */
  callRateWeight: number;
  /** Points the curve passes through, any order (sorted by score when used). At least two. */
  anchors: readonly PriceAnchor[];
  /** Bounds of the rule price (PR5): the curve is extended beyond its ends and clamped here. */
  floorPence: number;
  ceilingPence: number;
  /** Price of a district with no leads in the window (PR6), per service. */
  basePricePence: Readonly<Record<Service, number>>;
}

/** The brief's four districts; the default rule passes through each exactly (PR4). */
export const BRIEF_ANCHORS: readonly PriceAnchor[] = [
  { label: 'E17', callRate: 0.45, conversionRate: 0.25, pricePence: 800 },
  { label: 'N1', callRate: 0.7, conversionRate: 0.4, pricePence: 1500 },
  { label: 'EC1', callRate: 0.85, conversionRate: 0.55, pricePence: 2000 },
  { label: 'W1', callRate: 0.9, conversionRate: 0.6, pricePence: 2500 },
];

export const DEFAULT_PRICING_RULE: PricingRule = {
  windowDays: 90,
  minLeads: 30,
  callRateWeight: 0.5,
  anchors: BRIEF_ANCHORS,
  floorPence: 300,
  ceilingPence: 5000,
  basePricePence: Object.fromEntries(SERVICES.map((s) => [s, 1500])) as Record<Service, number>,
};

/** Counts of one district × service (or one service across districts) in the window. */
export interface AreaCounts {
  leads: number;
  /** Leads with at least one connected call (either direction, any assessor). */
  connected: number;
  /** Leads booked (by the marketplace, or a reviewer-confirmed AI outcome of booked). */
  booked: number;
}

export const score = (rule: PricingRule, callRate: number, conversionRate: number): number =>
  rule.callRateWeight * callRate + (1 - rule.callRateWeight) * conversionRate;

/**
 * The price curve (PR4): piecewise linear in the score through the anchors; beyond the outer anchors it
 * continues with the mean slope of the whole curve (the end segments alone are too steep or too flat to
 * extrapolate: W1–EC1 is £5 for 0.05 of score), then clamps to [floor, ceiling] and rounds to whole pounds.
 */
export function rulePricePence(rule: PricingRule, callRate: number, conversionRate: number): number {
  const points = rule.anchors
    .map((a) => ({ s: score(rule, a.callRate, a.conversionRate), p: a.pricePence / 100 }))
    .sort((a, b) => a.s - b.s);
  const s = score(rule, clamp01(callRate), clamp01(conversionRate));
  const first = points[0];
  const last = points[points.length - 1];
  const meanSlope = (last.p - first.p) / (last.s - first.s);
  let pounds: number;
  if (s <= first.s) pounds = first.p - (first.s - s) * meanSlope;
  else if (s >= last.s) pounds = last.p + (s - last.s) * meanSlope;
  else {
    const i = points.findIndex((pt) => pt.s >= s);
    const lo = points[i - 1];
    const hi = points[i];
    pounds = lo.p + ((s - lo.s) / (hi.s - lo.s)) * (hi.p - lo.p);
  }
  // Round to whole pounds (PR5); the epsilon keeps 14.999999… (float error at an anchor) at £15.
  const rounded = Math.round(pounds + 1e-9) * 100;
  return Math.min(rule.ceilingPence, Math.max(rule.floorPence, rounded));
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);

export type PriceMethod = 'own' | 'blended' | 'base';

export interface AreaPrice {
  district: string;
  service: Service;
  pricePence: number;
  method: PriceMethod;
  basis: {
    leads: number;
    /** The rates the price was computed from (after blending); null when there was no history (PR6). */
    callRate: number | null;
    conversionRate: number | null;
    windowDays: number;
    blended: boolean;
    /** Credibility of the district's own rates, 0…1 (1 = own rates only). */
    weight: number;
    /** The district's own rates and the service-wide rates it blended toward, for the working. */
    ownCallRate: number | null;
    ownConversionRate: number | null;
    serviceCallRate: number | null;
    serviceConversionRate: number | null;
  };
  /** One sentence a person can read: how this price was reached. */
  explanation: string;
}

/**
 * The rule price of one district × service (PR2–PR6). `service` holds the service-wide counts over every
 * district in the same window.
 */
export function areaPrice(
  rule: PricingRule,
  district: string,
  serviceName: Service,
  own: AreaCounts,
  service: AreaCounts,
): AreaPrice {
  const common = { district, service: serviceName };
  if (own.leads === 0) {
    const pricePence = rule.basePricePence[serviceName];
    return {
      ...common,
      pricePence,
      method: 'base',
      basis: {
        leads: 0,
        callRate: null,
        conversionRate: null,
        windowDays: rule.windowDays,
        blended: false,
        weight: 0,
        ownCallRate: null,
        ownConversionRate: null,
        serviceCallRate: service.leads ? rate(service.connected, service.leads) : null,
        serviceConversionRate: service.leads ? rate(service.booked, service.leads) : null,
      },
      explanation: `no ${serviceName} leads in ${district} in the last ${rule.windowDays} days: the service's base price ${pounds(pricePence)}`,
    };
  }
  const ownCall = rate(own.connected, own.leads);
  const ownConv = rate(own.booked, own.leads);
  const svcCall = service.leads ? rate(service.connected, service.leads) : ownCall;
  const svcConv = service.leads ? rate(service.booked, service.leads) : ownConv;
  // PR3: limited-fluctuation credibility Z = n / minLeads, capped at 1, so the price moves continuously into
  // the district's own rates as its history grows and reaches them exactly at minLeads.
  const weight = Math.min(1, own.leads / rule.minLeads);
  const blended = weight < 1;
  const callRate = weight * ownCall + (1 - weight) * svcCall;
  const conversionRate = weight * ownConv + (1 - weight) * svcConv;
  const pricePence = rulePricePence(rule, callRate, conversionRate);
  const explanation = blended
    ? `${own.leads} leads (< ${rule.minLeads}) in ${rule.windowDays} days: ${pct(weight)} own rates (call ${pct(ownCall)}, conversion ${pct(ownConv)}) blended with the ${serviceName} rates (call ${pct(svcCall)}, conversion ${pct(svcConv)}) → call ${pct(callRate)}, conversion ${pct(conversionRate)} → ${pounds(pricePence)}`
    : `${own.leads} leads in ${rule.windowDays} days: call rate ${pct(callRate)}, conversion ${pct(conversionRate)} → ${pounds(pricePence)}`;
  return {
    ...common,
    pricePence,
    method: blended ? 'blended' : 'own',
    basis: {
      leads: own.leads,
      callRate,
      conversionRate,
      windowDays: rule.windowDays,
      blended,
      weight,
      ownCallRate: ownCall,
      ownConversionRate: ownConv,
      serviceCallRate: service.leads ? svcCall : null,
      serviceConversionRate: service.leads ? svcConv : null,
    },
    explanation,
  };
}

/** Per-lead facts the pricing counts are made of. */
export interface LeadOutcome {
  district: string;
  service: Service;
  createdAt: number;
  connected: boolean;
  booked: boolean;
}

/** PR1–PR2: counts per `${district}|${service}` and per service, over leads created in [now − window, now). */
export function countAreas(
  rule: PricingRule,
  leads: readonly LeadOutcome[],
  now: number,
): { byArea: Map<string, AreaCounts>; byService: Map<Service, AreaCounts> } {
  const from = now - rule.windowDays * 86_400_000;
  const byArea = new Map<string, AreaCounts>();
  const byService = new Map<Service, AreaCounts>();
  const add = <K>(map: Map<K, AreaCounts>, key: K, l: LeadOutcome) => {
    const c = map.get(key) ?? { leads: 0, connected: 0, booked: 0 };
    c.leads++;
    if (l.connected) c.connected++;
    if (l.booked) c.booked++;
    map.set(key, c);
  };
  for (const l of leads) {
    if (l.createdAt < from || l.createdAt >= now) continue;
    add(byArea, areaKey(l.district, l.service), l);
    add(byService, l.service, l);
  }
  return { byArea, byService };
}

export const areaKey = (district: string, service: Service) => `${district}|${service}`;
export const EMPTY_COUNTS: AreaCounts = { leads: 0, connected: 0, booked: 0 };

export const pounds = (pence: number) => `£${(pence / 100).toFixed(pence % 100 === 0 ? 0 : 2)}`;
const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;
