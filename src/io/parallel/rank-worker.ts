import { parentPort, workerData } from 'node:worker_threads';
import { takeRequestPart, type RankRequest } from './background-ranking.js';

/** Worker entry: its part of the ranking (shared memory, not copied), then of the bootstrap; posted back. */
parentPort!.postMessage(takeRequestPart(workerData as RankRequest));
