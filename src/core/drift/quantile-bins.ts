import { PSI_FLOOR } from '../stats/psi.js';
import { countAtMost, sortedCopy } from '../stats/sort-values.js';

/** Bins for the count tests (chi-square, PSI, Jensen-Shannon) on a numeric column. */
export const NUMERIC_BINS = 10;

/**
 * The inner edges of `bins` quantile bins of the reference (deciles by default): the reference's quantiles at
 * i / bins by linear interpolation (numpy's default), repeated edges dropped, so each bin holds about an equal share
 * of the reference and ties merge bins. The bins are (−∞, e1], (e1, e2], …, (ek, ∞): right-closed, as PSI's.
 * O(n log n), or O(n) for a sample sorted already (drift-check sorts each once for every test).
 * @example quantileEdges(Float64Array.of(1, 2, 3, 4, 5), 2) → [3]
 */
export function quantileEdges(reference: Float64Array, bins = NUMERIC_BINS): number[] {
  const sorted = sortedCopy(reference);
  const edges: number[] = [];
  if (sorted.length === 0) return edges;
  for (let i = 1; i < bins; i++) {
    const position = ((sorted.length - 1) * i) / bins;
    const low = Math.floor(position);
    const value = sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (position - low);
    if (edges.length === 0 || value > edges.at(-1)!) edges.push(value);
  }
  return edges;
}

/** Counts of the sorted `values` in the bins (−∞, e1], (e1, e2], …, (ek, ∞) of the inner edges. O(k log n). */
export function binCounts(values: Float64Array, edges: readonly number[]): number[] {
  const sorted = sortedCopy(values);
  const atMost = [...edges.map((edge) => countAtMost(sorted, edge)), sorted.length];
  return atMost.map((count, i) => count - (i > 0 ? atMost[i - 1]! : 0));
}

/**
 * The population stability index of two count vectors over the same bins or categories: Σ (c − r) · ln(c / r) over
 * the shares, each share floored at PSI_FLOOR (1e-4) so that an empty bin gives a large but finite term, as
 * populationStabilityIndex does on quantile bins. O(K).
 * @example psiOfCounts([50, 50], [50, 50]) === 0
 */
export function psiOfCounts(reference: readonly number[], current: readonly number[]): number {
  const total = [reference.reduce((a, b) => a + b, 0), current.reduce((a, b) => a + b, 0)];
  if (!(total[0]! > 0) || !(total[1]! > 0)) return Number.NaN;
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]! / total[0]!, PSI_FLOOR);
    const c = Math.max((current[i] ?? 0) / total[1]!, PSI_FLOOR);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}
