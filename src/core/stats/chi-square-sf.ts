import { upperRegularizedGamma } from './regularized-gamma.js';

/**
 * The survival function of the chi-square distribution with k degrees of freedom, P(X > x), as
 * scipy.stats.chi2.sf: Q(k/2, x/2).
 * @example chiSquareSf(3.841458820694124, 1) ≈ 0.05
 */
export function chiSquareSf(x: number, k: number): number {
  if (!(k > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return upperRegularizedGamma(k / 2, x / 2);
}
