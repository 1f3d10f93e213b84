import { describe, expect, it } from 'vitest';
import {
  allReplicateTotals,
  replicateBasis,
  replicateTotals,
} from '../../../../src/core/evaluate/poisson-bootstrap.js';
import { bootstrapJob, jobTotals, takePart } from '../../../../src/io/parallel/shared-bootstrap.js';

const STRIDE = 5;
const sums = Float64Array.from({ length: 300 * STRIDE }, (_, i) => ((i * 7919) % 13) * (i % 11 === 0 ? 0 : 1));

describe('shared bootstrap job', () => {
  it('gives every replicate the totals of one pass, however the replicates were shared out', () => {
    const expected = allReplicateTotals(sums, STRIDE, 250, 42);
    const alone = bootstrapJob(sums, STRIDE, 250, 42);
    takePart(alone);
    expect(jobTotals(alone)).toEqual(expected);

    // Another thread claimed the first 40 replicates and did them; this one takes the rest.
    const shared = bootstrapJob(sums, STRIDE, 250, 42);
    const progress = new Int32Array(shared.progress);
    const from = Atomics.add(progress, 0, 40);
    replicateTotals(replicateBasis(sums, STRIDE), sums, STRIDE, 42, from, from + 40, new Float64Array(shared.totals));
    expect(() => jobTotals(shared)).toThrow('the bootstrap has 0 of its 250 replicates');
    Atomics.add(progress, 1, 40);
    takePart(shared);
    takePart(shared);
    expect(jobTotals(shared)).toEqual(expected);
  });

  it('weights the same bucket the same in every replicate range', () => {
    const whole = allReplicateTotals(sums, STRIDE, 30, 7);
    const part = new Float64Array(30 * STRIDE);
    replicateTotals(replicateBasis(sums, STRIDE), sums, STRIDE, 7, 10, 30, part);
    expect(part.subarray(10 * STRIDE)).toEqual(whole.subarray(10 * STRIDE));
    expect(part.subarray(0, 10 * STRIDE).every((v) => v === 0)).toBe(true);
  });
});
