import { parentPort, workerData } from 'node:worker_threads';
import { rankAll, type RankRequest } from './background-ranking.js';
import { takePart } from './shared-bootstrap.js';

/** Worker entry: the rank metrics of each model's probabilities (shared memory, not copied), then its part of the bootstrap; posted back. */
const request = workerData as RankRequest;
const ranked = rankAll(request);
if (request.bootstrap) takePart(request.bootstrap);
parentPort!.postMessage(ranked);
