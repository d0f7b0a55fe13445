/**
 * Upper bounds (milliseconds) of the latency histogram's buckets; the last
 * bucket holds everything slower than the last bound. Rollups store one
 * count per bucket (`lat_0` .. `lat_15`) so that windows merge by adding.
 */
export const LATENCY_BOUNDS_MS = [
  10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000,
] as const;
export const HISTOGRAM_BUCKETS = LATENCY_BOUNDS_MS.length + 1;
export const HISTOGRAM_COLUMNS = Array.from(
  { length: HISTOGRAM_BUCKETS },
  (_, i) => `lat_${i}`,
);

/** The bucket a latency falls in. */
export function bucketOf(latencyMs: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex(bound => latencyMs <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * What the histogram alone says of the slowest answer: at least the lower
 * edge of the highest non-empty bucket (0 when empty).
 */
export function maximumFloor(counts: readonly number[]): number {
  for (let i = counts.length - 1; i > 0; i--) {
    if (counts[i] > 0) return LATENCY_BOUNDS_MS[i - 1];
  }
  return 0;
}

/**
 * Whether `percentileOf` needs the slowest answer: only when the percentile
 * falls in the highest non-empty bucket (below it, the next bucket's answers
 * are slower than this bucket's bound, which caps the estimate).
 */
export function maximumMatters(
  counts: readonly number[],
  quantile: number,
): boolean {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return false;
  const rank = quantile * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (counts[i] > 0 && seen >= rank) {
      return counts.slice(i + 1).every(c => c === 0);
    }
  }
  return true;
}

/**
 * A percentile (0..1) estimated from a histogram: linear within the bucket
 * it falls in; the open last bucket reaches up to `maxMs`. Undefined when
 * the histogram is empty.
 */
export function percentileOf(
  counts: readonly number[],
  quantile: number,
  maxMs: number,
): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = quantile * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper =
        i < LATENCY_BOUNDS_MS.length
          ? Math.min(LATENCY_BOUNDS_MS[i], Math.max(maxMs, lower))
          : Math.max(maxMs, lower);
      const within = (rank - seen) / counts[i];
      return Math.round(lower + (upper - lower) * within);
    }
    seen += counts[i];
  }
  return maxMs;
}
