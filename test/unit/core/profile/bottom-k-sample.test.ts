import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BottomK, PRIORITY_LOW } from '../../../../src/core/profile/bottom-k-sample.js';

describe('bottom-k sample', () => {
  it('keeps the k lowest priorities, and orders their slots by priority as a comparison sort does', () => {
    // Priorities as rowPriority makes them: a 32-bit high part and a 21-bit low part, often sharing the high part.
    const priority = fc
      .tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: PRIORITY_LOW - 1 }), fc.boolean())
      .map(([high, low, sameHigh]) => (sameHigh ? 0x1234_5678 : high) * PRIORITY_LOW + low);
    fc.assert(
      fc.property(
        fc.uniqueArray(priority, { minLength: 0, maxLength: 400 }),
        fc.integer({ min: 1, max: 60 }),
        (priorities, k) => {
          const sample = new BottomK(k);
          for (const p of priorities) sample.offer(p);
          const kept = Array.from(sample.orderedSlots(), (slot) => sample.priorities[slot]!);
          expect(kept).toEqual([...priorities].sort((a, b) => a - b).slice(0, k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('orders the slots of a sample too large to pack (over 2^21 slots) the same way, by its radix sort', () => {
    const sample = new BottomK(2 ** 21 + 1);
    const priorities = Array.from(
      { length: 3_000 },
      (_, i) =>
        (i % 7 === 0 ? 0x1234_5678 : (i * 2_654_435_761) % 0x1_0000_0000) * PRIORITY_LOW +
        ((i * 40_503) % PRIORITY_LOW),
    );
    for (const p of priorities) sample.offer(p);
    const kept = Array.from(sample.orderedSlots(), (slot) => sample.priorities[slot]!);
    expect(kept).toEqual([...new Set(priorities)].sort((a, b) => a - b));
  });
});
