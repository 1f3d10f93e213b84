import { chiSquareSf } from './chi-square-sf.js';

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
  /** Cramér's V: the effect size, from 0 (no association) to 1. */
  cramersV: number;
}

/**
 * Pearson's chi-square test of independence on a 2×K table of counts (reference and current counts per category),
 * as scipy.stats.chi2_contingency with its defaults: Yates' continuity correction when there is one degree of
 * freedom. Categories empty in both rows carry no information and are left out.
 * O(K).
 * @example chiSquareContingency([10, 20, 30], [15, 15, 30]).pValue ≈ 0.6035
 */
export function chiSquareContingency(reference: readonly number[], current: readonly number[]): ChiSquareResult {
  const columns = reference.map((r, i) => [r, current[i] ?? 0] as const).filter(([r, c]) => r + c > 0);
  const totals = [columns.reduce((s, [r]) => s + r, 0), columns.reduce((s, [, c]) => s + c, 0)];
  const n = totals[0]! + totals[1]!;
  const dof = columns.length - 1;
  if (dof < 1 || totals[0] === 0 || totals[1] === 0)
    return { statistic: 0, dof: Math.max(dof, 0), pValue: 1, cramersV: 0 };
  let statistic = 0;
  for (const [r, c] of columns) {
    const columnTotal = r + c;
    for (const [observed, rowTotal] of [
      [r, totals[0]!],
      [c, totals[1]!],
    ] as const) {
      const expected = (rowTotal * columnTotal) / n;
      let difference = Math.abs(observed - expected);
      // Yates' correction, as scipy applies it: shrink each difference by 0.5, never past zero.
      if (dof === 1) difference = Math.max(0, difference - 0.5);
      statistic += (difference * difference) / expected;
    }
  }
  return { statistic, dof, pValue: chiSquareSf(statistic, dof), cramersV: Math.sqrt(statistic / n) };
}
