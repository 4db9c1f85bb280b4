import type { InsightDoc } from '../schemas/collections';
import type { Stamp } from './schema';

/**
 * Insight documents: one per call per analysis provider, model and version, so that re-running a call with a
 * new model or lexicon keeps the earlier result and the agreement report can compare them against the same
 * human reviews. Re-running the same provider, model and version rewrites the same document (idempotent).
 */
export function insightId(callId: string, stamp: Stamp): string {
  const key = `${stamp.provider}:${stamp.model}:${stamp.version}`;
  // Ids are limited to 100 characters (shared/schemas/common.ts idField); long model names are hashed.
  const full = `${callId}~${key}`;
  return full.length <= 100 ? full : `${callId.slice(0, 80)}~${fnv1a(key)}`;
}

/** 32-bit FNV-1a as 8 hex digits: short, stable ids and version tags without Node's crypto. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The insight the review workspace shows for a call: the newest finished one; else the newest pending one;
 * else the newest failed one (so its error and the retry action are visible).
 */
export function pickCurrentInsight<T extends Pick<InsightDoc, 'status' | 'createdAt' | 'updatedAt'>>(
  insights: T[],
): T | null {
  const rank = { done: 2, pending: 1, failed: 0 } as const;
  let best: T | null = null;
  for (const i of insights) {
    if (
      !best ||
      rank[i.status] > rank[best.status] ||
      (rank[i.status] === rank[best.status] &&
        (i.createdAt > best.createdAt || (i.createdAt === best.createdAt && i.updatedAt > best.updatedAt)))
    ) {
      best = i;
    }
  }
  return best;
}
