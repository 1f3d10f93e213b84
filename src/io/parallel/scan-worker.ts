import { parentPort, workerData } from 'node:worker_threads';
import { scanPart, type PartRequest } from './scan-part.js';

/** Worker entry: reads the part it is given and posts back the result, or the error as plain data. */
try {
  parentPort!.postMessage({ result: await scanPart(workerData as PartRequest) });
} catch (error) {
  const e = error as { name?: string; message?: string; location?: unknown };
  parentPort!.postMessage({ error: { name: e.name ?? 'Error', message: e.message ?? String(error), location: e.location } });
}
