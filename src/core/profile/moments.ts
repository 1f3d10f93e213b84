/**
 * Count, mean and the sum of squared deviations (M2) of a stream of numbers, by Welford's online algorithm, and
 * the merge of two such summaries by Chan et al.'s parallel formula, so that shards combine into the whole.
 * Welford, B. P. (1962), Technometrics 4(3); Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise
 * algorithm for computing sample variances".
 *
 * Values are finite, but their spread may not be: M2 of 1e308 and -1e308 is 2e616, beyond float64. M2 then
 * saturates at Number.MAX_VALUE (see SATURATED_M2), so that a profile stays valid JSON; the variance read from it is
 * a lower bound. The mean always lies between min and max, and is computed so that it never overflows.
 */
export interface Moments {
  count: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
}

export function emptyMoments(): Moments {
  return { count: 0, mean: 0, m2: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
}

/** The value M2 saturates at when the spread of the values is beyond float64. */
export const SATURATED_M2 = Number.MAX_VALUE;

/** The merge of two summaries, as if their values had been added to one. O(1). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.count === 0) return { ...b };
  if (b.count === 0) return { ...a };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  let mean = a.mean + (delta * b.count) / count;
  let m2 = a.m2 + b.m2 + (delta * delta * a.count * b.count) / count;
  // Means far apart (1e308 and -1e308) overflow delta: a weighted average cannot, as each weight is at most 1.
  if (!Number.isFinite(mean)) mean = a.mean * (a.count / count) + b.mean * (b.count / count);
  if (!(m2 <= SATURATED_M2)) m2 = SATURATED_M2;
  return { count, mean, m2, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/**
 * Moments of the finite values among `values` whose status is VALUE, and how many were not finite (±Infinity: a
 * number beyond float64, such as 1e400). The values are scaled by a power of two near the largest magnitude, so
 * that neither their sum nor the squares of their deviations overflow; M2 saturates (see SATURATED_M2). The
 * careful path, for a batch whose plain sum was not finite; O(n).
 */
export function finiteMoments(
  values: Float64Array,
  status: Uint8Array,
  length: number,
  valueStatus: number,
): { moments: Moments; nonFinite: number } {
  let count = 0;
  let nonFinite = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < length; r++) {
    if (status[r] !== valueStatus) continue;
    const v = values[r]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { moments: emptyMoments(), nonFinite };
  // A power of two, at most 2^1023: scaling by it is exact, and |v / scale| <= 2.
  const scale = 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(Math.abs(min), Math.abs(max)))) - 1);
  let sum = 0;
  for (let r = 0; r < length; r++) {
    const v = values[r]!;
    if (status[r] === valueStatus && Number.isFinite(v)) sum += v / scale;
  }
  const scaledMean = sum / count;
  let scaledM2 = 0;
  for (let r = 0; r < length; r++) {
    const v = values[r]!;
    if (status[r] !== valueStatus || !Number.isFinite(v)) continue;
    const d = v / scale - scaledMean;
    scaledM2 += d * d;
  }
  // Left to right, so that 0 stays 0 where scale * scale alone would overflow.
  const m2 = scaledM2 * scale * scale;
  return {
    moments: {
      count,
      mean: Math.min(max, Math.max(min, scaledMean * scale)),
      m2: m2 <= SATURATED_M2 ? m2 : SATURATED_M2,
      min,
      max,
    },
    nonFinite,
  };
}

/** Sample variance (n − 1 in the denominator, as pandas' var()); null below two values. */
export function sampleVariance(m: Moments): number | null {
  return m.count > 1 ? m.m2 / (m.count - 1) : null;
}
