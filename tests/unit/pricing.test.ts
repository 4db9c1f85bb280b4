import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BRIEF_ANCHORS,
  DEFAULT_PRICING_RULE,
  areaPrice,
  countAreas,
  rulePricePence,
  type AreaCounts,
  type LeadOutcome,
} from '../../shared/pricing/area-price';
import { DEFAULT_TIER_PRICE_RULE, assessorPrice } from '../../shared/pricing/assessor-price';
import { activeOverride, overrideState, type PriceOverrideRecord } from '../../shared/pricing/overrides';

const rule = DEFAULT_PRICING_RULE;
const DAY = 86_400_000;
const counts = (leads: number, callRate: number, conversion: number): AreaCounts => ({
  leads,
  connected: Math.round(leads * callRate),
  booked: Math.round(leads * conversion),
});

describe('area price rule (shared/pricing/SPEC.md)', () => {
  it.each([
    ['W1', 0.9, 0.6, 2500],
    ['EC1', 0.85, 0.55, 2000],
    ['N1', 0.7, 0.4, 1500],
    ['E17', 0.45, 0.25, 800],
  ])('PR4: %s at %s call rate and %s conversion costs exactly the brief’s price', (_d, call, conv, pence) => {
    expect(rulePricePence(rule, call, conv)).toBe(pence);
  });

  it('PR4: the brief’s districts from 100 leads of their own history get exactly the brief’s prices', () => {
    const service = counts(400, 0.725, 0.45);
    for (const a of BRIEF_ANCHORS) {
      const p = areaPrice(rule, a.label, 'boiler', counts(100, a.callRate, a.conversionRate), service);
      expect([a.label, p.pricePence, p.method, p.basis.blended]).toEqual([a.label, a.pricePence, 'own', false]);
    }
  });

  it('PR4: between anchors the price interpolates on the score (halfway from N1 to EC1 is £17.50 → £18)', () => {
    expect(rulePricePence(rule, 0.775, 0.475)).toBe(1800);
  });

  it('PR4/PR5: beyond the anchors the price continues with the mean slope and stops at the bounds', () => {
    // s = 0.85: £25 + 0.10 × £42.50 = £29.25 → £29.
    expect(rulePricePence(rule, 1, 0.7)).toBe(2900);
    // s = 0.25: £8 − 0.10 × £42.50 = £3.75 → £4.
    expect(rulePricePence(rule, 0.35, 0.15)).toBe(400);
    expect(rulePricePence(rule, 0, 0)).toBe(rule.floorPence);
    expect(rulePricePence({ ...rule, ceilingPence: 3000 }, 1, 1)).toBe(3000);
  });

  it('PR5: every price is whole pounds within the bounds', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (c, v) => {
        const p = rulePricePence(rule, c, v);
        return p % 100 === 0 && p >= rule.floorPence && p <= rule.ceilingPence;
      }),
    );
  });

  it('PR4: the price never falls when the call rate or the conversion rises (anywhere in [0, 1]²)', () => {
    const rate = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(rate, rate, rate, rate, (c1, c2, v1, v2) => {
        const [cLo, cHi] = c1 <= c2 ? [c1, c2] : [c2, c1];
        const [vLo, vHi] = v1 <= v2 ? [v1, v2] : [v2, v1];
        const base = rulePricePence(rule, cLo, vLo);
        return (
          rulePricePence(rule, cHi, vLo) >= base &&
          rulePricePence(rule, cLo, vHi) >= base &&
          rulePricePence(rule, cHi, vHi) >= rulePricePence(rule, cHi, vLo)
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('PR4: raising a rate well past an anchor raises the price (not merely flat)', () => {
    expect(rulePricePence(rule, 0.95, 0.6)).toBeGreaterThan(2500);
    expect(rulePricePence(rule, 0.9, 0.7)).toBeGreaterThan(2500);
    expect(rulePricePence(rule, 0.35, 0.25)).toBeLessThan(800);
  });
});

describe('few leads and no history', () => {
  const service = counts(200, 0.7, 0.4); // the service prices at N1's £15

  it('PR3: a district with 30 leads is priced from its own rates alone', () => {
    const p = areaPrice(rule, 'W1', 'boiler', counts(30, 0.9, 0.6), service);
    expect(p).toMatchObject({ pricePence: 2500, method: 'own', basis: { leads: 30, blended: false, weight: 1 } });
  });

  it('PR3: a district with 10 leads blends a third of its own rates with two thirds of the service-wide rates and says so', () => {
    const p = areaPrice(rule, 'W1', 'boiler', counts(10, 0.9, 0.6), service);
    expect(p.method).toBe('blended');
    expect(p.basis.blended).toBe(true);
    expect(p.basis.weight).toBeCloseTo(1 / 3, 10);
    expect(p.basis.callRate).toBeCloseTo(0.9 / 3 + (0.7 * 2) / 3, 10);
    expect(p.basis.conversionRate).toBeCloseTo(0.6 / 3 + (0.4 * 2) / 3, 10);
    // s = 0.6167 between N1 (0.55, £15) and EC1 (0.70, £20): £17.22 → £17.
    expect(p.pricePence).toBe(1700);
    expect(p.explanation).toMatch(/10 leads \(< 30\).*blended with the boiler rates/);
  });

  it('PR3: the blended price moves toward the district’s own price as its leads grow, reaching it at 30', () => {
    let previous = areaPrice(rule, 'W1', 'boiler', counts(1, 0.9, 0.6), service).pricePence;
    for (let n = 3; n <= 30; n += 3) {
      const p = areaPrice(rule, 'W1', 'boiler', { leads: n, connected: 0.9 * n, booked: 0.6 * n }, service).pricePence;
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
    expect(previous).toBe(2500);
  });

  it('PR6: a district with no leads gets the service’s base price and says it has no history', () => {
    const p = areaPrice(rule, 'SW1', 'solar', { leads: 0, connected: 0, booked: 0 }, service);
    expect(p).toMatchObject({
      pricePence: rule.basePricePence.solar,
      method: 'base',
      basis: { leads: 0, callRate: null, conversionRate: null, blended: false, windowDays: 90 },
    });
    expect(p.explanation).toMatch(/no solar leads in SW1 in the last 90 days/);
  });

  it('PR1/PR2: counts only leads created inside the window, per district × service and per service', () => {
    const now = 1_000 * DAY;
    const lead = (over: Partial<LeadOutcome>): LeadOutcome => ({
      district: 'W1',
      service: 'boiler',
      createdAt: now - DAY,
      connected: true,
      booked: false,
      ...over,
    });
    const { byArea, byService } = countAreas(
      rule,
      [
        lead({}),
        lead({ booked: true }),
        lead({ connected: false }),
        lead({ createdAt: now - 90 * DAY }), // first instant of the window: in
        lead({ createdAt: now - 90 * DAY - 1 }), // just before: out
        lead({ createdAt: now }), // the window is half-open: out
        lead({ district: 'N1' }),
        lead({ service: 'solar' }),
      ],
      now,
    );
    expect(byArea.get('W1|boiler')).toEqual({ leads: 4, connected: 3, booked: 1 });
    expect(byArea.get('N1|boiler')).toEqual({ leads: 1, connected: 1, booked: 0 });
    expect(byService.get('boiler')).toEqual({ leads: 5, connected: 4, booked: 1 });
    expect(byService.get('solar')).toEqual({ leads: 1, connected: 1, booked: 0 });
  });
});

describe('overrides (PR7)', () => {
  const o = (over: Partial<PriceOverrideRecord>): PriceOverrideRecord => ({
    id: 'o1',
    district: 'W1',
    service: 'boiler',
    pricePence: 3000,
    reason: 'launch offer',
    validFrom: 100,
    validTo: 200,
    createdAt: 50,
    createdBy: 'admin',
    revokedAt: null,
    ...over,
  });

  it('PR7: an override applies from validFrom up to (not including) validTo, by the clock at the time asked', () => {
    expect([99, 100, 199, 200].map((t) => overrideState(o({}), t))).toEqual([
      'scheduled',
      'active',
      'active',
      'expired',
    ]);
    expect(activeOverride([o({})], 'W1', 'boiler', 150)?.id).toBe('o1');
    expect(activeOverride([o({})], 'W1', 'boiler', 200)).toBeNull();
  });

  it('PR7: an open-ended override applies until revoked', () => {
    expect(overrideState(o({ validTo: null }), 1e12)).toBe('active');
    expect(overrideState(o({ validTo: null, revokedAt: 120 }), 150)).toBe('revoked');
    expect(activeOverride([o({ validTo: null, revokedAt: 120 })], 'W1', 'boiler', 150)).toBeNull();
  });

  it('PR7: of two active overrides the newest applies; other districts and services are untouched', () => {
    const list = [o({ id: 'a', createdAt: 60 }), o({ id: 'b', createdAt: 70 }), o({ id: 'c', service: 'solar' })];
    expect(activeOverride(list, 'W1', 'boiler', 150)?.id).toBe('b');
    expect(activeOverride(list, 'N1', 'boiler', 150)).toBeNull();
  });
});

describe('assessor’s price (PR8)', () => {
  it.each([
    ['platinum', 3750],
    ['gold', 2500],
    ['silver', 1500],
    ['bronze', 1000],
  ] as const)('PR8: in W1 (£25) a %s assessor pays %i pence', (tier, pence) => {
    expect(assessorPrice(DEFAULT_TIER_PRICE_RULE, 2500, tier).pricePence).toBe(pence);
  });

  it('PR8: the quote shows its working', () => {
    expect(assessorPrice(DEFAULT_TIER_PRICE_RULE, 2500, 'platinum').working).toBe(
      '£25 × (£30 platinum ÷ £20 gold) = £37.50',
    );
  });

  it('PR8: an assessor with no approved tier pays Gold terms and the working says so', () => {
    const p = assessorPrice(DEFAULT_TIER_PRICE_RULE, 800, null);
    expect(p).toMatchObject({ pricePence: 800, pricedAs: 'gold', factor: 1 });
    expect(p.working).toMatch(/no approved tier yet/);
  });

  it('PR8: the rule is configurable (reference tier and tier prices)', () => {
    const rule = { ...DEFAULT_TIER_PRICE_RULE, referenceTier: 'silver' as const };
    expect(assessorPrice(rule, 1200, 'gold').pricePence).toBe(2000);
  });
});
