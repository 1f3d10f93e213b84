import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, NULL, VALUE } from '../../../../src/core/data/batch.js';
import { EveryRowNumbers } from '../../../../src/core/profile/every-row-numbers.js';
import { SortedDecimals } from '../../../../src/core/profile/sorted-decimals.js';
import { sortValues } from '../../../../src/core/stats/sort-values.js';

/** The values with −0 spelled out, so that a comparison tells it from 0. */
const signed = (values: ArrayLike<number>) => Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v));

/** Values as a CSV's numbers come: short decimals mostly, with −0, whole numbers, long doubles and extremes. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -2_000_000, max: 2_000_000 }).map((m) => m / 10_000) },
  { weight: 2, arbitrary: fc.integer({ min: -99, max: 99 }).map((m) => m / 100) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 0, 1e9, -2_147_483_647, 2_147_483_648, 0.1 + 0.2, 1e-12) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);

/** Rows of one batch: a value, or null, invalid, ±Infinity or NaN (none of which the numbers keep). */
const row = fc.oneof(
  { weight: 8, arbitrary: value.map((v) => ({ v, status: VALUE })) },
  { weight: 1, arbitrary: fc.constantFrom({ v: Number.NaN, status: NULL }, { v: Number.NaN, status: INVALID }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.POSITIVE_INFINITY, -Infinity, Number.NaN).map((v) => ({ v, status: VALUE })),
  },
);

function feed(numbers: EveryRowNumbers, rows: readonly { v: number; status: number }[]): void {
  numbers.add(
    Float64Array.from(rows, (r) => r.v),
    Uint8Array.from(rows, (r) => r.status),
    rows.length,
  );
}

/** What the row sample gives for the same rows: every finite value, sorted by sortValues. */
function expected(rows: readonly { v: number; status: number }[]): Float64Array {
  return sortValues(Float64Array.from(rows.filter((r) => r.status === VALUE && Number.isFinite(r.v)).map((r) => r.v)));
}

function decoded(sorted: SortedDecimals | Float64Array): Float64Array {
  return sorted instanceof SortedDecimals ? sorted.decode() : sorted;
}

describe('EveryRowNumbers', () => {
  it('gives every finite value sorted exactly as sortValues does, −0 first, whatever the values and parts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(row, { maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (parts, scratch) => {
          const whole = new EveryRowNumbers();
          for (const part of parts.slice(1)) {
            const other = new EveryRowNumbers();
            feed(other, part);
            whole.absorb(other.state());
          }
          feed(whole, parts[0]!);
          const n = parts.flat().length;
          const sorted = whole.sorted(scratch ? new Uint32Array(2 * n) : undefined);
          expect(signed(decoded(sorted))).toEqual(signed(expected(parts.flat())));
          if (sorted instanceof SortedDecimals)
            for (let i = 0; i < sorted.length; i++) expect(Object.is(sorted.at(i), sorted.decode()[i])).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps short decimals as integers over several chunks, and sorts them into those chunks', () => {
    const n = 200_000;
    const values = Float64Array.from({ length: n }, (_, i) => (((i * 7919) % 100_003) - 50_000) / 10_000);
    values[5] = -0;
    values[77_777] = -0;
    const numbers = new EveryRowNumbers();
    numbers.add(values, new Uint8Array(n).fill(VALUE), n);
    const sorted = numbers.sorted(new Uint32Array(2 * n));
    expect(sorted).toBeInstanceOf(SortedDecimals);
    expect(signed((sorted as SortedDecimals).decode())).toEqual(signed(sortValues(values.slice())));
  });

  it('falls back to float64 when a value is no short decimal, or too large for 32 bits at the common decimals', () => {
    for (const odd of [Math.PI, 1e12, 2 ** 31]) {
      const values = Float64Array.from([0.5, -1.25, odd, 3]);
      const numbers = new EveryRowNumbers();
      numbers.add(values, new Uint8Array(4).fill(VALUE), 4);
      const sorted = numbers.sorted();
      expect(sorted).toBeInstanceOf(Float64Array);
      expect(signed(sorted as Float64Array)).toEqual(signed(sortValues(values.slice())));
    }
    // Each part fits 32 bits on its own, not both at the decimals of the one with most.
    const whole = new EveryRowNumbers();
    const part = new EveryRowNumbers();
    part.add(Float64Array.of(2e9), Uint8Array.of(VALUE), 1);
    whole.add(Float64Array.of(0.5, -0), Uint8Array.of(VALUE, VALUE), 2);
    whole.absorb(part.state());
    expect(signed(whole.sorted() as Float64Array)).toEqual(['-0', 0.5, 2e9]);
  });
});
