import { describe, expect, it } from 'vitest';
import { bitsetValues, createUniqueTracker } from '../../../../src/core/validate/unique-tracker.js';

describe('unique tracker over a known integer range', () => {
  it('finds repeats in pages far apart, and exports only the pages between the first and last value seen', () => {
    const tracker = createUniqueTracker({ min: 1, max: 100_000_000 });
    const values = [5, 70_000, 99_999_999, 100_000_000, 65_536, 65_537];
    expect(values.map((v) => tracker.seenNumber(v))).toEqual(values.map(() => false));
    expect(values.map((v) => tracker.seenNumber(v))).toEqual(values.map(() => true));
    // Out of range and fractional values are tracked too, apart.
    expect([0, 0, 2.5, 2.5].map((v) => tracker.seenNumber(v))).toEqual([false, true, false, true]);
    const exported = tracker.exportNumbers();
    expect(Array.from(bitsetValues(exported.bitset!)).sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
    expect(Array.from(exported.values).sort()).toEqual([0, 2.5]);
  });

  it('keeps a small range small: 1M ids under a bound of 1e8 export 125 KB, not 12.5 MB', () => {
    const tracker = createUniqueTracker({ min: 1, max: 100_000_000 });
    for (let id = 1; id <= 1_000_000; id++) tracker.seenNumber(id);
    const { bitset } = tracker.exportNumbers();
    expect(bitset!.min).toBe(1);
    expect(bitset!.bits.byteLength).toBeLessThanOrEqual(1_000_000 / 8 + 8192);
  });

  it('absorbs another part: word by word when aligned, value by value otherwise, counting the values seen in both', () => {
    const a = createUniqueTracker({ min: 1, max: 10_000_000 });
    const b = createUniqueTracker({ min: 1, max: 10_000_000 });
    for (let id = 1; id <= 200_000; id++) a.seenNumber(id);
    for (let id = 150_001; id <= 400_000; id++) b.seenNumber(id);
    expect(a.absorbNumbers(b.exportNumbers())).toBe(50_000);
    expect(a.seenNumber(400_000)).toBe(true);
    expect(a.seenNumber(400_001)).toBe(false);
    // A bitset from another range (not word-aligned with this one) is taken value by value.
    const c = createUniqueTracker({ min: 3, max: 1_000 });
    [3, 4, 500].forEach((v) => c.seenNumber(v));
    expect(a.absorbNumbers(c.exportNumbers())).toBe(3);
    const d = createUniqueTracker({ min: 1, max: 10_000_000 });
    expect(d.absorbNumbers(c.exportNumbers())).toBe(0);
    expect([3, 4, 5, 500].map((v) => d.seenNumber(v))).toEqual([true, true, false, true]);
  });
});
