import { describe, expect, it } from 'vitest';
import { assessorPerformance } from '../../shared/metrics';
import {
  DEFAULT_TIER_RULES,
  cooldownVerdict,
  decideTier,
  exampleCalls,
  tierMetrics,
  type TierMetrics,
} from '../../shared/tiers/rules';
import type { Tier } from '../../shared/schemas';
import { assignment, makeCall, makeLead } from '../helpers/docs';

const rules = DEFAULT_TIER_RULES;
const MIN = 60;
const good: TierMetrics = {
  assignments: 20,
  responseMedianSec: 20 * MIN,
  contactRate: 0.8,
  successRate: 0.5,
  conversionRate: 0.2,
  coursesCompleted: 0,
};
const platinum: TierMetrics = {
  assignments: 20,
  responseMedianSec: 5 * MIN,
  contactRate: 0.95,
  successRate: 0.7,
  conversionRate: 0.3,
  coursesCompleted: 1,
};
const to = (m: TierMetrics, current: Tier | null) => {
  const d = decideTier(rules, m, current);
  return d.kind === 'propose' ? d.to : d.kind === 'keep' ? d.tier : 'too-few';
};

describe('tier rules (shared/tiers/SPEC.md)', () => {
  it('TR3: a fast responder with strong results and a course is proposed for Platinum', () => {
    const d = decideTier(rules, platinum, 'gold');
    expect(d).toMatchObject({ kind: 'propose', from: 'gold', to: 'platinum' });
    if (d.kind !== 'propose') throw new Error('expected a proposal');
    expect(d.checks.filter((c) => c.tier === 'platinum').every((c) => c.met && !c.stay)).toBe(true);
    expect(d.summary).toMatch(/gold → platinum: fast responder.*median response 5 min <= 10 min/);
  });

  it('TR3: the same figures without a completed course stay Gold (courses count)', () => {
    expect(to({ ...platinum, coursesCompleted: 0 }, 'gold')).toBe('gold');
  });

  it('TR3: a poor contact rate is Bronze even for a fast responder', () => {
    expect(to({ ...platinum, contactRate: 0.5 }, 'gold')).toBe('bronze');
  });

  it('TR3: a slow responder is Silver', () => {
    expect(to({ ...good, responseMedianSec: 90 * MIN }, 'gold')).toBe('silver');
  });

  it('TR3: an assessor with no tier yet gets a proposal for the tier the figures support', () => {
    expect(decideTier(rules, good, null)).toMatchObject({ kind: 'propose', from: null, to: 'gold' });
  });

  it('TR3: an unmeasurable response time never satisfies a condition', () => {
    expect(to({ ...platinum, responseMedianSec: null }, 'gold')).toBe('gold');
  });

  it('TR2: no proposal below 10 assignments in the window, however poor the figures', () => {
    expect(decideTier(rules, { ...good, assignments: 9, contactRate: 0 }, 'gold')).toMatchObject({
      kind: 'too-few',
      assignments: 9,
      minAssignments: 10,
    });
    expect(to({ ...good, assignments: 10, contactRate: 0 }, 'gold')).toBe('bronze');
  });

  it('TR4: an assessor just past a threshold is moved, but a small wobble back does not move them again', () => {
    // Gold → Bronze at 59 % contact (enter < 60 %); back at 65 %, still Bronze (stay < 70 %); 70 % is Gold again.
    expect(to({ ...good, contactRate: 0.59 }, 'gold')).toBe('bronze');
    expect(to({ ...good, contactRate: 0.65 }, 'bronze')).toBe('bronze');
    expect(to({ ...good, contactRate: 0.65 }, 'gold')).toBe('gold');
    expect(to({ ...good, contactRate: 0.7 }, 'bronze')).toBe('gold');
    // Platinum keeps its tier at 12 min (stay ≤ 15 min) though a Gold assessor needs ≤ 10 min to enter.
    expect(to({ ...platinum, responseMedianSec: 12 * MIN }, 'platinum')).toBe('platinum');
    expect(to({ ...platinum, responseMedianSec: 12 * MIN }, 'gold')).toBe('gold');
    // Silver is entered above 60 min and left only at or below 45 min.
    expect(to({ ...good, responseMedianSec: 50 * MIN }, 'silver')).toBe('silver');
    expect(to({ ...good, responseMedianSec: 45 * MIN }, 'silver')).toBe('gold');
  });

  it('TR4: a series of runs oscillating inside the band produces one proposal, not a flip each run', () => {
    let tier: Tier = 'gold';
    let proposals = 0;
    for (const contactRate of [0.58, 0.62, 0.66, 0.61, 0.68, 0.63]) {
      const d = decideTier(rules, { ...good, contactRate }, tier);
      if (d.kind === 'propose') {
        proposals++;
        tier = d.to; // approved
      }
    }
    expect([proposals, tier]).toEqual([1, 'bronze']);
  });

  it('TR1: metrics come from the PRODUCT.md definitions in shared/metrics.ts', () => {
    const t0 = 1_000_000_000;
    const leads = Array.from({ length: 10 }, (_, i) =>
      makeLead({
        id: `l${i}`,
        assignments: [assignment('as-1', t0 + i, { bookedAt: i < 3 ? t0 + 10 * 60_000 : null })],
      }),
    );
    const calls = leads
      .slice(0, 8)
      .map((l, i) =>
        makeCall({ id: `c${i}`, leadId: l.id, startedAt: t0 + i + 5 * 60_000, connected: i < 7, talkSeconds: 60 }),
      );
    const [perf] = assessorPerformance(leads, calls, [], { from: t0, to: t0 + 86_400_000 });
    const m = tierMetrics(perf, 1);
    expect(m).toEqual({
      assignments: 10,
      responseMedianSec: 300,
      contactRate: 0.8,
      successRate: 0.7,
      conversionRate: 0.3,
      coursesCompleted: 1,
    });
  });
});

