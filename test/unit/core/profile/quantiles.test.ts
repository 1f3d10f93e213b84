import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectQuantiles } from '../../../../src/core/profile/profile.js';

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
      fc.property(
        fc.array(
          fc.integer({ min: -50, max: 50 }).map((v) => v / 4),
          { minLength: 1, maxLength: 400 },
        ),
        fc.constantFrom('shuffled', 'sorted', 'reversed'),
        (values, order) => {
          const input =
            order === 'sorted'
              ? [...values].sort((a, b) => a - b)
              : order === 'reversed'
                ? [...values].sort((a, b) => b - a)
                : values;
          const result = selectQuantiles(Float64Array.from(input), qs);
          for (const q of qs) expect(result[String(q)]).toBeCloseTo(reference(values, q), 12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals it on large samples too, where values are selected bucket by bucket: spread, skewed, tied, bunched, infinite', () => {
    const qs = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const n = 20_000;
    const cases: Record<string, number[]> = {
      spread: Array.from({ length: n }, () => (random() - 0.5) * 2000),
      skewed: Array.from({ length: n }, () => -Math.log(1 - random()) * 3),
      tied: Array.from({ length: n }, () => Math.floor(random() * 7) - 3),
      // All but two values in one bucket: selection falls back to that bucket's values, nearly all of them.
      bunched: [...Array.from({ length: n }, () => 1 + random() * 1e-9), -1e12, 1e12],
      sorted: Array.from({ length: n }, (_, i) => i / 3),
      edges: Array.from({ length: n }, (_, i) => (i % 2 ? 0.1 * (i % 4096) : -0)),
      infinite: [...Array.from({ length: n }, () => random()), Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    };
    for (const [name, values] of Object.entries(cases)) {
      const result = selectQuantiles(Float64Array.from(values), qs);
      for (const q of qs) expect(result[String(q)], `${name} q=${q}`).toBe(reference(values, q));
    }
  });

  it('matches numpy on a known case: numpy.quantile([1, 2, 3, 4, 10], [0.25, 0.5, 0.9]) = [2, 3, 7.6]', () => {
    const result = selectQuantiles(Float64Array.from([10, 1, 4, 2, 3]), [0.25, 0.5, 0.9]);
    expect([result['0.25'], result['0.5'], result['0.9']!.toFixed(10)]).toEqual([2, 3, (7.6).toFixed(10)]);
  });
});
