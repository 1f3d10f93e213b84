/**
 * Sorts float64 values ascending in place by a least-significant-digit radix sort on their IEEE-754 bits, 16 bits
 * a pass, skipping the passes in which every key has the same digit (the low bits of scores that were float32).
 * Orders as numeric comparison does, −0 before +0; NaN is not expected. O(n) per pass, against O(n log n) for the
 * comparison sort: 3-4x faster on a million model scores, measured here. `scratch`, when given and at least twice
 * as long as `values`, holds two of the sort's working arrays instead of new ones: a caller sorting many columns in
 * turn then leaves no 8 MB of garbage a million values (see ProfileBuilder.finishSorted).
 */
export function sortValues(values: Float64Array, scratch?: Uint32Array): Float64Array {
  const n = values.length;
  if (n < 256) return values.sort();
  // Values sorted already (a profile's sample sorted once, read by several tests) cost one pass, not a sort.
  if (isSorted(values)) return values;
  const [first, second] = scratchPair(n, scratch);
  if (sortDecimalValued(values, first, second)) return values;
  if (allFloat32(values)) return sortFloat32Valued(values, first, second);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  // Keys as (high, low) unsigned pairs that sort like the numbers: flip every bit of negatives, the sign of positives.
  let high: Uint32Array = first ?? new Uint32Array(n);
  let low: Uint32Array = second ?? new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1]!;
    const negative = h >>> 31 === 1;
    high[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    low[i] = negative ? ~bits[2 * i]! >>> 0 : bits[2 * i]!;
  }
  let nextHigh: Uint32Array = new Uint32Array(n);
  let nextLow: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (const [word, shift] of [
    ['low', 0],
    ['low', 16],
    ['high', 0],
    ['high', 16],
  ] as const) {
    const keys = word === 'low' ? low : high;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & 0xffff]!++;
    if (counts[(keys[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(keys[i]! >>> shift) & 0xffff]!++;
      nextHigh[at] = high[i]!;
      nextLow[at] = low[i]!;
    }
    [high, nextHigh] = [nextHigh, high];
    [low, nextLow] = [nextLow, low];
  }
  for (let i = 0; i < n; i++) {
    const h = high[i]!;
    const positive = h >>> 31 === 1;
    bits[2 * i + 1] = positive ? (h & 0x7fffffff) >>> 0 : ~h >>> 0;
    bits[2 * i] = positive ? low[i]! : ~low[i]! >>> 0;
  }
  return values;
}

/**
 * True when the values ascend (ties allowed), as sortValues would leave them: −0 before +0, so a +0 followed by a −0
 * is not sorted. Stops at the first value out of order.
 */
export function isSorted(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) {
    const a = values[i - 1]!;
    const b = values[i]!;
    if (!(a <= b) || (a === 0 && b === 0 && 1 / a > 0 && 1 / b < 0)) return false;
  }
  return true;
}

/** Arrays known to be sorted, which are never changed (see markSorted). */
const markedSorted = new WeakSet<Float64Array>();

/**
 * Records that `values` are sorted and will not change, so that the tests reading them (KS, PSI, Wasserstein each
 * read both samples) take them as they are without checking a million values each time.
 */
export function markSorted(values: Float64Array): Float64Array {
  markedSorted.add(values);
  return values;
}

/**
 * A sorted copy of the values, or the values themselves when they are sorted already (the caller must not change them).
 */
export function sortedCopy(values: Float64Array): Float64Array {
  return markedSorted.has(values) || isSorted(values) ? values : sortValues(values.slice());
}

/** How many of the sorted values are at most `x` (numpy's searchsorted side='right'), by bisection. */
export function countAtMost(sorted: Float64Array, x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Two arrays of n keys over `scratch`, when it has room for them. */
function scratchPair(n: number, scratch: Uint32Array | undefined): [Uint32Array | undefined, Uint32Array | undefined] {
  if (!scratch || scratch.length < 2 * n) return [undefined, undefined];
  return [scratch.subarray(0, n), scratch.subarray(n, 2 * n)];
}

/** Decimals tried before data is taken for other than short decimals. */
const MAX_SORT_DECIMALS = 9;
const TWO_31 = 2147483648;

/**
 * Sorts values that are all short decimals (what a CSV holds: every value m / 10^d exactly, for integers |m| < 2^31
 * and the fewest decimals d up to 9) by their integers m: two radix passes over 32-bit keys instead of four over
 * 64-bit ones, then each value rebuilt as m / 10^d, which is exactly the value (the division of an integer by a
 * power of ten is the double nearest the decimal, the one the value was checked to be). A −0 (a CSV's "-0.0000")
 * sorts as 0, and the zeros are then given back their signs, −0 first. False, with the values untouched, for other
 * data. About 1.6 times as fast as the float64 sort on a million 4-decimal values.
 */
function sortDecimalValued(values: Float64Array, keysInto?: Uint32Array, nextInto?: Uint32Array): boolean {
  const n = values.length;
  let decimals = 0;
  let scale = 1;
  let negativeZeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === 0 && 1 / v < 0) negativeZeros++;
    for (;;) {
      const m = Math.round(v * scale);
      if (!(Math.abs(m) < TWO_31)) return false;
      if (m / scale === v) break;
      if (++decimals > MAX_SORT_DECIMALS) return false;
      scale *= 10;
    }
  }
  const keys = keysInto ?? new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.round(values[i]! * scale) + TWO_31;
  const sorted = sortKeys(keys, nextInto);
  for (let i = 0; i < n; i++) values[i] = (sorted[i]! - TWO_31) / scale;
  if (negativeZeros > 0) {
    let zero = 0;
    while (values[zero] !== 0) zero++;
    values.fill(-0, zero, zero + negativeZeros);
  }
  return true;
}

/** True when every value is exactly a float32 (model outputs usually are): then 32-bit keys sort them. */
function allFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Math.fround(values[i]!) !== values[i]) return false;
  return true;
}

/** The same radix sort on the float32 bits: two passes of 16 bits over half the memory. */
function sortFloat32Valued(values: Float64Array, keysInto?: Uint32Array, nextInto?: Uint32Array): Float64Array {
  const n = values.length;
  const floats = Float32Array.from(values);
  const bits = new Uint32Array(floats.buffer);
  const keys = keysInto ?? new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = float32Key(bits[i]!);
  const sorted = sortKeys(keys, nextInto);
  for (let i = 0; i < n; i++) {
    const k = sorted[i]!;
    bits[i] = k >>> 31 === 1 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  values.set(floats);
  return values;
}

/**
 * The unsigned key of a float32's bits that sorts like the number: flip every bit of negatives, the sign of positives.
 */
export function float32Key(bits: number): number {
  return bits >>> 31 === 1 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/**
 * Sorts unsigned 32-bit keys ascending: two radix passes of 16 bits (skipped when every key shares the digit).
 * `into`, when given, is the second working array (as long as the keys); the result is it or the input.
 */
export function sortKeys(
  input: Uint32Array<ArrayBufferLike>,
  into?: Uint32Array<ArrayBufferLike>,
): Uint32Array<ArrayBufferLike> {
  const n = input.length;
  let keys: Uint32Array<ArrayBufferLike> = input;
  let next: Uint32Array<ArrayBufferLike> = into ?? new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & 0xffff]!++;
    if (counts[(keys[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) next[counts[(keys[i]! >>> shift) & 0xffff]!++] = keys[i]!;
    [keys, next] = [next, keys];
  }
  return keys;
}
