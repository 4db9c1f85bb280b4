/**
 * Assessor tiers: which tier an assessor's recent performance supports, with the metrics against the
 * thresholds, and the calls that best show why. Rule ids (TR1 …) are in ./SPEC.md; tests cite them.
 * Pure: the caller passes the metrics (shared/metrics.ts `assessorPerformance`) and the calls.
 */
import type { AssessorPerformance } from '../metrics';
import type { CallDoc, LeadDoc, Tier } from '../schemas';

export const TIER_METRICS = [
  'assignments',
  'responseMedianSec',
  'contactRate',
  'successRate',
  'conversionRate',
  'coursesCompleted',
] as const;
export type TierMetric = (typeof TIER_METRICS)[number];
export type TierMetrics = Record<TierMetric, number | null>;

export interface TierCondition {
  metric: Exclude<TierMetric, 'assignments'>;
  op: '<' | '<=' | '>' | '>=';
  /** Threshold to move into the tier. */
  enter: number;
  /** Threshold to remain in it (TR4 hysteresis): looser than `enter`, so a small wobble does not flip it. */
  stay: number;
}

export interface TierRuleRow {
  tier: Tier;
  /** `all`: every condition must hold; `any`: one is enough. */
  when: 'all' | 'any';
  conditions: readonly TierCondition[];
  /** The product's words for the tier. */
  meaning: string;
}

export interface TierRules {
  windowDays: number;
  /** No proposal for an assessor with fewer assignments in the window (TR2). */
  minAssignments: number;
  /** Evaluated in order; the first row that holds decides (TR3). */
  rows: readonly TierRuleRow[];
  /** The tier when no row holds. */
  otherwise: Tier;
  /** TR8: after a rejection, the same move waits this long unless the figures moved materially. */
  cooldown: CooldownRule;
}

export interface CooldownRule {
  days: number;
  /**
   * A metric of the proposed tier's conditions moved materially when it changed by at least this share of its
   * threshold since the rejected proposal (0.1: 6 points of contact rate against a 60 % threshold, 6 minutes of
   * response against 60 minutes).
   */
  materialShare: number;
}

/** Allocation priority: lower comes first (Platinum premium leads first, Bronze last). */
export const TIER_PRIORITY: Readonly<Record<Tier, number>> = { platinum: 0, gold: 1, silver: 2, bronze: 3 };

export const DEFAULT_TIER_RULES: TierRules = {
  windowDays: 30,
  minAssignments: 10,
  rows: [
    {
      tier: 'bronze',
      when: 'any',
      meaning: 'poor contact rate',
      conditions: [{ metric: 'contactRate', op: '<', enter: 0.6, stay: 0.7 }],
    },
    {
      tier: 'silver',
      when: 'any',
      meaning: 'slow responder',
      conditions: [{ metric: 'responseMedianSec', op: '>', enter: 3600, stay: 2700 }],
    },
    {
      tier: 'platinum',
      when: 'all',
      meaning: 'fast responder with strong results',
      conditions: [
        { metric: 'responseMedianSec', op: '<=', enter: 600, stay: 900 },
        { metric: 'contactRate', op: '>=', enter: 0.9, stay: 0.85 },
        { metric: 'successRate', op: '>=', enter: 0.6, stay: 0.55 },
        { metric: 'conversionRate', op: '>=', enter: 0.25, stay: 0.2 },
        { metric: 'coursesCompleted', op: '>=', enter: 1, stay: 1 },
      ],
    },
  ],
  otherwise: 'gold',
  cooldown: { days: 30, materialShare: 0.1 },
};

export interface ConditionCheck {
  tier: Tier;
  metric: TierCondition['metric'];
  op: TierCondition['op'];
  threshold: number;
  /** Whether the `stay` threshold was used (the assessor holds this tier). */
  stay: boolean;
  value: number | null;
  met: boolean;
}

