import { seededRandom } from '../../../shared/random';
/**
 * The demo's seeded randomness: the same seed gives the same month, draw for draw. Every draw comes from one
 * sequence, so the order the planner draws in is part of the demo (reordering draws changes the story).
 */
export interface Draw {
  /** A number in [0, 1). */
  next(): number;
  pick<T>(list: readonly T[]): T;
  /** A number in [a, b). */
  between(a: number, b: number): number;
  shuffle<T>(list: readonly T[]): T[];
  /** One item, each as likely as its weight. */
  weighted<T>(items: Array<[T, number]>): T;
}

export function seededDraw(seed: number): Draw {
  const r = seededRandom(seed);
  return {
    next: r,
    pick: (list) => list[Math.floor(r() * list.length)],
    between: (a, b) => a + r() * (b - a),
    shuffle: (list) => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let x = r() * total;
      for (const [item, w] of items) {
        x -= w;
        if (x <= 0) return item;
      }
      return items[items.length - 1][0];
    },
  };
}

/** Deals out kinds exactly by share over a list: the first round(n × share) get the first kind, and so on. */
export function dealOut<T, K>(list: T[], shares: Array<[K, number]>, set: (item: T, kind: K) => void): void {
  const total = shares.reduce((s, [, w]) => s + w, 0);
  let from = 0;
  let cumulative = 0;
  for (const [kind, share] of shares) {
    cumulative += share;
    const to = Math.round((list.length * cumulative) / total);
    for (let i = from; i < to; i++) set(list[i], kind);
    from = to;
  }
}
