import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FAST_NUMBER_BYTES, writeJsonNumber } from '../../../../src/core/data/json-number.js';

/** What writeJsonNumber writes for a value, or undefined when it leaves the value to JSON.stringify. */
function written(value: number): string | undefined {
  const bytes = new Uint8Array(MAX_FAST_NUMBER_BYTES + 8).fill(0x5f);
  const end = writeJsonNumber(value, bytes, 4);
  if (end < 0) {
    expect(bytes.every((b) => b === 0x5f)).toBe(true);
    return undefined;
  }
  expect(end - 4).toBeLessThanOrEqual(MAX_FAST_NUMBER_BYTES);
  return Buffer.from(bytes.subarray(4, end)).toString('latin1');
}

describe('writeJsonNumber', () => {
  it('writes what JSON.stringify writes for integers, decimals of up to 6 places and the edges between', () => {
    const values = [
      0,
      -0,
      1,
      -1,
      7,
      10,
      99,
      100,
      2147483647,
      2147483648,
      -2147483649,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      0.1,
      0.000001,
      -0.000001,
      0.5,
      1.25,
      999999999.999999,
      -999999999.999999,
      53.591357,
      -325.186101,
      1e-6 * 3,
      0.1 + 0.2,
      1 / 3,
    ];
    for (const value of values) {
      const text = written(value);
      if (text !== undefined) expect(text).toBe(JSON.stringify(value));
    }
    // The fast path takes the common kinds; repeating decimals and exponent forms go to JSON.stringify.
    expect(written(53.591357)).toBe('53.591357');
    expect(written(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(written(-0)).toBe('0');
    for (const slow of [0.1 + 0.2, 1 / 3, 1e-7, 1e21, 2 ** 53, 1e9 + 0.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(written(slow)).toBeUndefined();
  });

  it('agrees with JSON.stringify on random decimals of every magnitude and precision', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: -8, max: 10 }),
        (digits, places, shift) => {
          const value = Number((digits / 10 ** places).toFixed(places)) * 10 ** shift;
          const text = written(value);
          if (text !== undefined) expect(text).toBe(JSON.stringify(value));
          if (text !== undefined) fast++;
        },
      ),
      { numRuns: 20_000 },
    );
    // The property is about the fast path: most of these values must take it.
    expect(fast).toBeGreaterThan(5_000);
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        const text = written(value);
        if (text !== undefined) expect(text).toBe(JSON.stringify(value));
      }),
      { numRuns: 20_000 },
    );
  });
});
