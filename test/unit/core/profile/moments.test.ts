import { describe, expect, it } from 'vitest';
import { VALUE, NULL } from '../../../../src/core/data/batch.js';
import { emptyMoments, finiteMoments, mergeMoments, SATURATED_M2 } from '../../../../src/core/profile/moments.js';
import { histogramOf } from '../../../../src/core/profile/profile.js';

const status = (n: number) => new Uint8Array(n).fill(VALUE);

describe('finiteMoments', () => {
  it('equals the plain two-pass moments on ordinary values', () => {
    const values = Float64Array.from([1.5, -2, 3.25, 8, 0.5]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const m2 = values.reduce((a, v) => a + (v - mean) ** 2, 0);
    const { moments, nonFinite } = finiteMoments(values, status(5), 5, VALUE);
    expect(nonFinite).toBe(0);
    expect(moments.count).toBe(5);
    expect(moments.mean).toBeCloseTo(mean, 14);
    expect(moments.m2).toBeCloseTo(m2, 12);
    expect([moments.min, moments.max]).toEqual([-2, 8]);
  });

  it('leaves out ±Infinity and rows that are not values, counting the infinities', () => {
    const values = Float64Array.from([1, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY, Number.NaN]);
    const s = Uint8Array.from([VALUE, VALUE, VALUE, VALUE, NULL]);
    const { moments, nonFinite } = finiteMoments(values, s, 5, VALUE);
    expect(nonFinite).toBe(2);
    expect(moments).toEqual({ count: 2, mean: 2, m2: 2, min: 1, max: 3 });
  });

  it('gives the mean of values whose sum overflows, and saturates M2 beyond float64', () => {
    const values = Float64Array.from([1e308, 1e308, -1e308, 1.7e308]);
    const { moments } = finiteMoments(values, status(4), 4, VALUE);
    expect(moments.mean).toBeCloseTo(6.75e307, -300);
    expect(moments.m2).toBe(SATURATED_M2);
    expect(finiteMoments(Float64Array.from([1e308, 1e308]), status(2), 2, VALUE).moments).toEqual({
      count: 2,
      mean: 1e308,
      m2: 0,
      min: 1e308,
      max: 1e308,
    });
  });
});

describe('mergeMoments', () => {
  it('merges means far apart without overflow, and keeps M2 saturated', () => {
    const a = { count: 1, mean: 1e308, m2: 0, min: 1e308, max: 1e308 };
    const b = { count: 1, mean: -1e308, m2: 0, min: -1e308, max: -1e308 };
    const merged = mergeMoments(a, b);
    expect(merged.mean).toBe(0);
    expect(merged.m2).toBe(SATURATED_M2);
    expect(mergeMoments(merged, { ...a, m2: SATURATED_M2 }).m2).toBe(SATURATED_M2);
    expect(mergeMoments(emptyMoments(), a)).toEqual(a);
  });
});

describe('histogramOf', () => {
  it('bins a range wider than float64 with finite edges', () => {
    const { edges, counts } = histogramOf([-1e308, 0, 1e308], -1e308, 1e308, 4);
    expect(edges.every(Number.isFinite)).toBe(true);
    expect(edges).toEqual([-1e308, -5e307, 0, 5e307, 1e308]);
    expect(counts).toEqual([1, 0, 1, 1]);
  });

  it('gives the same edges and bins as (max - min) / bins on an ordinary range', () => {
    const values = [0.1, 0.35, 2.7, 9.99, 4.2, 7.77];
    const { edges, counts } = histogramOf(values, 0.1, 9.99, 7);
    const width = (9.99 - 0.1) / 7;
    expect(edges).toEqual(Array.from({ length: 8 }, (_, i) => (i === 7 ? 9.99 : 0.1 + i * width)));
    const expected = new Array(7).fill(0);
    for (const v of values) expected[Math.min(6, Math.floor((v - 0.1) / width))]++;
    expect(counts).toEqual(expected);
  });
});
