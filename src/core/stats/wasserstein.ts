import { sortedCopy } from './sort-values.js';
/**
 * The first Wasserstein (earth mover's) distance between two samples, as scipy.stats.wasserstein_distance:
 * the integral of |F_u − F_v| over the merged support of the two empirical distribution functions.
 * O((n + m) log(n + m)).
 * @example wasserstein1(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8)) === 5
 */
export function wasserstein1(u: Float64Array, v: Float64Array): number {
  const a = sortedCopy(u);
  const b = sortedCopy(v);
  // The two sorted samples are walked together (a merge, not a sort of their union): between consecutive values of
  // the union, the distance grows by |F_a − F_b| times the gap. Ties make gaps of zero, which add nothing.
  let i = 0;
  let j = 0;
  let distance = 0;
  let x = Math.min(a[0] ?? Number.POSITIVE_INFINITY, b[0] ?? Number.POSITIVE_INFINITY);
  for (;;) {
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    if (i >= a.length && j >= b.length) return distance;
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    distance += Math.abs(i / a.length - j / b.length) * (next - x);
    x = next;
  }
}

/**
 * Wasserstein-1 divided by the reference's standard deviation (population, ddof 0), so one threshold (0.1) suits
 * every numeric feature, as Evidently's normed Wasserstein. A constant reference gives NaN: the caller decides.
 */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  let mean = 0;
  for (const x of reference) mean += x;
  mean /= reference.length;
  let variance = 0;
  for (const x of reference) variance += (x - mean) ** 2;
  const sd = Math.sqrt(variance / reference.length);
  return sd > 0 ? wasserstein1(reference, current) / sd : Number.NaN;
}
