/**
 * The Jensen-Shannon distance between two distributions given as counts or weights over the same categories, in
 * base 2 so that it lies in [0, 1]: the square root of the JS divergence, as scipy.spatial.distance.jensenshannon
 * (p, q, base=2). Each vector is normalised to sum to 1.
 * O(K).
 * @example jensenShannonDistance([1, 0], [0, 1]) === 1
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  if (!(sp > 0) || !(sq > 0)) return Number.NaN;
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = (q[i] ?? 0) / sq;
    const mi = (pi + qi) / 2;
    if (pi > 0) divergence += pi * Math.log2(pi / mi);
    if (qi > 0) divergence += qi * Math.log2(qi / mi);
  }
  return Math.sqrt(Math.max(0, divergence / 2));
}
