/**
 * Fisher's exact test for a reference column that holds one value only: of the k current values that differ from
 * it, how likely is it that all k fell on the current side if both sides came from one population? That is the
 * one-sided p-value of the 2×2 table [[n, 0], [m − k, k]] (rows: reference, current; columns: the reference's value,
 * any other), as scipy.stats.fisher_exact(table, alternative='greater'):
 * C(m, k) / C(n + m, k) = Π_{i<k} (m − i) / (n + m − i). Fisher (1922), JRSS 85(1). O(k).
 * @example constantMovedPValue(100, 100, 1) === 0.5
 */
export function constantMovedPValue(referenceValues: number, currentValues: number, differing: number): number {
  let log = 0;
  for (let i = 0; i < differing; i++) log += Math.log((currentValues - i) / (referenceValues + currentValues - i));
  return Math.exp(log);
}
