import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankAssessors, type RankableAssessor, type RecentPerformance } from '../../shared/allocation/rank';
import { DEFAULT_TIER_PRICE_RULE } from '../../shared/pricing/assessor-price';
import { TIERS, type Tier } from '../../shared/schemas';

const a = (id: string, over: Partial<RankableAssessor> = {}): RankableAssessor => ({
  id,
  name: id.toUpperCase(),
  active: true,
  districts: ['W1'],
  services: ['boiler'],
  tier: 'gold',
  coursesCompleted: [],
  ...over,
});
const perf = (successRate: number, conversionRate: number, assignments = 20): RecentPerformance => ({
  assignments,
  successRate,
  conversionRate,
});
const rank = (assessors: RankableAssessor[], performance = new Map<string, RecentPerformance>(), onlyIds?: string[]) =>
  rankAssessors({
    district: 'W1',
    service: 'boiler',
    areaPricePence: 2500,
    assessors,
    performance,
    priceRule: DEFAULT_TIER_PRICE_RULE,
    onlyIds,
  });

describe('allocation order (shared/allocation/SPEC.md)', () => {
  it('AL1: only active assessors serving the district and the service are ranked; the others say why not', () => {
    const out = rank([
      a('ok'),
      a('off', { active: false }),
      a('far', { districts: ['N1'] }),
      a('trade', { services: ['solar'] }),
    ]);
    expect(out.ranked.map((r) => r.assessorId)).toEqual(['ok']);
    expect(out.excluded).toEqual([
      { assessorId: 'far', reasons: ['does not serve W1'] },
      { assessorId: 'off', reasons: ['not active'] },
      { assessorId: 'trade', reasons: ['does not offer boiler'] },
    ]);
  });

  it('AL1: a shortlist narrows the candidates and names unknown ids', () => {
    const out = rank([a('x'), a('y'), a('z')], new Map(), ['z', 'x', 'nobody']);
    expect(out.ranked.map((r) => r.assessorId)).toEqual(['x', 'z']);
    expect(out.excluded).toEqual([{ assessorId: 'nobody', reasons: ['unknown assessor'] }]);
  });

  it('AL2: tier priority comes first: Platinum, Gold, Silver, Bronze, whatever the courses and performance', () => {
    const out = rank(
      [
        a('b', { tier: 'bronze', coursesCompleted: ['c1', 'c2', 'c3'] }),
        a('s', { tier: 'silver' }),
        a('p', { tier: 'platinum' }),
        a('g', { tier: 'gold' }),
      ],
      new Map([['b', perf(1, 1)]]),
    );
    expect(out.ranked.map((r) => r.assessorId)).toEqual(['p', 'g', 's', 'b']);
    expect(out.ranked.map((r) => r.pricePence)).toEqual([3750, 2500, 1500, 1000]);
  });

  it('AL2: an assessor with no approved tier ranks and pays as Gold, and the reasons say so', () => {
    const out = rank([a('none', { tier: null }), a('s', { tier: 'silver' })]);
    expect(out.ranked[0]).toMatchObject({ assessorId: 'none', rankedAs: 'gold', pricePence: 2500 });
    expect(out.ranked[0].reasons[0]).toMatch(/no approved tier: ranked as gold/);
  });

  it('AL3: within a tier, more completed courses come first', () => {
    const out = rank(
      [a('one', { coursesCompleted: ['c1'] }), a('two', { coursesCompleted: ['c1', 'c2'] })],
      new Map([['one', perf(1, 1)]]),
    );
    expect(out.ranked.map((r) => r.assessorId)).toEqual(['two', 'one']);
  });

  it('AL4: within tier and courses, better recent performance first; no recent assignments last', () => {
    const out = rank(
      [a('new'), a('weak'), a('strong')],
      new Map([
        ['weak', perf(0.4, 0.1)],
        ['strong', perf(0.8, 0.4)],
        ['new', perf(0, 0, 0)],
      ]),
    );
    expect(out.ranked.map((r) => r.assessorId)).toEqual(['strong', 'weak', 'new']);
    expect(out.ranked[0].reasons[2]).toBe(
      'recent performance 60 % (success 80 %, conversion 40 % over 20 assignments)',
    );
    expect(out.ranked[2].reasons[2]).toBe('no recent assignments to measure');
  });

  it('AL5: equal inputs give the same order whatever order the assessors come in (ties by id)', () => {
    const tier = fc.constantFrom<Tier | null>(...TIERS, null);
    const arb = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        tier,
        courses: fc.integer({ min: 0, max: 2 }),
        perf: fc.option(fc.constantFrom(0, 0.25, 0.5), { nil: undefined }),
      }),
      { selector: (r) => r.id, maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.integer(), (rows, seed) => {
        const assessors = rows.map((r) =>
          a(r.id, { tier: r.tier, coursesCompleted: Array.from({ length: r.courses }, (_, i) => `c${i}`) }),
        );
        const performance = new Map(
          rows.filter((r) => r.perf !== undefined).map((r) => [r.id, perf(r.perf!, r.perf!)] as const),
        );
        const shuffled = [...assessors].sort((x, y) => ((hash(x.id) ^ seed) >>> 0) - ((hash(y.id) ^ seed) >>> 0));
        const first = rank(assessors, performance).ranked.map((r) => r.assessorId);
        const second = rank(shuffled, new Map([...performance].reverse())).ranked.map((r) => r.assessorId);
        return JSON.stringify(first) === JSON.stringify(second) && first.length === assessors.length;
      }),
    );
  });

  it('AL5: a tie on tier, courses and performance breaks by assessor id', () => {
    const out = rank(
      [a('b'), a('c'), a('a')],
      new Map([
        ['a', perf(0.5, 0.5)],
        ['b', perf(0.5, 0.5)],
        ['c', perf(0.5, 0.5)],
      ]),
    );
    expect(out.ranked.map((r) => [r.position, r.assessorId])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });
});

function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}
