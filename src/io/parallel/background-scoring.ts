import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BatchScorer, type ModelScoring, type ScoredModel } from '../onnx/batch-scorer.js';
import type { Onnxruntime } from '../onnx/load-onnxruntime.js';
import type { OnnxModel } from '../onnx/onnx-model.js';
import type { DatasetFile } from '../readers/dataset.js';
import { fromWorkerError, workerScript, type WorkerError } from './worker-script.js';

/** A model to score: opened here (its checks done), and its file, which the scoring thread opens again. */
export interface ModelToScore {
  model: OnnxModel;
  path: string;
  /** The fed features it takes, in its input order (indices into the fed ones). */
  columns: readonly number[];
}

/** What the scoring thread gets. */
export interface ScoringRequest {
  /** onnxruntime-node's package folder: the thread loads the same copy as this one. */
  onnxruntime: string;
  models: { path: string; name: string; outputName: string; columns: readonly number[] }[];
  width: number;
  batchSize: number;
}

/** Messages from the scoring thread. */
export type ScoringReply = { ack: true } | { done: ScoredModel[] } | { error: WorkerError };

/** Below this much data the thread's start (a worker, then onnxruntime loaded and the models opened again) costs more than the overlap saves. */
const DEFAULT_MIN_BYTES = 8 * 1024 * 1024;
/** Batches sent and not yet scored, at most: a slow model holds the read back instead of queueing the data. */
const MAX_IN_FLIGHT = 8;

/**
 * Scoring for rows as they are read: on another thread when the data is large enough and a second core is there, so
 * that onnxruntime scores one batch while this thread reads the next (on the 1M-row evaluate benchmark about 15%
 * faster in all, though the read itself slows by about 0.2 s beside the thread); else on this thread, between reads. The thread runs
 * onnxruntime with one intra-op thread, which leaves the reader its core (with its default two, fighting the reader
 * for the cores, the models took twice as long).
 * MLGATE_THREADS=1 keeps everything on this thread; MLGATE_SCORE_MIN_BYTES overrides the threshold (for tests).
 */
export async function startScoring(ort: Onnxruntime, models: readonly ModelToScore[], width: number, batchSize: number, files: readonly DatasetFile[], env: NodeJS.ProcessEnv = process.env): Promise<ModelScoring> {
  const script = workerScript('scoring-worker');
  const asked = Number(env.MLGATE_SCORE_MIN_BYTES);
  const minBytes = Number.isFinite(asked) && asked > 0 ? asked : DEFAULT_MIN_BYTES;
  if (!script || availableParallelism() < 2 || env.MLGATE_THREADS === '1' || (await totalBytes(files)) < minBytes) {
    return new BatchScorer(models.map((m) => ({ name: m.model.facts.name, outputName: m.model.facts.outputName, run: m.model.run, columns: m.columns })), width, batchSize);
  }
  const request: ScoringRequest = {
    onnxruntime: ort.folder,
    models: models.map((m) => ({ path: m.path, name: m.model.facts.name, outputName: m.model.facts.outputName, columns: m.columns })),
    width,
    batchSize,
  };
  return new BackgroundScoring(script, request);
}

async function totalBytes(files: readonly DatasetFile[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (f) => (await stat(f.path)).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/** The client of the scoring thread: sends each read batch's feature columns, moved not copied twice. */
class BackgroundScoring implements ModelScoring {
  readonly onThread = true;
  private readonly worker: Worker;
  private readonly outcome: Promise<ScoredModel[]>;
  private inFlight = 0;
  private scoredOne: (() => void) | undefined;
  private failure: unknown;

  constructor(script: string, request: ScoringRequest) {
    this.worker = new Worker(script, { workerData: request });
    this.outcome = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: ScoringReply) => {
        if ('ack' in reply) {
          this.inFlight--;
          this.scoredOne?.();
        } else if ('done' in reply) resolve(reply.done);
        else reject(fromWorkerError(reply.error));
      });
      this.worker.once('error', reject);
      // After `done` this settles nothing: the promise is resolved already.
      this.worker.once('exit', (code) => reject(new Error(`the scoring thread stopped with exit code ${code} before it finished`)));
    });
    // A failure surfaces from add() or finish(), whichever comes next; not as an unhandled rejection in between.
    this.outcome.catch((error: unknown) => (this.failure = error));
  }

  async add(columns: readonly Float64Array[], rows: number): Promise<void> {
    // The thread failed (a model that onnxruntime refuses on some rows): stop reading now, with its error.
    if (this.failure !== undefined) throw this.failure;
    const copies = columns.map((c) => c.slice(0, rows));
    this.worker.postMessage({ rows, columns: copies }, copies.map((c) => c.buffer));
    this.inFlight++;
    while (this.inFlight > MAX_IN_FLIGHT) {
      await Promise.race([new Promise<void>((resolve) => (this.scoredOne = resolve)), this.outcome]);
    }
  }

  async finish(): Promise<ScoredModel[]> {
    this.worker.postMessage({ end: true });
    return this.outcome;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
