/**
 * Holm's step-down adjusted p-values (family-wise error rate), in the order given: sorted ascending, the k-th
 * smallest (from 1) is multiplied by m − k + 1, made monotone from the smallest up and capped at 1, as
 * statsmodels.stats.multitest.multipletests(p, method='holm'). A hypothesis is rejected at level α when its adjusted
 * p-value is at most α. Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J. Statist.
 * 6(2). O(m log m).
 * @example holm([0.01, 0.04, 0.03]) = [0.03, 0.06, 0.06]
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, index], k) => {
    running = Math.max(running, Math.min(1, p * (m - k)));
    adjusted[index] = running;
  });
  return adjusted;
}
