import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING_RULE, countAreas } from '../../shared/pricing/area-price';
import { DEFAULT_TIER_PRICE_RULE } from '../../shared/pricing/assessor-price';
import { leadOutcomesFrom, priceTrend, revenueWhatIf } from '../../shared/pricing/what-if';
import type { Assignment, Tier } from '../../shared/schemas';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 30, 12);

const assignment = (assessorId: string, bookedAt: number | null = null): Assignment => ({
  assessorId,
  assignedAt: NOW - 5 * DAY,
  poolNumber: '+447700900001',
  extension: null,
  bookedAt,
  bookingValuePence: null,
  active: true,
});

const lead = (
  id: string,
  district: string,
  ageDays: number,
  assessors: string[],
  status: 'open' | 'booked' = 'open',
) => ({
  id,
  district,
  service: 'boiler' as const,
  createdAt: NOW - ageDays * DAY,
  status,
  assignments: assessors.map((a) => assignment(a)),
});

describe('counting on the device (PR2)', () => {
  it('PR2: connected from any connected call of the lead; booked from status, an assignment booking or a reviewer’s booked outcome', () => {
    const leads = [
      lead('l1', 'W1', 1, ['a1']),
      lead('l2', 'W1', 1, ['a1'], 'booked'),
      { ...lead('l3', 'W1', 1, []), assignments: [assignment('a2', NOW - DAY)] },
      lead('l4', 'W1', 1, ['a1']),
      lead('l5', 'W1', 1, ['a1']),
    ];
    const calls = [
      { id: 'c1', leadId: 'l1', connected: true },
      { id: 'c2', leadId: 'l4', connected: false },
      { id: 'c3', leadId: 'l5', connected: true },
      { id: 'c4', leadId: null, connected: true },
    ];
    const reviews = [
      { callId: 'c2', status: 'submitted' as const, outcome: 'booked' as const },
      { callId: 'c3', status: 'draft' as const, outcome: 'booked' as const },
    ];
    const out = leadOutcomesFrom(leads, calls, reviews);
    expect(out.map((o) => [o.connected, o.booked])).toEqual([
      [true, false],
      [false, true],
      [false, true],
      [false, true],
      [true, false],
    ]);
  });
});

describe('what-if (PR9)', () => {
  const tiers: Record<string, Tier | null> = { plat: 'platinum', gold: 'gold', none: null, bronze: 'bronze' };
  const leads = [
    lead('l1', 'W1', 3, ['plat', 'gold']),
    lead('l2', 'W1', 29, ['none', 'bronze']),
    lead('l3', 'W1', 31, ['plat']), // before the period
    lead('l4', 'N1', 3, ['plat']), // another district
  ];

  it('PR9: every assignment of the period pays its tier’s share of the old and the new price; the difference is the change', () => {
    const r = revenueWhatIf(DEFAULT_TIER_PRICE_RULE, {
      district: 'W1',
      service: 'boiler',
      leads,
      tierOf: (id) => tiers[id] ?? null,
      currentPricePence: 2000,
      proposedPricePence: 2500,
      now: NOW,
      days: 30,
    });
    expect(r.leads).toBe(2);
    expect(r.assignments).toBe(4);
    // At £20: platinum £30, gold £20, untiered (gold terms) £20, bronze £8 = £78. At £25: £37.50 + £25 + £25 + £10.
    expect(r.currentRevenuePence).toBe(7800);
    expect(r.proposedRevenuePence).toBe(9750);
    expect(r.deltaPence).toBe(1950);
  });

  it('PR9: the same price changes nothing; a lower one gives a negative change', () => {
    const base = {
      district: 'W1',
      service: 'boiler' as const,
      leads,
      tierOf: (id: string) => tiers[id] ?? null,
      currentPricePence: 2000,
      now: NOW,
      days: 30,
    };
    expect(revenueWhatIf(DEFAULT_TIER_PRICE_RULE, { ...base, proposedPricePence: 2000 }).deltaPence).toBe(0);
    expect(revenueWhatIf(DEFAULT_TIER_PRICE_RULE, { ...base, proposedPricePence: 1000 }).deltaPence).toBeLessThan(0);
  });
});

describe('trend (PR10)', () => {
  it('PR10: one rule price per period, oldest first, from that period’s leads alone', () => {
    const outcomes = [
      // 30 leads 60–90 days ago at E17's rates, 30 leads in the last 30 days at W1's rates.
      ...Array.from({ length: 30 }, (_, i) => ({
        district: 'X1',
        service: 'boiler' as const,
        createdAt: NOW - (61 + (i % 28)) * DAY,
        connected: i < 27 * (0.45 / 0.9) + 0.5,
        booked: i < 30 * 0.25,
      })),
      ...Array.from({ length: 30 }, (_, i) => ({
        district: 'X1',
        service: 'boiler' as const,
        createdAt: NOW - (1 + (i % 28)) * DAY,
        connected: i < 27,
        booked: i < 18,
      })),
    ];
    const trend = priceTrend(DEFAULT_PRICING_RULE, outcomes, 'X1', 'boiler', NOW);
    expect(trend).toHaveLength(3);
    expect(trend[0].to).toBeLessThan(trend[2].to);
    expect(trend.map((p) => p.leads)).toEqual([30, 0, 30]);
    expect(trend[1].method).toBe('base');
    expect(trend[2].pricePence).toBe(2500);
    expect(trend[0].pricePence).toBeLessThan(trend[2].pricePence);
    // The newest period agrees with the server's own counting over the same 30 days.
    const { byArea } = countAreas({ ...DEFAULT_PRICING_RULE, windowDays: 30 }, outcomes, NOW);
    expect(byArea.get('X1|boiler')?.leads).toBe(30);
  });
});