export type TierDecision =
  | { kind: 'too-few'; assignments: number; minAssignments: number; metrics: TierMetrics }
  | { kind: 'keep'; tier: Tier; metrics: TierMetrics; checks: ConditionCheck[]; summary: string }
  | {
      kind: 'propose';
      from: Tier | null;
      to: Tier;
      metrics: TierMetrics;
      checks: ConditionCheck[];
      summary: string;
    };

export function tierMetrics(p: AssessorPerformance | undefined, coursesCompleted: number): TierMetrics {
  return {
    assignments: p?.assignments ?? 0,
    responseMedianSec: p?.responseMedianSec ?? null,
    contactRate: p?.contactRate ?? null,
    successRate: p?.successRate ?? null,
    conversionRate: p?.conversionRate ?? null,
    coursesCompleted,
  };
}

function holds(op: TierCondition['op'], value: number, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

function checkRow(row: TierRuleRow, metrics: TierMetrics, current: Tier | null): ConditionCheck[] {
  const stay = row.tier === current;
  return row.conditions.map((c) => {
    const value = metrics[c.metric];
    const threshold = stay ? c.stay : c.enter;
    // A metric that cannot be measured (no contact yet, so no response time) never satisfies a condition.
    return {
      tier: row.tier,
      metric: c.metric,
      op: c.op,
      threshold,
      stay,
      value,
      met: value !== null && holds(c.op, value, threshold),
    };
  });
}

/** TR2–TR4: the tier the metrics support, given the tier the assessor holds now. */
export function decideTier(rules: TierRules, metrics: TierMetrics, current: Tier | null): TierDecision {
  const assignments = metrics.assignments ?? 0;
  if (assignments < rules.minAssignments) {
    return { kind: 'too-few', assignments, minAssignments: rules.minAssignments, metrics };
  }
  const checks: ConditionCheck[] = [];
  let to: Tier = rules.otherwise;
  let because = 'no other tier’s rule holds';
  for (const row of rules.rows) {
    const rowChecks = checkRow(row, metrics, current);
    checks.push(...rowChecks);
    const ok = row.when === 'all' ? rowChecks.every((c) => c.met) : rowChecks.some((c) => c.met);
    if (ok) {
      to = row.tier;
      because = `${row.meaning}: ${rowChecks
        .filter((c) => c.met)
        .map(describeCheck)
        .join(', ')}`;
      break;
    }
  }
  if (to === current) return { kind: 'keep', tier: to, metrics, checks, summary: `stays ${to} (${because})` };
  return {
    kind: 'propose',
    from: current,
    to,
    metrics,
    checks,
    summary: `${current ?? 'no tier'} → ${to}: ${because}`,
  };
}

export function describeCheck(c: ConditionCheck): string {
  return `${label(c.metric)} ${formatValue(c.metric, c.value)} ${c.op} ${formatValue(c.metric, c.threshold)}`;
}

const label = (m: TierMetric) =>
  ({
    assignments: 'assignments',
    responseMedianSec: 'median response',
    contactRate: 'contact rate',
    successRate: 'success rate',
    conversionRate: 'conversion',
    coursesCompleted: 'courses completed',
  })[m];

function formatValue(m: TierMetric, v: number | null): string {
  if (v === null) return 'n/a';
  if (m === 'responseMedianSec')
    return v >= 3600 ? `${Math.round((v / 3600) * 10) / 10} h` : `${Math.round(v / 60)} min`;
  if (m === 'contactRate' || m === 'successRate' || m === 'conversionRate') return `${Math.round(v * 1000) / 10} %`;
  return String(v);
}

/**
 * TR5: up to `max` calls that best show why the assessor moves to `to`, from the assessor's assignments in the
 * window. Moving up: connected calls, those of booked assignments first, then the longest. Silver (slow):
 * the first attempts that came latest after the assignment. Bronze (poor contact): calls from the customer
 * that the assessor missed, then the assessor's failed attempts. Ties break by call id (deterministic).
 */
export function exampleCalls(
  to: Tier,
  assessorId: string,
  leads: readonly LeadDoc[],
  calls: readonly CallDoc[],
  window: { from: number; to: number },
  max = 3,
): string[] {
  const assignment = new Map<string, { assignedAt: number; booked: boolean }>();
  for (const l of leads) {
    for (const a of l.assignments) {
      if (a.assessorId === assessorId && a.assignedAt >= window.from && a.assignedAt < window.to) {
        assignment.set(l.id, { assignedAt: a.assignedAt, booked: a.bookedAt !== null });
      }
    }
  }
  const mine = calls.filter((c) => c.assessorId === assessorId && c.leadId !== null && assignment.has(c.leadId));
  const ranked: Array<{ id: string; key: number[] }> = [];
  if (to === 'bronze') {
    for (const c of mine) {
      const missed = c.direction === 'customer_to_assessor' && !c.connected;
      const failedAttempt = c.direction === 'assessor_to_customer' && !c.connected;
      if (missed || failedAttempt) ranked.push({ id: c.id, key: [missed ? 0 : 1, -c.ringSeconds] });
    }
  } else if (to === 'silver') {
    const firstByLead = new Map<string, CallDoc>();
    for (const c of mine) {
      if (c.direction !== 'assessor_to_customer') continue;
      const seen = firstByLead.get(c.leadId!);
      if (!seen || c.startedAt < seen.startedAt) firstByLead.set(c.leadId!, c);
    }
    for (const c of firstByLead.values()) {
      ranked.push({ id: c.id, key: [-(c.startedAt - assignment.get(c.leadId!)!.assignedAt)] });
    }
  } else {
    for (const c of mine) {
      if (!c.connected) continue;
      ranked.push({ id: c.id, key: [assignment.get(c.leadId!)!.booked ? 0 : 1, -c.talkSeconds] });
    }
  }
  ranked.sort((a, b) => compareKeys(a.key, b.key) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ranked.slice(0, max).map((r) => r.id);
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// ───────────────────────────── TR8 cool-down ─────────────────────────────

/** What the system remembers of a rejected proposal. */
export interface RejectedMove {
  from: Tier | null;
  to: Tier;
  decidedAt: number;
  metrics: Partial<TierMetrics>;
}

export type CooldownVerdict =
  { kind: 'free' } | { kind: 'cooling'; until: number; summary: string } | { kind: 'moved'; summary: string };

/**
 * TR8: a move an admin rejected is not proposed again within `cooldown.days` of the rejection, unless one of the
 * metrics the proposed tier's conditions test has moved by at least `materialShare` of its threshold since the
 * rejected proposal (new figures are worth a person's look). Only the most recent rejection of the same
 * from → to counts.
 */
export function cooldownVerdict(
  rules: TierRules,
  proposal: { from: Tier | null; to: Tier; metrics: TierMetrics; checks: readonly ConditionCheck[] },
  rejected: RejectedMove | null,
  now: number,
): CooldownVerdict {
  if (!rejected || rejected.from !== proposal.from || rejected.to !== proposal.to) return { kind: 'free' };
  const until = rejected.decidedAt + rules.cooldown.days * 86_400_000;
  if (now >= until) return { kind: 'free' };
  const tested = proposal.checks.filter((c) => c.tier === proposal.to);
  // Gold (no conditions of its own) is judged on the conditions of the tiers the assessor no longer meets.
  const relevant = tested.length ? tested : proposal.checks;
  for (const c of relevant) {
    const before = rejected.metrics[c.metric];
    const after = proposal.metrics[c.metric];
    if (before === null || before === undefined || after === null) {
      if (before !== after && after !== null) return { kind: 'moved', summary: `${c.metric} is now measured` };
      continue;
    }
    const material = Math.abs(c.threshold) * rules.cooldown.materialShare;
    if (Math.abs(after - before) >= material && material > 0)
      return { kind: 'moved', summary: `${c.metric} moved from ${before} to ${after} since the rejection` };
  }
  return {
    kind: 'cooling',
    until,
    summary: `${proposal.from ?? 'no tier'} → ${proposal.to} was rejected; not proposed again before ${new Date(until).toISOString().slice(0, 10)} unless its figures move`,
  };
}
