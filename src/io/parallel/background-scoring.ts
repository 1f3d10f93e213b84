import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  BatchScorer,
  type ModelScoring,
  type RowFacts,
  type ScoringResult,
  type SumRows,
} from '../onnx/batch-scorer.js';
import type { Onnxruntime } from '../onnx/load-onnxruntime.js';
import type { InputFacts, ModelFacts, OnnxModel } from '../onnx/onnx-model.js';
import type { OutputKind } from '../../core/evaluate/model-output.js';
import type { RankRequest } from './background-ranking.js';
import { readMlgateEnvironment, type MlgateEnvironment } from '../environment.js';
import type { DatasetFile } from '../readers/dataset.js';
import type { ChunkHasher } from '../sha256.js';
import { fromWorkerError, workerScript, type WorkerError } from './worker-script.js';

/** A model to score: opened here (its checks done), and its file, which the scoring thread opens again. */
export interface ModelToScore {
  model: OnnxModel;
  path: string;
  /** The fed features it takes, in its input order (indices into the fed ones). */
  columns: readonly number[];
  /** Read its outputs as class probabilities as they come, this way (see PredictionStream). */
  predict?: OutputKind;
}

/** What the scoring thread gets. */
export interface ScoringRequest {
  /** onnxruntime-node's package folder: the thread loads the same copy as this one. */
  onnxruntime: string;
  models: {
    path: string;
    name: string;
    outputName: string;
    columns: readonly number[];
    predict?: OutputKind;
    layout: ModelFacts['layout'];
    inputs: InputFacts[];
    fixedBatch: number | undefined;
  }[];
  width: number;
  batchSize: number;
  /** Sum the classifiers' rows as they are scored (see BatchScorer). */
  sumRows?: SumRows;
}

/**
 * Messages to the scoring thread: a batch of rows (row-major in float32, as onnxruntime takes them: see
 * BatchScorer.addRows), the end of them, then (optionally) the rank metrics to compute; and at any time the next
 * bytes of SHA-256 number `hash` (see hasher), or its digest.
 */
export type ScoringMessage =
  | { rows: number; block: Float32Array; facts?: RowFacts }
  | { end: true }
  | { rank: RankRequest }
  | { hash: number; chunk: Uint8Array }
  | { digest: number };

/** Messages from the scoring thread: `ack` a batch scored, `returned` a hashed chunk's memory. */
export type ScoringReply =
  | { ack: ArrayBuffer[] }
  | { returned: ArrayBuffer }
  | { done: ScoringResult }
  | { ranked: Record<string, number>[] }
  | { digest: { hash: number; hex: string } }
  | { error: WorkerError };

/**
 * Rows sent and not yet scored, at most: a slow model holds the read back instead of queueing the data. Counted in
 * rows, not batches, whose size the reader chooses. Measured on the 1M-row bench (medians of alternating runs):
 * 8 read batches of 1,500 rows in flight took 2.44 s and 24 of them 2.22 s; 12,000 rows 2.19 s, 36,000 rows 2.07 s,
 * 72,000 rows 2.30 s.
 */
const MAX_IN_FLIGHT_ROWS = 36_000;

/**
 * Scoring for rows as they are read: on another thread when the data is large enough and a second core is there, so
 * that onnxruntime scores one batch while this thread reads the next (on the 1M-row evaluate benchmark about 15% faster
 * in all, though the read itself slows by about 0.2 s beside the thread); else on this thread, between reads. The
 * thread runs onnxruntime with one intra-op thread, which leaves the reader its core (with its default two, fighting
 * the reader for the cores, the models took twice as long). MLGATE_THREADS=1 keeps everything on this thread; below
 * MlgateEnvironment.scoreMinBytes of data (MLGATE_SCORE_MIN_BYTES overrides it, for tests) the thread's start costs
 * more than the overlap saves.
 */
