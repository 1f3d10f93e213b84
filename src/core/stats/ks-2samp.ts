import { kolmogorovSf } from './kolmogorov.js';
import { sortedCopy } from './sort-values.js';

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Largest sample size for which the p-value is computed exactly (scipy's MAX_AUTO_N). */
export const KS_EXACT_MAX = 10_000;

/**
 * The two-sample Kolmogorov-Smirnov test, two-sided, with scipy.stats.ks_2samp's semantics (method 'auto'): the
 * statistic D is the largest distance between the two empirical distribution functions (ties handled by evaluating
 * both at every observed value). Up to 10,000 values in each sample the p-value is exact, the probability that a
 * random split of the pooled sample gives a D at least as large, counted over lattice paths (Hodges 1958; computed
 * as 1 − p directly after Viehmann 2021, which keeps small p-values accurate); beyond, it is the Kolmogorov
 * distribution's survival function at D for n = round(n1·n2 / (n1 + n2)).
 * O(n·m / gcd(n, m)) for the exact p-value, O((n + m) log(n + m)) for the statistic.
 */
export function ks2samp(a: Float64Array, b: Float64Array): KsResult {
  if (a.length === 0 || b.length === 0) throw new RangeError('ks2samp needs two non-empty samples');
  const statistic = ksStatistic(a, b);
  if (Math.max(a.length, b.length) <= KS_EXACT_MAX)
    return { statistic, pValue: ksExactPValue(a.length, b.length, statistic), method: 'exact' };
  const effective = Math.round((a.length * b.length) / (a.length + b.length));
  return { statistic, pValue: kolmogorovSf(effective, statistic), method: 'asymptotic' };
}

/** max |F_a(x) − F_b(x)| over every observed x, with F evaluated right-continuously (searchsorted side='right'). */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length || j < y.length) {
    // Step past every copy of the next value in both samples, then compare the two functions there.
    const next = j >= y.length || (i < x.length && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    while (i < x.length && x[i]! <= next) i++;
    while (j < y.length && y[j]! <= next) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * P(D ≥ d) under the null for sample sizes n1, n2. D takes values h / lcm(n1, n2); d is first rounded to that grid
 * (as scipy does), then the probability that a path from (0, 0) to (m, n) leaves the band |x/m − y/n| < h/lcm.
 */
export function ksExactPValue(n1: number, n2: number, d: number): number {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const p = n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
  return Math.min(1, Math.max(0, p));
}

/**
 * Equal sizes: P(D ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n − kh) / C(2n, n), summed from the innermost term outward as
 * a nested product so that no binomial coefficient is ever formed (no overflow, little cancellation).
 */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    // C(2n, n − (k+1)h) / C(2n, n − kh), a product of h simple factors.
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Unequal sizes: walks the lattice column by column (x = 1..m, with m ≥ n), keeping for each y in the band the
 * probability that a random path to (x, y) has already left the band. A path reaches (x, y) from (x − 1, y) with
 * weight x/(x + y) and from (x, y − 1) with weight y/(x + y); cells outside the band count as "left" (1).
 */
function outsideBand(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  // The band at column x holds y with |ng·x − mg·y| < h, i.e. y in [low(x), high(x)).
  const low = (x: number) => Math.min(Math.max(Math.floor((ng * x - h) / mg) + 1, 0), n);
  const high = (x: number) => Math.min(Math.ceil((ng * x + h) / mg), n + 1);
  let start = 0;
  let end = high(0);
  let column = new Float64Array(n + 2).fill(1);
  for (let y = start; y < end; y++) column[y] = 0;
  let next = new Float64Array(n + 2);
  for (let x = 1; x <= m; x++) {
    const nextStart = low(x);
    const nextEnd = high(x);
    if (nextEnd <= nextStart) return 1;
    next.fill(1);
    // Below the band's first cell everything has left it, except on the axis y = 0 at the very start.
    let below = nextStart === 0 ? 0 : 1;
    for (let y = nextStart; y < nextEnd; y++) {
      const left = y >= start && y < end ? column[y]! : 1;
      below = (left * x + below * y) / (x + y);
      next[y] = below;
    }
    [column, next] = [next, column];
    start = nextStart;
    end = nextEnd;
  }
  return column[n]!;
}
