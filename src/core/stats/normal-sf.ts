import { upperRegularizedGamma } from './regularized-gamma.js';

/**
 * The survival function of the standard normal distribution, P(Z > z), as scipy.stats.norm.sf, accurate in the
 * far tail: for z ≥ 0 it is erfc(z/√2)/2 = Q(1/2, z²/2)/2.
 * @example normalSf(1.959963984540054) ≈ 0.025
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalSf(-z);
  return 0.5 * upperRegularizedGamma(0.5, (z * z) / 2);
}