export async function startScoring(
  ort: Onnxruntime,
  models: readonly ModelToScore[],
  width: number,
  batchSize: number,
  files: readonly DatasetFile[],
  sumRows?: SumRows,
  settings: MlgateEnvironment = readMlgateEnvironment(),
): Promise<ModelScoring> {
  const script = workerScript('scoring-worker');
  // Those models score on this thread (see needsFloat64).
  const exact = needsFloat64(models.map((m) => m.model));
  if (
    exact ||
    !script ||
    availableParallelism() < 2 ||
    settings.threads === 1 ||
    (await totalBytes(files)) < settings.scoreMinBytes
  ) {
    return new BatchScorer(
      models.map((m) => ({
        name: m.model.facts.name,
        outputName: m.model.facts.outputName,
        run: m.model.run,
        columns: m.columns,
        predict: m.predict,
      })),
      width,
      batchSize,
      sumRows,
      exact ? 'float64' : 'float32',
    );
  }
  const request: ScoringRequest = {
    onnxruntime: ort.folder,
    models: models.map((m) => ({
      path: m.path,
      name: m.model.facts.name,
      outputName: m.model.facts.outputName,
      columns: m.columns,
      predict: m.predict,
      layout: m.model.facts.layout,
      inputs: m.model.facts.inputs,
      fixedBatch: m.model.facts.fixedBatch,
    })),
    width,
    batchSize,
    // The thread also splits the scores by class as they come: ranking them once the read ends only sorts.
    sumRows: sumRows && { ...sumRows, splitRankKeys: true },
  };
  return new BackgroundScoring(script, request);
}

/**
 * Whether the models are to be fed float64 features: inputs other than float32 are fed from them (ids of texts,
 * integers past 2^24, doubles), which float32 blocks (the scoring thread's) would round.
 */
export function needsFloat64(models: readonly Pick<OnnxModel, 'facts'>[]): boolean {
  return models.some((m) => m.facts.inputs.some((i) => i.type !== 'float32'));
}

