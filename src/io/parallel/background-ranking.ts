import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { rankMetricsOf, rankMetrics } from '../../core/evaluate/model-ranking.js';
import type { Predictions } from '../../core/evaluate/model-output.js';
import { averageRankings, rankKeys, rankMetricValues, type SplitKeys } from '../../core/metrics/ranking-metrics.js';
import { readMlgateEnvironment, type MlgateEnvironment } from '../environment.js';
import type { ModelScoring } from '../onnx/batch-scorer.js';
import { takePart as takeBootstrapPart, type BootstrapJob } from './shared-bootstrap.js';
import { workerScript } from './worker-script.js';

/**
 * Rank targets' keys, split as the rows were scored, to be ranked by every thread that takes part (takeRankTasks):
 * each claims the next target until none is left and writes its ROC AUC and average precision into shared memory.
 */
export interface RankJob {
  /** Every model's targets, model after model (in shared memory). */
  keys: SplitKeys[];
  /** How many of the keys are each model's. */
  perModel: number[];
  /** Int32 [the next target to claim]. */
  next: SharedArrayBuffer;
  /** Float64 [ROC AUC, average precision] per target. */
  results: SharedArrayBuffer;
}

/**
 * What a ranking thread gets: the keys split as the rows were scored, to rank as a shared job; or else the labels
 * and each model's probabilities (rows × k), in shared memory, to rank from.
 */
export interface RankRequest {
  job?: RankJob;
  probabilities?: {
    rows: number;
    truth: { kind: 'int32' | 'float64'; buffer: SharedArrayBuffer };
    models: ({ buffer: SharedArrayBuffer; k: number } | null)[];
  };
  /** The bootstrap, for the ranking thread to take part in once it has ranked. */
  bootstrap?: BootstrapJob;
}

/** The ranking of every model and the bootstrap: this thread's part, then the rank metrics once all parts are done. */
export interface SharedRanking {
  /** Whether another thread takes part. */
  readonly onThread: boolean;
  /** This thread's part: rank targets left to claim, then bootstrap replicates left to claim. */
  takePart(): void;
  /** Each model's rank metrics, once this thread's part is done. */
  ranks(): Promise<Record<string, number>[]>;
}

/**
 * ROC AUC and PR AUC of each model, shared with another thread so that the sorting overlaps the bootstrap on this
 * one: the scoring thread when the models scored on one (it is idle by then, and started), else a thread of its own
 * when the data is large enough (MlgateEnvironment.rankMinRows) and a second core is there (not with MLGATE_THREADS=1,
 * nor from sources). With the keys split as the rows were scored (`keys`, per model), both threads claim targets to
 * rank, then bootstrap replicates, and end together: on the 1M-row benchmark the ranking took 0.4 s beside 0.2 s of
 * bootstrap when the other thread ranked alone. Without them, the other thread ranks from the probabilities and then
 * joins the bootstrap.
 */
export function shareRanking(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
  keys: SplitKeys[][] | undefined,
  scoring: ModelScoring | undefined,
  bootstrap?: BootstrapJob,
  settings: MlgateEnvironment = readMlgateEnvironment(),
): SharedRanking {
  const job = keys ? rankJob(keys) : undefined;
  const ranking = models.some((m) => m.task === 'classification' && m.probabilities);
  const thread = ranking ? otherThread(truth, models, job, scoring, bootstrap, settings) : undefined;
  return {
    onThread: thread !== undefined,
    takePart() {
      if (job) takeRankTasks(job);
      if (bootstrap) takeBootstrapPart(bootstrap);
    },
    async ranks() {
      const ranked = await thread;
      if (job) return rankingsOf(job);
      return ranked ?? models.map((model) => rankMetrics(truth, model));
    },
  };
}

/**
 * The other thread's part, started: its answer (the ranks when it ranked from the probabilities), or undefined when
 * there is none.
 */
