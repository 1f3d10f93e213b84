/**
 * Count, mean and the sum of squared deviations (M2) of a stream of numbers, by Welford's online algorithm, and
 * the merge of two such summaries by Chan et al.'s parallel formula, so that shards combine into the whole.
 * Welford, B. P. (1962), Technometrics 4(3); Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise
 * algorithm for computing sample variances".
 */
export interface Moments {
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

export function emptyMoments(): Moments {
  return { count: 0, mean: 0, m2: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
}

/** The merge of two summaries, as if their values had been added to one. O(1). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.count === 0) return { ...b };
  if (b.count === 0) return { ...a };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  return {
    count,
    mean: a.mean + (delta * b.count) / count,
    m2: a.m2 + b.m2 + (delta * delta * a.count * b.count) / count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

/** Sample variance (n − 1 in the denominator, as pandas' var()); null below two values. */
export function sampleVariance(m: Moments): number | null {
  return m.count > 1 ? m.m2 / (m.count - 1) : null;
}
