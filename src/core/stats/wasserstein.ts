import { sortValues } from './sort-values.js';
/**
 * The first Wasserstein (earth mover's) distance between two samples, as scipy.stats.wasserstein_distance:
 * the integral of |F_u − F_v| over the merged support of the two empirical distribution functions.
 * O((n + m) log(n + m)).
 * @example wasserstein1(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8)) === 5
 */
export function wasserstein1(u: Float64Array, v: Float64Array): number {
  const a = sortValues(u.slice());
  const b = sortValues(v.slice());
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  sortValues(all);
  let i = 0;
  let j = 0;
  let distance = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!;
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    distance += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - x);
  }
  return distance;
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
