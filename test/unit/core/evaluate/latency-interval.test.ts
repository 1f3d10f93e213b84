import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/core/data/seeded-random.js';
import { latencyChangeInterval, quantileOfSorted } from '../../../../src/core/evaluate/latency-interval.js';

/** The interval as first written: each replicate's drawn times sorted (the plain twin of the counting walk). */
function sortedInterval(candidateMs: number[], baselineMs: number[], quantile: number, seed = 1) {
  const rounds = candidateMs.length;
  const next = seededRandom(seed);
  const a = new Float64Array(rounds);
  const b = new Float64Array(rounds);
  const changes = new Float64Array(400);
  for (let r = 0; r < changes.length; r++) {
    for (let i = 0; i < rounds; i++) {
      const pick = Math.floor(next() * rounds);
      a[i] = candidateMs[pick]!;
      b[i] = baselineMs[pick]!;
    }
    changes[r] = quantileOfSorted(a.sort(), quantile) - quantileOfSorted(b.sort(), quantile);
  }
  changes.sort();
  return { low: quantileOfSorted(changes, 0.025), high: quantileOfSorted(changes, 0.975) };
}

/** Timed rounds of two models: a base time with noise, and some rounds slowed for both by a busy machine. */
function rounds(count: number, candidateMs: number, baselineMs: number, seed: number): [number[], number[]] {
  const next = seededRandom(seed);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < count; i++) {
    const busy = next() < 0.08 ? 1 + 4 * next() : 1;
    a.push(candidateMs * busy * (1 + 0.1 * next()) + (next() < 0.03 ? 0.05 * next() : 0));
    b.push(baselineMs * busy * (1 + 0.1 * next()) + (next() < 0.03 ? 0.05 * next() : 0));
  }
  return [a, b];
}

describe('latencyChangeInterval', () => {
  it('reaches both sides of no change for one model timed against itself, on noisy machines', () => {
    let excluded = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const [a, b] = rounds(900, 0.08, 0.08, seed);
      const interval = latencyChangeInterval(a, b, 0.95, seed)!;
      if (interval.low > 0 || interval.high < 0) excluded++;
    }
    // A 95% interval: about 2.5 of 50 would exclude 0 by chance at each side.
    expect(excluded).toBeLessThanOrEqual(6);
  });

  it('excludes no change when the candidate is 50% slower', () => {
    const [a, b] = rounds(900, 0.12, 0.08, 7);
    const interval = latencyChangeInterval(a, b, 0.95)!;
    expect(interval.low).toBeGreaterThan(0);
    expect(interval.high).toBeGreaterThan(interval.low);
  });

  it('gives exactly what sorting each replicate gives, ties and repeated times included', () => {
    for (const [count, seed] of [
      [2, 1],
      [7, 2],
      [300, 3],
      [901, 4],
    ] as const) {
      const [a, b] = rounds(count, 0.08, 0.09, seed);
      // Timer resolution makes equal times common: round some to a coarse grid.
      const coarse = a.map((v, i) => (i % 3 === 0 ? Math.round(v * 100) / 100 : v));
      for (const q of [0, 0.5, 0.95, 1])
        expect(latencyChangeInterval(coarse, b, q, seed)).toEqual(sortedInterval(coarse, b, q, seed));
    }
  });

  it('is the same for the same timings, and null without paired rounds', () => {
    const [a, b] = rounds(300, 0.08, 0.09, 3);
    expect(latencyChangeInterval(a, b, 0.5)).toEqual(latencyChangeInterval(a, b, 0.5));
    expect(latencyChangeInterval(a, b.slice(1), 0.5)).toBeNull();
    expect(latencyChangeInterval([1], [1], 0.5)).toBeNull();
  });
});
