import { gammaln } from 'simple-statistics';

/**
 * The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n, as scipy.stats.kstwo: the
 * survival function P(D_n ≥ x), chosen among exact and asymptotic methods by n and n·x² as scipy does
 * (Simard & L'Ecuyer 2011, "Computing the two-sided Kolmogorov-Smirnov distribution", J. Stat. Softw. 39(11)).
 * ks_2samp's asymptotic p-value is kolmogorovSf(D, round(n1·n2/(n1 + n2))).
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!(n > 0) || !Number.isInteger(n) || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: for 1/2n <= x <= 1/n the CDF is n!/n^n (2t − 1)^n.
    if (t <= 0.5) return 1;
    const cdf = n <= 140 ? productCdf(n, t) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip(1 - durbinCdf(n, x));
    if (nxx <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = nxx >= 18 ? 1 : n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

function productCdf(n: number, t: number): number {
  let p = 1;
  for (let i = 1; i <= n; i++) p *= (i / n) * (2 * t - 1);
  return p;
}

/** log(n! / n^n) by Stirling's series, with n·log n taken out first to avoid cancellation. */
function logFactorialOverPower(n: number): number {
  // biome-ignore-start lint/correctness/noPrecisionLoss: the series' coefficients as published, rounded by the parser.
  const coefficients = [
    -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
    -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
  ];
  // biome-ignore-end lint/correctness/noPrecisionLoss: the literals end here.
  const r = 1 / n;
  let series = 0;
  for (const c of coefficients) series = series * (r * r) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + r * series;
}

/**
 * The one-sided Smirnov survival function P(D_n^+ ≥ x) = x Σ_j C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1),
 * j = 0..⌊n(1 − x)⌋, summed in log space (every term is positive).
 */
export function smirnovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const last = Math.floor(n * (1 - x) + 1e-12);
  const logN = gammaln(n + 1);
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    const a = 1 - x - j / n;
    const b = x + j / n;
    if (a <= 0 && n - j > 0) continue;
    const logTerm =
      logN - gammaln(j + 1) - gammaln(n - j + 1) + (n - j === 0 ? 0 : (n - j) * Math.log(a)) + (j - 1) * Math.log(b);
    sum += Math.exp(logTerm);
  }
  return clip(x * sum);
}

const SCALE = 2 ** 128;

/**
 * P(D_n ≤ d) by Durbin's matrix method as Marsaglia, Tsang & Wang (2003) compute it: the k-th diagonal entry of
 * H^n times n!/n^n, H of order 2k − 1 with k = ⌈n·d⌉, raised by repeated squaring with a separate exponent so that
 * nothing overflows.
 */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * factorial;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;
  let power: Float64Array = identity(m);
  let exponent = 0;
  let hExponent = 0;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) {
      power = multiply(power, H, m);
      exponent += hExponent;
    }
    H = multiply(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > SCALE) {
      for (let i = 0; i < H.length; i++) H[i]! /= SCALE;
      hExponent += 128;
    }
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 1 / SCALE) {
      p *= SCALE;
      exponent -= 128;
    }
  }
  return clip(p * 2 ** exponent);
}

function identity(m: number): Float64Array {
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) a[i * m + i] = 1;
  return a;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j]! += ail * b[l * m + j]!;
    }
  }
  return c;
}

/**
 * P(D_n ≤ x) by Pomeranz's recursion (1974): 2n + 1 convolutions of a row with Poisson-like weights, keeping only
 * the entries that can be non-zero, scaled against underflow.
 */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const weights = (scale: number) => {
    const a = new Float64Array(size);
    a[0] = 1;
    for (let i = 1; i < size; i++) a[i] = (a[i - 1]! * scale) / i;
    return a;
  };
  const gPower = weights(g / n);
  const twoGPower = weights((2 * g) / n);
  const oneMinusTwoGPower = weights((1 - 2 * g) / n);
  const bounds = (i: number): [number, number] => {
    let j1: number;
    let j2: number;
    if (i === 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      const half = Math.floor((i + 1) / 2);
      if ((i + 1) % 2 === 0) {
        if (half === n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = half - 1 - ll - roundf - 1;
          j2 = half + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = half - 1 - ll - 1;
        j2 = half + ll + roundf - 1;
      }
    }
    return [Math.max(j1 + 2, 0), Math.min(j2, n)];
  };
  let previous = new Float64Array(size);
  let current = new Float64Array(size);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let [j1, j2] = bounds(0);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [j1, j2] = bounds(i);
    const powers = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const span = j2 - k1 + 1;
    if (span > 0) {
      // current[r] = Σ_s previous[k1 − previousStart + s] · powers[(j1 − k1 + r) − s], the slice of the convolution
      // kept.
      const from = j1 - k1;
      const count = j2 - j1 + 1;
      let largest = 0;
      for (let r = 0; r < count; r++) {
        const index = from + r;
        let sum = 0;
        for (let s = Math.max(0, index - span + 1); s <= Math.min(index, span - 1); s++)
          sum += previous[k1 - previousStart + s]! * powers[index - s]!;
        current[r] = sum;
        if (sum > largest) largest = sum;
      }
      if (largest > 0 && largest < 1 / SCALE) {
        for (let r = 0; r < count; r++) current[r]! *= SCALE;
        exponent -= 128;
      }
      currentStart = previousStart + j1 - k1;
    }
  }
  let answer = current[n - currentStart]!;
  for (let i = 1; i <= n; i++) {
    if (Math.abs(answer) > SCALE) {
      answer /= SCALE;
      exponent += 128;
    }
    answer *= i;
  }
  return clip(answer * 2 ** exponent);
}

/**
 * P(D_n ≤ x) by Pelz and Good's (1976) asymptotic series, K0 + K1/√n + K2/n + K3/n^1.5 with z = x√n, each term
 * summed through Jacobi theta forms that converge fast for small z.
 */
function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI ** 2;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  // Horner's scheme over odd m = 2k − 1 of c(m) · q^(m²).
  for (let k = maxk; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const qPower = q ** (8 * k);
    const coefficients = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m2 * m2,
      k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 * m2 * m2,
    ];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qPower + coefficients[i]!;
  }
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * sqrt2pi) / divisors[i]!;
  // The further sums over all integers k of K2 and K3.
  const q2 = Math.exp(-pi2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k >= 1; k--) {
    const k2 = k * k;
    const qk = q2 ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  terms[2]! += (k2extra * pi2 * sqrt2pi) / (-36 * z3);
  terms[3]! += (k3extra * pi2 * sqrt2pi) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += terms[i]! / n ** (i / 2);
  return sum;
}
