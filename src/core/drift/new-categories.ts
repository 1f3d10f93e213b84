import { constantMovedPValue } from './constant-reference.js';

/**
 * How unlikely it is, with no drift, that as many categories as were seen appear in the current data only. Each
 * category of the union, with t rows over both sides, would land wholly on the current side with probability
 * C(m, t) / C(n + m, t) (Fisher's exact one-sided probability, n and m the two sides' values): a category of one
 * row often does, one of forty almost never. The number of current-only categories is then a sum of independent
 * Bernoulli variables (a Poisson-binomial distribution, computed exactly), and the p-value is its upper tail at the
 * count observed. Many rare categories (airports, product ids) come and go by chance and are not drift; one value
 * of many rows that the reference never had is. O(K · k) for K categories and k current-only ones.
 * @example newCategoriesPValue([40, 200, 160], 1, 400, 400) < 1e-10
 */
export function newCategoriesPValue(
  totals: readonly number[],
  observed: number,
  referenceValues: number,
  currentValues: number,
): number {
  if (observed <= 0) return 1;
  // pmf[j]: the chance that j of the categories so far landed on the current side only; counts past `observed`
  // are gathered in the last cell, since only the tail P(X ≥ observed) is needed.
  const pmf = new Float64Array(observed + 1);
  pmf[0] = 1;
  for (const t of totals) {
    if (t <= 0 || t > currentValues) continue;
    const p = constantMovedPValue(referenceValues, currentValues, t);
    if (!(p > 0)) continue;
    pmf[observed] = pmf[observed]! + pmf[observed - 1]! * p;
    for (let j = observed - 1; j >= 1; j--) pmf[j] = pmf[j]! * (1 - p) + pmf[j - 1]! * p;
    pmf[0] = pmf[0]! * (1 - p);
  }
  return Math.min(1, pmf[observed]!);
}
