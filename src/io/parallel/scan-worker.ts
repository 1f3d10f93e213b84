import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from '../../core/profile/profile-builder.js';
import { scanPart, type PartRequest } from './scan-part.js';
import { toWorkerError } from './worker-script.js';

/** Worker entry: reads the part it is given and posts back the result, or the error as plain data. */
try {
  const result = await scanPart(workerData as PartRequest);
  // The profile's arrays move to the reading thread without a copy.
  parentPort!.postMessage({ result }, transferables(result.profile!));
} catch (error) {
  parentPort!.postMessage({ error: toWorkerError(error) });
}
