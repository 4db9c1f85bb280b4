/**
 * The Pricing screen's figures, from documents on this device: the area documents the server writes (rates,
 * rule price, the override), and for the trend and the what-if the admin's 90 days of leads, calls and reviews
 * with the assessors' tiers, through the same pure rules the server prices with (shared/pricing SPEC PR9, PR10).
 */
import { DEFAULT_PRICING_RULE, type PricingRule } from '../../../../shared/pricing/area-price';
import { DEFAULT_TIER_PRICE_RULE, type TierPriceRule } from '../../../../shared/pricing/assessor-price';
import {
  priceTrend,
  revenueWhatIf,
  type RevenueWhatIf,
  type SoldLead,
  type TrendPoint,
} from '../../../../shared/pricing/what-if';
import type { LeadOutcome } from '../../../../shared/pricing/area-price';
import type { AreaDoc, PriceOverride, Service, Tier } from '../../../../shared/schemas';

/** The rules the app prices with: the SPEC defaults (a server with RULES_FILE may differ; the screen says so). */
export const APP_PRICING_RULE: PricingRule = DEFAULT_PRICING_RULE;
export const APP_TIER_PRICE_RULE: TierPriceRule = DEFAULT_TIER_PRICE_RULE;
/** The what-if's period: "last month". */
export const WHAT_IF_DAYS = 30;

export type OverrideStatus = 'scheduled' | 'active' | 'ended';

/** Where an override on an area document stands at `now` (PR7: the clock decides, nothing has to notice). */
export function overrideStatus(o: Pick<PriceOverride, 'validFrom' | 'validTo'>, now: number): OverrideStatus {
  if (now < o.validFrom) return 'scheduled';
  if (o.validTo !== null && now >= o.validTo) return 'ended';
  return 'active';
}

/** Where the row's override stands at `now`, and so what a lead costs then. */
export function priceAt(
  row: Pick<AreaRow, 'override' | 'rulePricePence'>,
  now: number,
): Pick<AreaRow, 'overrideStatus' | 'pricePence'> {
  const status = row.override ? overrideStatus(row.override, now) : null;
  return {
    overrideStatus: status,
    pricePence: row.override && status === 'active' ? row.override.pricePence : row.rulePricePence,
  };
}

export interface AreaRow {
  id: string;
  district: string;
  service: Service;
  leads: number;
  callRate: number;
  conversionRate: number;
  rulePricePence: number;
  override: Readonly<PriceOverride> | null;
  overrideStatus: OverrideStatus | null;
  /** What a lead costs now: the override while it applies, else the rule price. */
  pricePence: number;
  trend: TrendPoint[];
}

type AreaInput = Pick<
  AreaDoc,
  'id' | 'district' | 'service' | 'leads' | 'callRate' | 'conversionRate' | 'suggestedPricePence'
> & { override: Readonly<PriceOverride> | null };

/** Rows for the table: districts with leads or an override, by district then service. */
export function areaRows(areas: readonly AreaInput[], outcomes: readonly LeadOutcome[], now: number): AreaRow[] {
  return areas
    .filter((a) => a.leads > 0 || a.override !== null)
    .map((a) => {
      const status = a.override ? overrideStatus(a.override, now) : null;
      return {
        id: a.id,
        district: a.district,
        service: a.service,
        leads: a.leads,
        callRate: a.callRate,
        conversionRate: a.conversionRate,
        rulePricePence: a.suggestedPricePence,
        override: a.override,
        overrideStatus: status,
        pricePence: a.override && status === 'active' ? a.override.pricePence : a.suggestedPricePence,
        trend: priceTrend(APP_PRICING_RULE, outcomes, a.district, a.service, now),
      };
    })
    .sort((x, y) => x.district.localeCompare(y.district) || x.service.localeCompare(y.service));
}

/** PR9 for one row: the last 30 days' assignments at the price now against the proposed price. */
export function whatIf(
  row: Pick<AreaRow, 'district' | 'service' | 'pricePence'>,
  proposedPricePence: number,
  leads: readonly SoldLead[],
  tiers: ReadonlyMap<string, Tier | null>,
  now: number,
): RevenueWhatIf {
  return revenueWhatIf(APP_TIER_PRICE_RULE, {
    district: row.district,
    service: row.service,
    leads,
    tierOf: (id) => tiers.get(id) ?? null,
    currentPricePence: row.pricePence,
    proposedPricePence,
    now,
    days: WHAT_IF_DAYS,
  });
}

/** `2026-06-01` (a date input's value) at local midnight; null when empty or not a date. */
export function dayStart(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isNaN(t) ? null : t;
}

/** A timestamp as a date input's value (local). */
export function dateValue(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export interface OverrideDraft {
  price: string;
  reason: string;
  /** First day it applies (empty: from now). */
  from: string;
  /** Last day it applies, inclusive (empty: until ended). */
  until: string;
}

export type DraftCheck =
  | { ok: true; pricePence: number; validFrom: number; validTo: number | null }
  | { ok: false; field: keyof OverrideDraft; message: string };

/** The form's rules, the same as the server's (PR7): a price in pounds, a reason, and dates in order. */
export function checkDraft(d: OverrideDraft, now: number): DraftCheck {
  const pounds = Number(d.price.replace(/^£/, '').trim());
  if (!d.price.trim() || !Number.isFinite(pounds) || pounds < 0 || pounds > 1000)
    return { ok: false, field: 'price', message: 'Give a price between £0 and £1,000.' };
  const pricePence = Math.round(pounds * 100);
  if (d.reason.trim().length < 3)
    return { ok: false, field: 'reason', message: 'Say why (at least a few words): it is kept with the price.' };
  const fromDay = d.from ? dayStart(d.from) : null;
  if (d.from && fromDay === null) return { ok: false, field: 'from', message: 'Not a date.' };
  const validFrom = fromDay === null || fromDay <= now ? now : fromDay;
  let validTo: number | null = null;
  if (d.until) {
    const last = dayStart(d.until);
    if (last === null) return { ok: false, field: 'until', message: 'Not a date.' };
    validTo = new Date(last).setDate(new Date(last).getDate() + 1);
    if (validTo <= validFrom) return { ok: false, field: 'until', message: 'The last day is before the first.' };
  }
  return { ok: true, pricePence, validFrom, validTo };
}
