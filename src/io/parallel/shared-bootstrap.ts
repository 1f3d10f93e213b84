import { replicateBasis, replicateTotals } from '../../core/evaluate/poisson-bootstrap.js';

/**
 * The bootstrap's replicates, to be computed by every thread that takes part (takePart): each claims the next few
 * replicates until none is left, and writes their totals into shared memory. The calling thread starts at once; the
 * scoring thread joins once it has ranked the models, so the two end together however long each part took.
 */
export interface BootstrapJob {
  sums: SharedArrayBuffer;
  stride: number;
  seed: number;
  replicates: number;
  /** Int32 [the next replicate to claim, the replicates done]. */
  progress: SharedArrayBuffer;
  /** Float64, `stride` per replicate. */
  totals: SharedArrayBuffer;
}

/**
 * Replicates claimed at a time: small enough for both threads to end close together, large enough to cost nothing to
 * claim.
 */
const CHUNK = 20;

export function bootstrapJob(sums: Float64Array, stride: number, replicates: number, seed: number): BootstrapJob {
  const shared = new SharedArrayBuffer(sums.byteLength);
  new Float64Array(shared).set(sums);
  return {
    sums: shared,
    stride,
    seed,
    replicates,
    progress: new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT),
    totals: new SharedArrayBuffer(replicates * stride * Float64Array.BYTES_PER_ELEMENT),
  };
}

/** Computes replicates of the job until none is left to claim. */
export function takePart(job: BootstrapJob): void {
  const progress = new Int32Array(job.progress);
  const sums = new Float64Array(job.sums);
  const totals = new Float64Array(job.totals);
  const basis = replicateBasis(sums, job.stride);
  for (;;) {
    const from = Atomics.add(progress, 0, CHUNK);
    if (from >= job.replicates) return;
    const to = Math.min(from + CHUNK, job.replicates);
    replicateTotals(basis, sums, job.stride, job.seed, from, to, totals);
    Atomics.add(progress, 1, to - from);
  }
}

/** Every replicate's totals, once every thread's part has returned. */
export function jobTotals(job: BootstrapJob): Float64Array {
  const done = Atomics.load(new Int32Array(job.progress), 1);
  if (done !== job.replicates) throw new Error(`the bootstrap has ${done} of its ${job.replicates} replicates`);
  return new Float64Array(job.totals);
}
