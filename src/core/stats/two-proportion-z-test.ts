import { normalSf } from './normal-sf.js';

export interface ZTestResult {
  statistic: number;
  pValue: number;
  /** The difference of the two proportions (current − reference). */
  difference: number;
}

/**
 * The two-sided z-test for two proportions with a pooled standard error (as statsmodels' proportions_ztest), for
 * binary columns: `x` successes out of `n` in each sample.
 * O(1).
 * @example twoProportionZTest(30, 100, 45, 100).pValue ≈ 0.0285
 */
export function twoProportionZTest(
  xReference: number,
  nReference: number,
  xCurrent: number,
  nCurrent: number,
): ZTestResult {
  const p1 = xReference / nReference;
  const p2 = xCurrent / nCurrent;
  const pooled = (xReference + xCurrent) / (nReference + nCurrent);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nReference + 1 / nCurrent));
  if (!(se > 0)) return { statistic: 0, pValue: 1, difference: p2 - p1 };
  const statistic = (p2 - p1) / se;
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(statistic))), difference: p2 - p1 };
}
