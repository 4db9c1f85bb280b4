/**
 * The evidence of a tier proposal as the Approvals screen shows it: each figure against the threshold it was
 * tested on. The server writes the thresholds into the proposal's `metrics` as `tier.metric op` keys beside the
 * figures themselves (sync-server/src/tiers/service.ts), so the document alone says what was checked.
 */
import { TIERS, type Tier, type TierChangeDoc } from '../../../../shared/schemas';

const OPS = ['<=', '>=', '<', '>'] as const;
type Op = (typeof OPS)[number];

export interface ThresholdCheck {
  key: string;
  tier: Tier;
  metric: string;
  op: Op;
  threshold: number;
  value: number | null;
  met: boolean;
}

function holds(op: Op, value: number, threshold: number): boolean {
  return op === '<'
    ? value < threshold
    : op === '<='
      ? value <= threshold
      : op === '>'
        ? value > threshold
        : value >= threshold;
}

/**
 * The proposed tier's own conditions (`against: 'target'`); for a tier with none (Gold: "otherwise") the other
 * tiers' conditions, which it does not meet (`against: 'others'`). A figure that could not be measured never
 * meets a condition (TR3).
 */
export function thresholdChecks(change: Pick<TierChangeDoc, 'toTier' | 'metrics'>): {
  against: 'target' | 'others';
  rows: ThresholdCheck[];
} {
  const all: ThresholdCheck[] = [];
  for (const [key, threshold] of Object.entries(change.metrics)) {
    const m = /^([a-z]+)\.([A-Za-z]+) (<=|>=|<|>)$/.exec(key);
    const tier = m ? TIERS.find((t) => t === m[1]) : undefined;
    const op = m ? OPS.find((o) => o === m[3]) : undefined;
    if (!m || !tier || !op || threshold === null) continue;
    const value = change.metrics[m[2]] ?? null;
    all.push({ key, tier, metric: m[2], op, threshold, value, met: value !== null && holds(op, value, threshold) });
  }
  const target = all.filter((c) => c.tier === change.toTier);
  return target.length ? { against: 'target', rows: target } : { against: 'others', rows: all };
}
