import { parentPort, workerData } from 'node:worker_threads';
import { scanPart, type PartRequest } from './scan-part.js';
import { toWorkerError } from './worker-script.js';

/** Worker entry: reads the part it is given and posts back the result, or the error as plain data. */
try {
  parentPort!.postMessage({ result: await scanPart(workerData as PartRequest) });
} catch (error) {
  parentPort!.postMessage({ error: toWorkerError(error) });
}
