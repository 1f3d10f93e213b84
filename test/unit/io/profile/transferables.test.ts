import { describe, expect, it } from 'vitest';
import type { ProfileState } from '../../../../src/core/profile/profile-builder.js';
import { transferables } from '../../../../src/io/profile/transferables.js';

/** A column of a state whose arrays are given; the rest is what a column with no text holds. */
function column(
  name: string,
  arrays: { counts: Int32Array; sampleNumbers: Float64Array; sampleIds: Int32Array; sampleStatus: Uint8Array },
): ProfileState['columns'][number] {
  return {
    name,
    decodeAs: 'number',
    type: undefined,
    nulls: 0,
    invalid: 0,
    infinite: 0,
    textual: 0,
    moments: { count: 0, mean: 0, m2: 0, min: 0, max: 0 },
    integral: true,
    texts: undefined,
    ...arrays,
  };
}

describe('transferables', () => {
  it('lists each buffer with bytes once, and no empty one', () => {
    const priorities = new Float64Array(8);
    const status = new Uint8Array(8);
    const empty = new Int32Array(0);
    const numbers = new Float64Array(16);
    const state: ProfileState = {
      files: [{ path: 'a.csv', rows: 8 }],
      rows: 8,
      capacity: 8,
      priorities,
      passedAbove: Number.POSITIVE_INFINITY,
      columns: [
        // Two views of one buffer, as subarrays of a builder's arrays are.
        column('x', { counts: empty, sampleNumbers: numbers.subarray(0, 8), sampleIds: empty, sampleStatus: status }),
        column('y', {
          counts: empty,
          sampleNumbers: numbers.subarray(8),
          sampleIds: empty,
          sampleStatus: new Uint8Array(0),
        }),
      ],
    };
    expect(transferables(state)).toEqual([priorities.buffer, numbers.buffer, status.buffer]);
  });

  it('lists the chunks of a column that keeps every value apart (see EveryRowNumbers)', () => {
    const empty = new Int32Array(0);
    const first = new Int32Array(16);
    const last = new Float64Array(16);
    const state: ProfileState = {
      files: [{ path: 'a.csv', rows: 20 }],
      rows: 20,
      capacity: Number.POSITIVE_INFINITY,
      priorities: new Float64Array(0),
      passedAbove: Number.POSITIVE_INFINITY,
      columns: [
        {
          ...column('x', {
            counts: empty,
            sampleNumbers: new Float64Array(0),
            sampleIds: empty,
            sampleStatus: new Uint8Array(0),
          }),
          everyRow: {
            chunks: [
              { values: first, decimals: 2, largest: 10 },
              { values: last.subarray(0, 4), decimals: -1, largest: 0 },
            ],
            negativeZeros: 0,
          },
        },
      ],
    };
    expect(transferables(state)).toEqual([first.buffer, last.buffer]);
  });

  it('moves the arrays to another thread without a copy', () => {
    const priorities = Float64Array.of(3, 1, 2);
    const state: ProfileState = {
      files: [],
      rows: 3,
      capacity: 3,
      priorities,
      passedAbove: Number.POSITIVE_INFINITY,
      columns: [],
    };
    const moved = structuredClone(state, { transfer: transferables(state) });
    expect(Array.from(moved.priorities)).toEqual([3, 1, 2]);
    // The sender's array is detached: its memory went with the message.
    expect(priorities.length).toBe(0);
  });
});
