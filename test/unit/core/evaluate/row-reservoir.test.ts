import { describe, expect, it } from 'vitest';
import { RowReservoir } from '../../../../src/core/evaluate/row-reservoir.js';

/** Rows 0..n-1 with two features: the row's number and ten times it, offered in batches of `batch`. */
function offer(reservoir: RowReservoir, n: number, batch: number): void {
  for (let from = 0; from < n; from += batch) {
    const rows = Math.min(batch, n - from);
    const a = Float64Array.from({ length: rows }, (_, r) => from + r);
    reservoir.add([a, a.map((v) => v * 10)], rows);
  }
}

describe('RowReservoir', () => {
  it('keeps every row, in order, when there are no more than its capacity (growing past its first 1,024)', () => {
    const reservoir = new RowReservoir(5000, 2, 1);
    offer(reservoir, 3000, 700);
    const { rows, features, ids } = reservoir.sample();
    expect(rows).toBe(3000);
    expect(Array.from(ids)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect([features[2 * 2999], features[2 * 2999 + 1]]).toEqual([2999, 29990]);
  });

  it('keeps capacity distinct rows with their own features, the same whatever the batches', () => {
    const one = new RowReservoir(100, 2, 7);
    offer(one, 10_000, 8192);
    const other = new RowReservoir(100, 2, 7);
    offer(other, 10_000, 33);
    const { rows, features, ids } = one.sample();
    expect(rows).toBe(100);
    expect(new Set(ids).size).toBe(100);
    ids.forEach((id, r) => expect([features[2 * r], features[2 * r + 1]]).toEqual([id, id * 10]));
    expect(other.sample()).toEqual(one.sample());
    const reseeded = new RowReservoir(100, 2, 8);
    offer(reseeded, 10_000, 8192);
    expect(reseeded.sample().ids).not.toEqual(ids);
  });

  it('keeps each row about equally often: a uniform sample', () => {
    const kept = new Float64Array(1000);
    for (let seed = 0; seed < 400; seed++) {
      const reservoir = new RowReservoir(50, 1, seed);
      offer(reservoir, 1000, 128);
      for (const id of reservoir.sample().ids) kept[id]!++;
    }
    // 20 expected per row; per tenth of the rows 2,000 (sd about 43), the first and last tenths alike.
    for (let tenth = 0; tenth < 10; tenth++) {
      const sum = kept.subarray(tenth * 100, tenth * 100 + 100).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 2000), `rows ${tenth * 100} to ${tenth * 100 + 99}`).toBeLessThan(220);
    }
  });

  it('keeps float64 features exactly when asked (integers past 2^24, doubles), float32 otherwise', () => {
    const values = Float64Array.of(16_777_217, 0.1);
    const exact = new RowReservoir(4, 1, 1, 'float64');
    const rounded = new RowReservoir(4, 1, 1);
    exact.add([values], 2);
    rounded.add([values], 2);
    expect([...exact.sample().features]).toEqual([16_777_217, 0.1]);
    expect([...rounded.sample().features]).toEqual([16_777_216, Math.fround(0.1)]);
  });
});
