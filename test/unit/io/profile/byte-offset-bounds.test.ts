import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../../../src/core/data/batch.js';
import { PRIORITY_RANGE } from '../../../../src/core/profile/bottom-k-sample.js';
import { ByteOffsetCeiling, ByteOffsetReservation } from '../../../../src/io/profile/byte-offset-bounds.js';

/** A batch of `length` rows of `bytesPerRow` bytes each from byte `start`: the bounds read only the row ids. */
function rowsAt(start: number, length: number, bytesPerRow: number): RecordBatch {
  return {
    file: 'a.csv',
    length,
    rowIds: Float64Array.from({ length }, (_, i) => start + i * bytesPerRow),
    columns: [],
  } as unknown as RecordBatch;
}

describe('ByteOffsetCeiling', () => {
  it('sets no ceiling until 4,096 rows tell the bytes per row', () => {
    const ceiling = new ByteOffsetCeiling('a.csv', 10_000_000);
    expect(ceiling.priorityFor(rowsAt(0, 4095, 10), 1000)).toBe(Number.POSITIVE_INFINITY);
    expect(ceiling.priorityFor(rowsAt(40_950, 0, 10), 1000)).toBe(Number.POSITIVE_INFINITY);
  });

  it("then bounds priorities by 1.5 times the sample's share of the rows the bytes hold", () => {
    const ceiling = new ByteOffsetCeiling('a.csv', 10_000_000);
    ceiling.priorityFor(rowsAt(0, 4095, 10), 1000);
    // 1e6 rows of 10 bytes: a sample of 1,000 is 1e-3 of them.
    expect(ceiling.priorityFor(rowsAt(40_950, 1, 10), 1000)).toBeCloseTo(1.5e-3 * PRIORITY_RANGE, -3);
  });

  it('sets none where the sample wants every row', () => {
    const ceiling = new ByteOffsetCeiling('a.csv', 50_000);
    expect(ceiling.priorityFor(rowsAt(0, 5000, 10), 4000)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('ByteOffsetReservation', () => {
  it("tells nothing until 4,096 rows, then the rows before the file and 1.02 times the file's", () => {
    const reservation = new ByteOffsetReservation('a.csv', 1_000_000);
    expect(reservation.slotsFor(rowsAt(0, 4000, 10), 4000 + 500)).toBeUndefined();
    // 500 rows of other files came first; the file's 1e5 rows of 10 bytes, with a margin.
    expect(reservation.slotsFor(rowsAt(40_000, 96, 10), 4096 + 500)).toBeCloseTo(500 + 102_000, 6);
  });
});