describe('example calls (TR5)', () => {
  const t0 = 1_000_000_000;
  const window = { from: t0, to: t0 + 86_400_000 };
  const leads = ['a', 'b', 'c', 'd'].map((id, i) =>
    makeLead({ id, assignments: [assignment('as-1', t0, { bookedAt: i === 1 ? t0 + 1 : null })] }),
  );

  it('TR5: moving up shows connected calls, booked assignments first, then the longest', () => {
    const calls = [
      makeCall({ id: 'c1', leadId: 'a', connected: true, talkSeconds: 300, startedAt: t0 + 1 }),
      makeCall({ id: 'c2', leadId: 'b', connected: true, talkSeconds: 60, startedAt: t0 + 1 }),
      makeCall({ id: 'c3', leadId: 'c', connected: true, talkSeconds: 100, startedAt: t0 + 1 }),
      makeCall({ id: 'c4', leadId: 'd', connected: false, startedAt: t0 + 1 }),
      makeCall({ id: 'c5', leadId: 'd', connected: true, talkSeconds: 10, startedAt: t0 + 1 }),
      makeCall({ id: 'x', leadId: 'a', assessorId: 'as-2', connected: true, talkSeconds: 999, startedAt: t0 + 1 }),
    ];
    expect(exampleCalls('platinum', 'as-1', leads, calls, window)).toEqual(['c2', 'c1', 'c3']);
  });

  it('TR5: Silver shows the first attempts that came latest after the assignment', () => {
    const calls = [
      makeCall({ id: 'a1', leadId: 'a', startedAt: t0 + 10_000 }),
      makeCall({ id: 'a2', leadId: 'a', startedAt: t0 + 90_000_000 }),
      makeCall({ id: 'b1', leadId: 'b', startedAt: t0 + 50_000 }),
      makeCall({ id: 'c1', leadId: 'c', startedAt: t0 + 30_000 }),
      makeCall({ id: 'd1', leadId: 'd', startedAt: t0 + 1_000 }),
    ];
    expect(exampleCalls('silver', 'as-1', leads, calls, window)).toEqual(['b1', 'c1', 'a1']);
  });

  it('TR5: Bronze shows the customer’s calls the assessor missed, then the assessor’s unanswered attempts', () => {
    const calls = [
      makeCall({ id: 'f1', leadId: 'a', connected: false, ringSeconds: 30, startedAt: t0 + 1 }),
      makeCall({
        id: 'm1',
        leadId: 'b',
        direction: 'customer_to_assessor',
        connected: false,
        ringSeconds: 5,
        startedAt: t0 + 1,
      }),
      makeCall({
        id: 'm2',
        leadId: 'c',
        direction: 'customer_to_assessor',
        connected: false,
        ringSeconds: 25,
        startedAt: t0 + 1,
      }),
      makeCall({ id: 'ok', leadId: 'd', connected: true, startedAt: t0 + 1 }),
    ];
    expect(exampleCalls('bronze', 'as-1', leads, calls, window)).toEqual(['m2', 'm1', 'f1']);
  });
});

describe('cool-down after a rejection (TR8)', () => {
  const DAY = 86_400_000;
  const rejectedAt = Date.UTC(2026, 5, 1);
  const poor: TierMetrics = { ...good, contactRate: 0.42 };
  const proposal = (m: TierMetrics) => {
    const d = decideTier(rules, m, null);
    if (d.kind !== 'propose') throw new Error(`expected a proposal, got ${d.kind}`);
    return d;
  };
  const rejected = { from: null, to: 'bronze' as const, decidedAt: rejectedAt, metrics: poor };

  it('TR8: the same move with the same figures waits 30 days from the rejection', () => {
    const d = proposal(poor);
    expect(cooldownVerdict(rules, d, rejected, rejectedAt + DAY).kind).toBe('cooling');
    expect(cooldownVerdict(rules, d, rejected, rejectedAt + 30 * DAY - 1).kind).toBe('cooling');
    expect(cooldownVerdict(rules, d, rejected, rejectedAt + 30 * DAY).kind).toBe('free');
  });

  it('TR8: a move of at least 10 % of the threshold (6 points of contact against 60 %) is material; less is not', () => {
    expect(cooldownVerdict(rules, proposal({ ...poor, contactRate: 0.37 }), rejected, rejectedAt + DAY).kind).toBe(
      'cooling',
    );
    expect(cooldownVerdict(rules, proposal({ ...poor, contactRate: 0.36 }), rejected, rejectedAt + DAY).kind).toBe(
      'moved',
    );
    // Metrics other tiers test do not count for a Bronze move.
    expect(cooldownVerdict(rules, proposal({ ...poor, conversionRate: 0.9 }), rejected, rejectedAt + DAY).kind).toBe(
      'cooling',
    );
  });

  it('TR8: a different move, or no rejection, is proposed as usual', () => {
    const d = proposal(platinum);
    expect(cooldownVerdict(rules, d, rejected, rejectedAt + DAY).kind).toBe('free');
    expect(cooldownVerdict(rules, proposal(poor), null, rejectedAt + DAY).kind).toBe('free');
  });
});
