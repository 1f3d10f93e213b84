import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ks2samp } from '../../../../src/core/stats/ks-2samp.js';
import { populationStabilityIndex } from '../../../../src/core/stats/psi.js';
import { isSorted, sortValues } from '../../../../src/core/stats/sort-values.js';
import { wasserstein1 } from '../../../../src/core/stats/wasserstein.js';

/** The engine's own comparison sort, −0 before +0: the plain twin of sortValues. */
const plainSort = (values: Float64Array) => Float64Array.from(values).sort();
const bits = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex');

/** scipy's wasserstein_distance as first written here: the union of both samples sorted, then summed in order. */
function plainWasserstein(u: Float64Array, v: Float64Array): number {
  const a = plainSort(u);
  const b = plainSort(v);
  const all = plainSort(Float64Array.from([...a, ...b]));
  let i = 0;
  let j = 0;
  let distance = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!;
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    distance += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - x);
  }
  return distance;
}

// Short decimals as a CSV holds them, −0 ("-0.0000") among them.
const decimal = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .tuple(fc.integer({ min: -2e9, max: 2e9 }), fc.integer({ min: 0, max: 9 }))
      .map(([m, d]) => m / 10 ** d),
  },
  { weight: 1, arbitrary: fc.constant(-0) },
);
const anyValue = fc.oneof(decimal, fc.double({ noNaN: true }), fc.constant(-0), fc.constant(0));

describe('sorting a sample once for every test', () => {
  it('sorts short decimals by their integers exactly as the comparison sort, and any values too', () => {
    fc.assert(
      fc.property(
        fc.array(decimal, { minLength: 256, maxLength: 1500 }),
        fc.array(anyValue, { minLength: 256, maxLength: 1500 }),
        (decimals, values) => {
          for (const input of [Float64Array.from(decimals), Float64Array.from(values)]) {
            const sorted = sortValues(input.slice());
            expect(bits(sorted)).toBe(bits(plainSort(input)));
            expect(isSorted(sorted)).toBe(true);
            // Sorted input is left as it is.
            expect(sortValues(sorted)).toBe(sorted);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(isSorted(Float64Array.of(0, -0))).toBe(false);
    expect(isSorted(Float64Array.of(-0, 0, 0))).toBe(true);
  });

  it('gives the same statistics on sorted samples as on samples in any order; Wasserstein by merging equals its plain twin', () => {
    fc.assert(
      fc.property(
        fc.array(decimal, { minLength: 1, maxLength: 400 }),
        fc.array(decimal, { minLength: 1, maxLength: 400 }),
        (xs, ys) => {
          const a = Float64Array.from(xs);
          const b = Float64Array.from(ys);
          const sa = plainSort(a);
          const sb = plainSort(b);
          expect(ks2samp(sa, sb)).toEqual(ks2samp(a, b));
          expect(populationStabilityIndex(sa, sb)).toEqual(populationStabilityIndex(a, b));
          expect(wasserstein1(sa, sb)).toBe(plainWasserstein(a, b));
          expect(wasserstein1(a, b)).toBe(plainWasserstein(a, b));
          // The inputs are never changed.
          expect(bits(a)).toBe(bits(Float64Array.from(xs)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