async function totalBytes(files: readonly DatasetFile[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (f) => (await stat(f.path)).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * The client of the scoring thread: sends each read batch's feature columns, moved not copied twice. Once the rows
 * are scored the thread stays, idle and not holding the process open, so that it can rank the models (rank) beside
 * the work left on this thread, until close().
 */
class BackgroundScoring implements ModelScoring {
  readonly onThread = true;
  private readonly worker: Worker;
  private readonly outcome: Promise<ScoringResult>;
  /** Rows of each batch sent and not yet acknowledged, oldest first (the thread acknowledges in order). */
  private readonly inFlight: number[] = [];
  private inFlightRows = 0;
  /** Memory the thread gave back with its acknowledgements, for the next batches' copies. */
  private readonly spare: ArrayBuffer[] = [];
  private scoredOne: (() => void) | undefined;
  private failure: unknown;
  private ranking: { resolve(ranked: Record<string, number>[]): void; reject(error: unknown): void } | undefined;
  private hashes = 0;
  private readonly digests = new Map<number, { resolve(hex: string): void; reject(error: unknown): void }>();
  /** What keeps the process waiting on the thread: the scoring until done, then each request that awaits an answer. */
  private holds = 1;

  constructor(script: string, request: ScoringRequest) {
    this.worker = new Worker(script, { workerData: request });
    this.outcome = new Promise((resolve, reject) => {
      const failed = (error: unknown) => {
        reject(error);
        this.ranking?.reject(error);
        for (const waiting of this.digests.values()) waiting.reject(error);
      };
      this.worker.on('message', (reply: ScoringReply) => {
        if ('ack' in reply) {
          this.spare.push(...reply.ack);
          this.inFlightRows -= this.inFlight.shift()!;
          this.scoredOne?.();
        } else if ('returned' in reply) {
          this.spare.push(reply.returned);
        } else if ('done' in reply) {
          this.letGo();
          resolve(reply.done);
        } else if ('ranked' in reply) {
          this.letGo();
          this.ranking?.resolve(reply.ranked);
        } else if ('digest' in reply) {
          this.letGo();
          this.digests.get(reply.digest.hash)?.resolve(reply.digest.hex);
          this.digests.delete(reply.digest.hash);
        } else failed(fromWorkerError(reply.error));
      });
      this.worker.once('error', failed);
      // Settles nothing once the rows are scored and no ranking waits: close() ends the thread then.
      this.worker.once('exit', (code) =>
        failed(new Error(`the scoring thread stopped with exit code ${code} before it finished`)),
      );
    });
    // A failure surfaces from add() or finish(), whichever comes next; not as an unhandled rejection in between.
    this.outcome.catch((error: unknown) => (this.failure = error));
  }

  async add(columns: readonly Float64Array[], rows: number, facts?: RowFacts): Promise<void> {
    // The thread failed (a model that onnxruntime refuses on some rows): stop reading now, with its error.
    if (this.failure !== undefined) throw this.failure;
    const block = this.rowMajor(columns, rows);
    const factCopies = facts?.labels
      ? { labels: this.copy(facts.labels, rows, Float64Array), buckets: this.copy(facts.buckets, rows, Uint32Array) }
      : undefined;
    this.post(
      { rows, block, ...(factCopies ? { facts: factCopies } : {}) },
      [block, ...(factCopies ? [factCopies.labels, factCopies.buckets] : [])].map((c) => c.buffer as ArrayBuffer),
    );
    this.inFlight.push(rows);
    this.inFlightRows += rows;
    while (this.inFlightRows > MAX_IN_FLIGHT_ROWS) {
      await Promise.race([new Promise<void>((resolve) => (this.scoredOne = resolve)), this.outcome]);
    }
  }

  async finish(): Promise<ScoringResult> {
    this.post({ end: true });
    return this.outcome;
  }

  /** The rank metrics of each model, computed on the thread (after finish): the probabilities are shared, not sent. */
  rank(request: RankRequest): Promise<Record<string, number>[]> {
    // A thread that failed has ended: nothing would answer.
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.ranking = { resolve, reject };
      this.hold();
      this.post({ rank: request });
    });
  }

  /**
   * A SHA-256 taken on the scoring thread, which has time to spare while this one reads: each chunk is copied (the
   * reader reuses its buffers) and sent, in order with the rows. Ask for its digest before close().
   */
  hasher(): ChunkHasher {
    const hash = this.hashes++;
    return {
      update: (chunk) => {
        const copy = new Uint8Array(this.spareBuffer(chunk.length), 0, chunk.length);
        copy.set(chunk);
        this.post({ hash, chunk: copy }, [copy.buffer as ArrayBuffer]);
      },
      hex: () => {
        if (this.failure !== undefined) return Promise.reject(this.failure);
        return new Promise((resolve, reject) => {
          this.digests.set(hash, { resolve, reject });
          this.hold();
          this.post({ digest: hash });
        });
      },
    };
  }

  async close(): Promise<void> {
    this.ranking = undefined;
    this.digests.clear();
    await this.worker.terminate();
  }

  /** Nothing else may keep the process waiting for the thread's answer: it is held open while one is awaited. */
  private hold(): void {
    if (this.holds++ === 0) this.worker.ref();
  }

  private letGo(): void {
    if (--this.holds === 0) this.worker.unref();
  }

  /**
   * The first `rows` values of `array`, copied into memory the thread gave back when some is large enough (else new):
   * the batches' copies go back and forth instead of being garbage at the pace of the read on both threads.
   */
  private copy<T extends Float64Array | Uint32Array>(
    array: T,
    rows: number,
    kind: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  ): T {
    const copy = new kind(this.spareBuffer(rows * kind.BYTES_PER_ELEMENT), 0, rows);
    copy.set(array.subarray(0, rows));
    return copy;
  }

  /**
   * The rows' features laid out row after row in float32, as onnxruntime takes them: this thread waits on the scoring
   * thread most of the read, so the layout is done here rather than there.
   */
  private rowMajor(columns: readonly Float64Array[], rows: number): Float32Array {
    const width = columns.length;
    const block = new Float32Array(this.spareBuffer(rows * width * Float32Array.BYTES_PER_ELEMENT), 0, rows * width);
    for (let f = 0; f < width; f++) {
      const column = columns[f]!;
      for (let r = 0, at = f; r < rows; r++, at += width) block[at] = column[r]!;
    }
    return block;
  }

  /** The smallest memory the thread gave back of at least `bytes`, or new memory. */
  private spareBuffer(bytes: number): ArrayBuffer {
    let best = -1;
    this.spare.forEach((buffer, i) => {
      if (buffer.byteLength >= bytes && (best < 0 || buffer.byteLength < this.spare[best]!.byteLength)) best = i;
    });
    return best >= 0 ? this.spare.splice(best, 1)[0]! : new ArrayBuffer(bytes);
  }

  private post(message: ScoringMessage, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
