import { countAtMost, sortedCopy } from './sort-values.js';
/** Proportions below this count as this in PSI, so an empty bin gives a large but finite term, not infinity. */
export const PSI_FLOOR = 1e-4;

export interface PsiResult {
  psi: number;
  /** The bin edges used (reference quantiles; the outer edges stand for ±infinity). */
  edges: number[];
  /** The share of each side in each bin, before the floor. */
  reference: number[];
  current: number[];
}

/**
 * The population stability index of `current` against `reference`: Σ (c − r) · ln(c / r) over bins whose edges are
 * the reference's quantiles (deciles by default, linear interpolation as numpy), so each bin holds an equal share
 * of the reference. Repeated edges (many ties) merge bins. Proportions are floored at PSI_FLOOR (1e-4).
 * O((n + m) log n).
 * @example populationStabilityIndex(reference, reference) === 0
 */
export function populationStabilityIndex(reference: Float64Array, current: Float64Array, bins = 10): PsiResult {
  const sorted = sortedCopy(reference);
  const inner: number[] = [];
  for (let i = 1; i < bins; i++) {
    const position = ((sorted.length - 1) * i) / bins;
    const low = Math.floor(position);
    const value = sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (position - low);
    if (inner.length === 0 || value > inner.at(-1)!) inner.push(value);
  }
  const r = binShares(sorted, inner);
  const c = binShares(sortedCopy(current), inner);
  let psi = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = Math.max(r[i]!, PSI_FLOOR);
    const ci = Math.max(c[i]!, PSI_FLOOR);
    psi += (ci - ri) * Math.log(ci / ri);
  }
  return { psi, edges: [Number.NEGATIVE_INFINITY, ...inner, Number.POSITIVE_INFINITY], reference: r, current: c };
}

/** Shares of sorted values in the bins (−∞, e1], (e1, e2], …, (ek, ∞): each edge found by bisection, O(k log n). */
function binShares(sorted: Float64Array, edges: readonly number[]): number[] {
  const below = [0, ...edges.map((edge) => countAtMost(sorted, edge)), sorted.length];
  return edges.concat(Number.POSITIVE_INFINITY).map((_, bin) => (below[bin + 1]! - below[bin]!) / sorted.length);
}
