import { performance } from 'node:perf_hooks';
import { gatherColumns } from '../../core/data/typed-arrays.js';
import type { ScoringTimes } from './batch-scorer.js';
import type { OnnxModel } from './onnx-model.js';

/**
 * How latency is measured, apart from the scoring: fixed-size timing batches, warm-up calls left out, the models
 * called in turn. The scoring pass's own times are no measure: there the first model of each block ran right after
 * the read (cold caches, the reader's work beside it) and below one scoring batch there was a single, cold call.
 */
export interface LatencyOptions {
  /** Untimed calls per model first: onnxruntime allocates and plans on the first ones. @default 5 */
  warmUpCalls: number;
  /** Timed calls per model at least, whatever the time they take: a p95 of fewer is one outlier. @default 20 */
  minCalls: number;
  /**
   * Timed calls per model at most. Small models take tens of microseconds a call, where one descheduling is a 2x
   * outlier: the p95 of 200 such calls of the same model differed by 22% between two interleaved series on this
   * 2-core machine, so fast calls are repeated until the budget is spent. @default 5000
   */
  maxCalls: number;
  /**
   * Past minCalls, stop once the kept calls of all models took this long in all, or the timing three times as long
   * (a busy machine: rounds timed again), and time no round again past that. @default 150
   */
  budgetMs: number;
}

/**
 * Rows in a timing batch at most (evaluate's `batch-size` when smaller): latency is the time of a call of this
 * size, whatever the scoring batch. With the scoring's 8,192 rows, the at least 20 rounds of the bench's two MLPs
 * took 1.0 s on this loaded machine, a sixth of the floor's whole read and scoring; 1,024 rows take an eighth of it.
 */
export const LATENCY_BATCH_ROWS = 1024;

/** The timing batch itself is the sample's size (see LATENCY_BATCH_ROWS). */
export const DEFAULT_LATENCY: LatencyOptions = { warmUpCalls: 5, minCalls: 20, maxCalls: 5000, budgetMs: 150 };

/** A model to time: its run, and which of the sampled features it takes, in its input order. */
export interface TimedModel {
  run: OnnxModel['run'];
  columns: readonly number[];
}

/**
 * The first rows of the data, kept as they are read (float32, row by row, `width` features each) to time the models
 * on: a holdout smaller than a timing batch is repeated to fill it, so that every timed call has the same size.
 */
export class TimingSample {
  private readonly block: Float32Array;
  private filled = 0;

  constructor(
    readonly rows: number,
    readonly width: number,
  ) {
    this.block = new Float32Array(rows * width);
  }

  /** Takes rows of the next read batch (one array per feature) until the sample is full. */
  add(columns: readonly ArrayLike<number>[], rows: number): void {
    const take = Math.min(rows, this.rows - this.filled);
    for (let f = 0; f < this.width; f++) {
      const column = columns[f]!;
      for (let r = 0, at = this.filled * this.width + f; r < take; r++, at += this.width) this.block[at] = column[r]!;
    }
    this.filled += take;
  }

  /** The sample, its first rows repeated up to the timing batch's size; undefined when no row was read. */
  rowMajor(): Float32Array | undefined {
    if (this.filled === 0) return undefined;
    const size = this.filled * this.width;
    for (let at = size; at < this.block.length; at += size)
      this.block.copyWithin(at, 0, Math.min(size, this.block.length - at));
    return this.block;
  }
}

/** Wall-clock and CPU clocks, in milliseconds (the CPU clock counts this process's threads). */
export interface LatencyClock {
  now(): number;
  cpu(): number;
}

const PROCESS_CLOCK: LatencyClock = {
  now: () => performance.now(),
  cpu: () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  },
};

/**
 * What measureLatency gives: per model each timed call's milliseconds and rows, and how many rounds were timed again.
 */
export interface LatencyTimes {
  models: ScoringTimes[];
  retimedRounds: number;
}

/**
 * Times each model on the same batch of `sample.rows` rows: `warmUpCalls` untimed calls each, then rounds in which
 * every model is called once, in alternating order (ABBA), so that neither model always runs first or on what the other
 * left in the caches. A round during which the process was off the CPU for over a quarter of a call (another process
 * had the core: on a shared runner one such call is a 2-10x outlier, and when they hit about 5% of the calls they alone
 * decide the p95) is timed again, until the timing has taken three times `budgetMs` (a slow model on a busy machine is
 * preempted on
most calls: those are kept then). It goes on until `maxCalls` rounds, or `minCalls` rounds and `budgetMs` of kept
calls (or three times that in all).
 */
export async function measureLatency(
  models: readonly TimedModel[],
  sample: TimingSample,
  options: LatencyOptions,
  clock: LatencyClock = PROCESS_CLOCK,
): Promise<LatencyTimes | undefined> {
  const block = sample.rowMajor();
  if (!block) return undefined;
  const { rows, width } = sample;
  const inputs = models.map((m) =>
    m.columns.length === width && m.columns.every((c, i) => c === i)
      ? block
      : gatherColumns(block, rows, width, m.columns, new Float32Array(rows * m.columns.length)),
  );
  const call = (m: number) => models[m]!.run(inputs[m]!, rows, models[m]!.columns.length);
  for (let i = 0; i < options.warmUpCalls; i++) for (let m = 0; m < models.length; m++) await call(m);
  const times: ScoringTimes[] = models.map(() => ({ batchMs: [], batchRows: [] }));
  const order = models.map((_, m) => m);
  const roundMs = new Array<number>(models.length);
  let spent = 0;
  let retimed = 0;
  const started = clock.now();
  const inTime = () => clock.now() - started < 3 * options.budgetMs;
  for (
    let round = 0;
    round < options.maxCalls && (round < options.minCalls || (spent < options.budgetMs && inTime()));
  ) {
    let preempted = false;
    for (const m of round % 2 === 0 ? order : [...order].reverse()) {
      const cpuBefore = clock.cpu();
      const began = clock.now();
      await call(m);
      const ms = clock.now() - began;
      const cpuMs = clock.cpu() - cpuBefore;
      roundMs[m] = ms;
      if (ms - cpuMs > 0.25 * ms) preempted = true;
    }
    if (preempted && retimed < options.maxCalls && inTime()) {
      retimed++;
      continue;
    }
    roundMs.forEach((ms, m) => {
      spent += ms;
      times[m]!.batchMs.push(ms);
      times[m]!.batchRows.push(rows);
    });
    round++;
  }
  return { models: times, retimedRounds: retimed };
}
