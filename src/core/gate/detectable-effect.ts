/**
 * What a holdout can see: the minimum detectable effect of a paired difference, from the spread of its bootstrap.
 *
 * The standard error is read off the 95% percentile interval (its width over 2 × 1.96, the normal approximation of a
 * bootstrap distribution). A true change of (z₀.₉₇₅ + z₀.₈) × SE ≈ 2.80 × SE is the smallest that a 95% interval
 * excludes from zero four times in five (80% power): the textbook minimum detectable effect (Bloom 1995, "Minimum
 * detectable effects: a simple way to report the statistical power of experimental designs", Evaluation Review
 * 19(5)). When it exceeds the tolerance, the holdout cannot tell a tolerated change from a harmful one: the lenient
 * rule misses most drops of twice the tolerance, and the non-inferiority rule fails most candidates that are truly as
 * good. The standard error shrinks as 1/√rows, so the rows that would bring the detectable effect down to the
 * tolerance are rows × (detectable / tolerance)².
 */

/** z of the 95% interval's upper tail, Φ⁻¹(0.975). */
export const Z_INTERVAL = 1.959963984540054;
/** z of 80% power, Φ⁻¹(0.8). */
export const Z_POWER = 0.8416212335729143;

/** A holdout's power against one change rule. */
export interface DetectableEffect {
  /** The bootstrap's standard error of the difference. */
  standardError: number;
  /** The smallest true change detected with 80% power by a 95% interval, in the metric's units. */
  detectable: number;
  /** The rows a holdout like this one would need for `detectable` to reach the tolerance; absent when unknown. */
  rowsNeeded?: number;
}

/**
 * The minimum detectable effect of a difference with 95% interval [ciLow, ciHigh], measured on `rows` rows, against a
 * tolerated change of `tolerance` (in the metric's units).
 * @example computeDetectableEffect(-0.03, 0.03, 0.01, 900) ≈ { standardError: 0.0153, detectable: 0.0429, rowsNeeded: 16551 }
 */
export function computeDetectableEffect(
  ciLow: number,
  ciHigh: number,
  tolerance: number,
  rows?: number,
): DetectableEffect {
  const standardError = Math.max(0, ciHigh - ciLow) / (2 * Z_INTERVAL);
  const detectable = (Z_INTERVAL + Z_POWER) * standardError;
  const effect: DetectableEffect = { standardError, detectable };
  if (rows !== undefined && rows > 0 && tolerance > 0)
    effect.rowsNeeded = Math.ceil(rows * (detectable / tolerance) ** 2);
  return effect;
}
