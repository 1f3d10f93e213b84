import { parentPort } from 'node:worker_threads';
import { transferables } from '../profile/transferables.js';
import { scanPart, type PartRequest } from './scan-part.js';
import { toWorkerError } from './worker-script.js';

/**
 * Worker entry: waits for the part it is to read (it may be started ahead, see prestartReaders), reads it and posts
 * back the result, or the error as plain data; then ends.
 */
const port = parentPort!;
port.once('message', async (request: PartRequest) => {
  try {
    const result = await scanPart(request);
    // The profile's arrays move to the reading thread without a copy.
    port.postMessage({ result }, transferables(result.profile!));
  } catch (error) {
    port.postMessage({ error: toWorkerError(error) });
  }
  port.close();
});
