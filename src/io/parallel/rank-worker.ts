import { parentPort, workerData } from 'node:worker_threads';
import { rankMetricsOf } from '../../core/evaluate/compare-models.js';
import type { RankRequest } from './background-ranking.js';

/** Worker entry: the rank metrics of each model's probabilities (shared memory, not copied), posted back. */
const { truth, models } = workerData as RankRequest;
const labels = truth.kind === 'int32' ? new Int32Array(truth.buffer) : new Float64Array(truth.buffer);
parentPort!.postMessage(models.map((m) => (m ? rankMetricsOf(labels, new Float64Array(m.buffer), m.k) : {})));
