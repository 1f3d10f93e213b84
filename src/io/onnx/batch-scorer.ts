import { performance } from 'node:perf_hooks';
import { gatherColumns, resized } from '../../core/data/typed-arrays.js';
import { DataError, isUserError } from '../../core/errors.js';
import { EvaluationStream, type SummedRows } from '../../core/evaluate/evaluation-stream.js';
import {
  PredictionStream,
  type OutputKind,
  type RawOutput,
  type StreamedPredictions,
} from '../../core/evaluate/model-output.js';
import { firstLine, type OnnxModel, type OutputTensor } from './onnx-model.js';
import type { RankRequest } from '../parallel/background-ranking.js';
import type { SplitKeys } from '../../core/metrics/ranking-metrics.js';
import type { ChunkHasher } from '../sha256.js';

/** The timings of one scoring pass. */
export interface ScoringTimes {
  batchMs: number[];
  batchRows: number[];
}

/** One model's outputs for every row, and how long each batch took. */
export interface ScoredModel {
  output: RawOutput;
  times: ScoringTimes;
  /** The outputs read as a classifier's probabilities as they came (when the target asked and they could be). */
  predictions?: StreamedPredictions;
}

/** Every model's outputs, and what was summed of the rows as they were scored (see EvaluationStream). */
export interface ScoringResult {
  models: ScoredModel[];
  summed?: SummedRows;
  /**
   * Per model, its rank targets' keys split as the rows were scored (see EvaluationStream.rankKeys), in shared memory.
   */
  rankKeys?: SplitKeys[][];
}

/**
 * Sum the classifiers' rows as they are scored, for a bootstrap of `bucketCount` buckets; and split their scores for
 * ranking.
 */
export interface SumRows {
  bucketCount: number;
  splitRankKeys?: boolean;
}

/**
 * What the reader knows of a batch's rows besides their features: the label as a number (NaN where not) and the
 * bootstrap bucket.
 */
export interface RowFacts {
  labels: Float64Array | undefined;
  buckets: Uint32Array;
}

/** A model to score, and which of the fed features it takes, in its input order (indices into the fed ones). */
export interface ScoringTarget {
  name: string;
  outputName: string;
  run: OnnxModel['run'];
  columns: readonly number[];
  /** Read the outputs as class probabilities batch by batch, this way (see PredictionStream). */
  predict?: OutputKind;
}

/** Rows scored as they are read, by one or more models. */
export interface ModelScoring {
  /** Whether the models run on another thread, beside the reading. */
  readonly onThread: boolean;
  /**
   * The next rows' features, one array per fed feature (`rows` values each), and what else is known of them; the
   * arrays may be reused once it settles.
   */
  add(columns: readonly Float64Array[], rows: number, facts?: RowFacts): Promise<void>;
  /** Scores the rows left over and gives every model's outputs, in the order of the targets. */
  finish(): Promise<ScoringResult>;
  /**
   * The scoring thread's part of the ranking and the bootstrap (see shareRanking), once finished; absent when the
   * scoring runs on this thread.
   */
  rank?(request: RankRequest): Promise<Record<string, number>[]>;
  /** A SHA-256 taken on the scoring thread; absent when the scoring runs on this thread. */
  hasher?(): ChunkHasher;
  /** Frees what the scoring holds (its thread); after finish and any rank, or when the read failed. */
  close(): Promise<void>;
}

/**
 * Runs `read`, which feeds `scoring` as it reads; gives what it read and every model's outputs (the caller closes the
 * scoring then), or closes the scoring when it fails.
 */
export async function readWhileScoring<T>(
  scoring: ModelScoring,
  read: (onFeatures: ModelScoring['add']) => Promise<T>,
): Promise<{ read: T; scored: ScoringResult }> {
  try {
    const result = await read((columns, rows, facts) => scoring.add(columns, rows, facts));
    return { read: result, scored: await scoring.finish() };
  } catch (error) {
    await scoring.close();
    throw error;
  }
}

/**
 * Scores rows on this thread as they are read: the features of each read batch, column by column, are gathered into
 * a block of `batchSize` rows (float32, row by row, as onnxruntime takes them), and every full block is scored by
 * each model in turn, so that a batch goes through both models under the same conditions and no matrix of the whole
 * data is ever held. With `sumRows` and the rows' labels, it also sums each scored block of classifier outputs as
 * EvaluationStream does.
 */
export class BatchScorer implements ModelScoring {
  readonly onThread = false;
  private readonly block: Float32Array | Float64Array;
  /** Per model, the block in its own column order, when that is not the fed order. */
  private readonly ownBlocks: (Float32Array | Float64Array | undefined)[];
  private readonly collectors: OutputCollector[];
  private readonly streams: (PredictionStream | undefined)[];
  private readonly times: ScoringTimes[];
  private readonly evaluation: EvaluationStream | undefined;
  private filled = 0;
  private scored = 0;

