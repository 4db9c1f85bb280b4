/**
 * Admin price overrides (PR7 in ./SPEC.md): a price for one district × service with a reason and a validity
 * window. Whether one applies is decided against the clock at quote time, so an expired override stops
 * applying by itself, with no job to notice it.
 */
import type { Service } from '../schemas';

export interface PriceOverrideRecord {
  id: string;
  district: string;
  service: Service;
  pricePence: number;
  reason: string;
  validFrom: number;
  /** Exclusive end; null = until revoked. */
  validTo: number | null;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
  /** Who revoked or ended it (null: cleared in the app with no one to name, or not revoked). */
  revokedBy?: string | null;
}

export type OverrideState = 'scheduled' | 'active' | 'expired' | 'revoked';

export function overrideState(o: PriceOverrideRecord, now: number): OverrideState {
  if (o.revokedAt !== null && o.revokedAt <= now) return 'revoked';
  if (now < o.validFrom) return 'scheduled';
  if (o.validTo !== null && now >= o.validTo) return 'expired';
  return 'active';
}

/** The override that applies now to this district × service: of the active ones, the newest (then the greatest id). */
export function activeOverride(
  overrides: readonly PriceOverrideRecord[],
  district: string,
  service: Service,
  now: number,
): PriceOverrideRecord | null {
  let best: PriceOverrideRecord | null = null;
  for (const o of overrides) {
    if (o.district !== district || o.service !== service || overrideState(o, now) !== 'active') continue;
    if (!best || o.createdAt > best.createdAt || (o.createdAt === best.createdAt && o.id > best.id)) best = o;
  }
  return best;
}
