/**
 * Benjamini-Hochberg adjusted p-values (false discovery rate), in the order given: p(i) · m / rank, made monotone
 * from the largest down and capped at 1, as scipy.stats.false_discovery_control(method='bh').
 * Benjamini & Hochberg (1995), JRSS B 57(1). O(m log m).
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) = [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const [p, index] = order[rank - 1]!;
    running = Math.min(running, (p * m) / rank);
    adjusted[index] = Math.min(1, running);
  }
  return adjusted;
}
