import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { rankMetricsOf } from '../../core/evaluate/compare-models.js';
import type { Predictions } from '../../core/evaluate/model-output.js';
import type { ModelScoring } from '../onnx/batch-scorer.js';
import type { BootstrapJob } from './shared-bootstrap.js';
import { workerScript } from './worker-script.js';

/** What a ranking thread gets: the labels and each model's probabilities (rows × k), in shared memory. */
export interface RankRequest {
  rows: number;
  /** The truth is the one the scoring thread read as it summed the rows: it may rank the scores it split then. */
  streamed: boolean;
  truth: { kind: 'int32' | 'float64'; buffer: SharedArrayBuffer };
  models: ({ buffer: SharedArrayBuffer; k: number } | null)[];
  /** The bootstrap, for the ranking thread to take part in once it has ranked. */
  bootstrap?: BootstrapJob;
}

/** Below this many rows a new thread's start-up (about 40 ms) costs more than it saves (MLGATE_RANK_MIN_ROWS overrides, for tests). */
const MIN_ROWS = 100_000;

function minRows(env: NodeJS.ProcessEnv): number {
  const asked = Number(env.MLGATE_RANK_MIN_ROWS);
  return Number.isInteger(asked) && asked > 0 ? asked : MIN_ROWS;
}

/**
 * ROC AUC and PR AUC of each model computed on another thread, so that they overlap the bucket sums and the
 * bootstrap on this one (on the 1M-row benchmark, 0.25-0.3 s of sorting beside 0.17 s of bootstrap): on the
 * scoring thread when the models scored on one (it is idle by then, and started), else on a thread of its own.
 * That thread then takes part in the `bootstrap` job (see takePart). Undefined when it is not worth it or not
 * possible: small data, one core, MLGATE_THREADS=1, or no worker script (sources).
 */
export function rankInBackground(truth: Int32Array | Float64Array, models: readonly Predictions[], scoring?: { thread: ModelScoring; streamed: boolean }, bootstrap?: BootstrapJob, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, number>[]> | undefined {
  if (!models.some((m) => m.task === 'classification' && m.probabilities)) return undefined;
  const request: RankRequest = {
    rows: truth.length,
    streamed: scoring?.streamed ?? false,
    ...(bootstrap ? { bootstrap } : {}),
    truth: { kind: truth instanceof Int32Array ? 'int32' : 'float64', buffer: shared(truth) },
    models: models.map((m) => (m.task === 'classification' && m.probabilities ? { buffer: shared(m.probabilities), k: m.k } : null)),
  };
  if (scoring?.thread.rank) return scoring.thread.rank(request);
  const script = workerScript('rank-worker');
  if (!script || truth.length < minRows(env) || availableParallelism() < 2 || env.MLGATE_THREADS === '1') return undefined;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: request });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the ranking thread stopped with exit code ${code}`));
    });
  });
}

/** The rank metrics a request asks for, on the thread that received it. */
export function rankAll({ rows, truth, models }: RankRequest): Record<string, number>[] {
  const labels = truth.kind === 'int32' ? new Int32Array(truth.buffer, 0, rows) : new Float64Array(truth.buffer, 0, rows);
  return models.map((m) => (m ? rankMetricsOf(labels, new Float64Array(m.buffer, 0, rows * m.k), m.k) : {}));
}

/** The memory under the array if it is shared already and starts there (streamed probabilities are), else a shared copy. */
function shared(array: Int32Array | Float64Array): SharedArrayBuffer {
  if (array.buffer instanceof SharedArrayBuffer && array.byteOffset === 0) return array.buffer;
  const buffer = new SharedArrayBuffer(array.byteLength);
  if (array instanceof Int32Array) new Int32Array(buffer).set(array);
  else new Float64Array(buffer).set(array);
  return buffer;
}