  constructor(
    private readonly targets: readonly ScoringTarget[],
    private readonly width: number,
    private readonly batchSize: number,
    sumRows?: SumRows,
    /** The blocks' numbers: float64 for models with inputs of other types than float32 (see startScoring). */
    precision: 'float32' | 'float64' = 'float32',
  ) {
    const Block = precision === 'float64' ? Float64Array : Float32Array;
    this.evaluation =
      sumRows && targets.every((t) => t.predict)
        ? new EvaluationStream(sumRows.bucketCount, sumRows.splitRankKeys)
        : undefined;
    this.block = new Block(batchSize * width);
    this.ownBlocks = targets.map((t) =>
      t.columns.length === width && t.columns.every((c, i) => c === i)
        ? undefined
        : new Block(batchSize * t.columns.length),
    );
    this.collectors = targets.map((t) => new OutputCollector(t.name, t.outputName));
    this.streams = targets.map((t) => (t.predict ? new PredictionStream(t.predict) : undefined));
    this.times = targets.map(() => ({ batchMs: [], batchRows: [] }));
  }

  async add(columns: readonly Float64Array[], rows: number, facts?: RowFacts): Promise<void> {
    const { block, width, batchSize } = this;
    if (this.evaluation && facts?.labels) this.evaluation.addRows(facts.labels, facts.buckets, rows);
    for (let from = 0; from < rows; ) {
      const take = Math.min(rows - from, batchSize - this.filled);
      for (let f = 0; f < width; f++) {
        const column = columns[f]!;
        let at = this.filled * width + f;
        for (let r = from; r < from + take; r++, at += width) block[at] = column[r]!;
      }
      this.filled += take;
      from += take;
      if (this.filled === batchSize) await this.scoreBlock();
    }
  }

  /**
   * The next rows given as onnxruntime takes them: `width` float32 features a row, row after row (the scoring thread
   * receives them so, laid out by the reading thread, which has the time to spare).
   */
  async addRows(rowMajor: Float32Array, rows: number, facts?: RowFacts): Promise<void> {
    const { block, width, batchSize } = this;
    if (this.evaluation && facts?.labels) this.evaluation.addRows(facts.labels, facts.buckets, rows);
    for (let from = 0; from < rows; ) {
      const take = Math.min(rows - from, batchSize - this.filled);
      block.set(rowMajor.subarray(from * width, (from + take) * width), this.filled * width);
      this.filled += take;
      from += take;
      if (this.filled === batchSize) await this.scoreBlock();
    }
  }

  async finish(): Promise<ScoringResult> {
    if (this.filled > 0) await this.scoreBlock();
    const models = this.collectors.map((c, i) => {
      const predictions = this.streams[i]?.result();
      return { output: c.result(), times: this.times[i]!, ...(predictions ? { predictions } : {}) };
    });
    const summed = this.evaluation?.result();
    const rankKeys = summed && this.evaluation?.rankKeys();
    return { models, ...(summed ? { summed } : {}), ...(rankKeys ? { rankKeys } : {}) };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async scoreBlock(): Promise<void> {
    const rows = this.filled;
    let changedFrom = this.scored;
    for (let m = 0; m < this.targets.length; m++) {
      const target = this.targets[m]!;
      const own = this.ownBlocks[m];
      const input = own ? gatherColumns(this.block, rows, this.width, target.columns, own) : this.block;
      const began = performance.now();
      let value: OutputTensor;
      try {
        value = await target.run(input, rows, target.columns.length);
      } catch (error) {
        if (isUserError(error)) throw error;
        throw new DataError(
          `${target.name}: onnxruntime failed on rows ${this.scored + 1} to ${this.scored + rows}: ${firstLine(error)}`,
          { file: target.name },
        );
      }
      this.times[m]!.batchMs.push(performance.now() - began);
      this.times[m]!.batchRows.push(rows);
      this.collectors[m]!.add(value, rows);
      const stream = this.streams[m];
      if (stream) changedFrom = Math.min(changedFrom, stream.update(this.collectors[m]!.result()));
    }
    this.scored += rows;
    this.filled = 0;
    this.evaluation?.update(
      this.streams.map((s) => s?.result()),
      changedFrom,
    );
  }
}

/** One model's outputs, batch by batch, in one array: integer outputs (class indices) as Int32. */
class OutputCollector {
  private data: Float32Array | Float64Array | Int32Array | undefined;
  private width = 1;
  private integer = false;
  private rows = 0;

  constructor(
    private readonly name: string,
    private readonly outputName: string,
  ) {}

  add(value: OutputTensor, count: number): void {
    if (!this.data) {
      this.width = value.dims.length >= 2 ? value.dims.slice(1).reduce((a, b) => a * b, 1) : 1;
      this.integer = !value.type.startsWith('float');
      const length = count * this.width * 16;
      this.data = this.integer
        ? new Int32Array(length)
        : value.type === 'float64'
          ? new Float64Array(length)
          : new Float32Array(length);
    }
    const { width } = this;
    if (value.data.length !== count * width)
      throw new DataError(
        `${this.name}: the output ${this.outputName} has ${value.data.length} values for ${count} rows; mlgate expects [rows, classes] or [rows]`,
        { file: this.name },
      );
    const end = (this.rows + count) * width;
    if (end > this.data.length) this.data = resized(this.data, Math.max(end, this.data.length * 2));
    const at = this.rows * width;
    if (this.integer) {
      for (let i = 0; i < value.data.length; i++) this.data[at + i] = Number(value.data[i]);
    } else {
      this.data.set(value.data as Float32Array, at);
    }
    this.rows += count;
  }

  result(): RawOutput {
    return {
      data: this.data ? this.data.subarray(0, this.rows * this.width) : new Float32Array(0),
      width: this.width,
      integer: this.integer,
    };
  }
}