function otherThread(
  truth: Int32Array | Float64Array,
  models: readonly Predictions[],
  job: RankJob | undefined,
  scoring: ModelScoring | undefined,
  bootstrap: BootstrapJob | undefined,
  settings: MlgateEnvironment,
): Promise<Record<string, number>[]> | undefined {
  const request: RankRequest = {
    // The probabilities are not read when the keys are ranked: none is copied then.
    ...(job
      ? { job }
      : {
          probabilities: {
            rows: truth.length,
            truth: { kind: truth instanceof Int32Array ? 'int32' : 'float64', buffer: shared(truth) },
            models: models.map((m) =>
              m.task === 'classification' && m.probabilities ? { buffer: shared(m.probabilities), k: m.k } : null,
            ),
          },
        }),
    ...(bootstrap ? { bootstrap } : {}),
  };
  if (scoring?.rank) return scoring.rank(request);
  const script = workerScript('rank-worker');
  if (!script || truth.length < settings.rankMinRows || availableParallelism() < 2 || settings.threads === 1)
    return undefined;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: request });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the ranking thread stopped with exit code ${code}`));
    });
  });
}

/**
 * A request's part, on the thread that received it: the ranks it computed from the probabilities (none for a shared
 * job), after its part of the bootstrap.
 */
export function takeRequestPart(request: RankRequest): Record<string, number>[] {
  let ranked: Record<string, number>[] = [];
  if (request.job) takeRankTasks(request.job);
  if (request.probabilities) ranked = rankAll(request.probabilities);
  if (request.bootstrap) takeBootstrapPart(request.bootstrap);
  return ranked;
}

function rankJob(keys: SplitKeys[][]): RankJob {
  const flat = keys.flat();
  return {
    keys: flat,
    perModel: keys.map((k) => k.length),
    next: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
    results: new SharedArrayBuffer(flat.length * 2 * Float64Array.BYTES_PER_ELEMENT),
  };
}

/** Ranks targets of the job until none is left to claim. */
function takeRankTasks(job: RankJob): void {
  const next = new Int32Array(job.next);
  const results = new Float64Array(job.results);
  for (;;) {
    const task = Atomics.add(next, 0, 1);
    if (task >= job.keys.length) return;
    const { rocAuc, averagePrecision } = rankKeys(job.keys[task]!);
    results[2 * task] = rocAuc;
    results[2 * task + 1] = averagePrecision;
  }
}

/** Each model's rank metrics from the job's targets, once every part has returned. */
function rankingsOf(job: RankJob): Record<string, number>[] {
  const results = new Float64Array(job.results);
  let at = 0;
  return job.perModel.map((count) => {
    const targets = Array.from({ length: count }, (_, i) => ({
      rocAuc: results[2 * (at + i)]!,
      averagePrecision: results[2 * (at + i) + 1]!,
    }));
    at += count;
    return rankMetricValues(averageRankings(targets));
  });
}

/** The rank metrics a request asks for from the probabilities, on the thread that received it. */
function rankAll({ rows, truth, models }: NonNullable<RankRequest['probabilities']>): Record<string, number>[] {
  const labels =
    truth.kind === 'int32' ? new Int32Array(truth.buffer, 0, rows) : new Float64Array(truth.buffer, 0, rows);
  return models.map((m) => (m ? rankMetricsOf(labels, new Float64Array(m.buffer, 0, rows * m.k), m.k) : {}));
}

/**
 * The memory under the array if it is shared already and starts there (streamed probabilities are), else a shared copy.
 */
function shared(array: Int32Array | Float64Array): SharedArrayBuffer {
  if (array.buffer instanceof SharedArrayBuffer && array.byteOffset === 0) return array.buffer;
  const buffer = new SharedArrayBuffer(array.byteLength);
  if (array instanceof Int32Array) new Int32Array(buffer).set(array);
  else new Float64Array(buffer).set(array);
  return buffer;
}
