/**
 * A mergeable sketch of durations in seconds (AG4): fixed buckets on a log scale, so two days' sketches (or two
 * devices' copies) merge by adding counts, and a median or p90 read from merged buckets is the same whichever
 * way they were merged. Bucket 0 holds [0, 1) s; bucket k ≥ 1 holds [√2^(k−1), √2^k) s; the last bucket also
 * holds everything longer (√2^60 s is about 34 years). A quantile reads back as its bucket's geometric
 * midpoint, within ±19 % of the true value (half a bucket's factor of √2).
 */

export const SKETCH_BUCKETS = 61;
const STEP = Math.SQRT2;

/** The bucket a duration falls in. */
export function bucketOf(seconds: number): number {
  if (!(seconds >= 1)) return 0;
  // The small epsilon keeps exact powers of √2 (2 s, 4 s …) in the bucket they open despite rounding in log().
  const k = 1 + Math.floor(Math.log(seconds) / Math.log(STEP) + 1e-9);
  return Math.min(SKETCH_BUCKETS - 1, k);
}

/** The value a bucket reads back as: 0.5 s for bucket 0, else the geometric midpoint of its bounds. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0.5;
  return STEP ** (bucket - 1) * STEP ** 0.5;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the values counted in `counts` (bucket → count), by nearest rank: the value
 * of the bucket holding the ⌈q·n⌉-th smallest value. Null when the sketch is empty.
 */
export function sketchQuantile(counts: ReadonlyMap<number, number>, q: number): number | null {
  const buckets = [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(buckets[buckets.length - 1][0]);
}
