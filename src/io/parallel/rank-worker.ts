import { parentPort, workerData } from 'node:worker_threads';
import { rankAll, type RankRequest } from './background-ranking.js';

/** Worker entry: the rank metrics of each model's probabilities (shared memory, not copied), posted back. */
parentPort!.postMessage(rankAll(workerData as RankRequest));
