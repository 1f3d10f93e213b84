import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectQuantiles } from '../../../src/core/profile/profile.js';

/** numpy.quantile's default (linear) method, on a sorted copy: the reference. */
function reference(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

describe('selectQuantiles', () => {
  it('equals linear interpolation on sorted values, for any values (ties, sorted, reversed)', () => {
    const qs = [0, 0.01, 0.25, 0.5, 0.75, 0.99, 1];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }).map((v) => v / 4), { minLength: 1, maxLength: 400 }), fc.constantFrom('shuffled', 'sorted', 'reversed'), (values, order) => {
        const input = order === 'sorted' ? [...values].sort((a, b) => a - b) : order === 'reversed' ? [...values].sort((a, b) => b - a) : values;
        const result = selectQuantiles(Float64Array.from(input), qs);
        for (const q of qs) expect(result[String(q)]).toBeCloseTo(reference(values, q), 12);
      }),
      { numRuns: 300 },
    );
  });

  it('matches numpy on a known case: numpy.quantile([1, 2, 3, 4, 10], [0.25, 0.5, 0.9]) = [2, 3, 7.6]', () => {
    const result = selectQuantiles(Float64Array.from([10, 1, 4, 2, 3]), [0.25, 0.5, 0.9]);
    expect([result['0.25'], result['0.5'], result['0.9']!.toFixed(10)]).toEqual([2, 3, (7.6).toFixed(10)]);
  });
});
