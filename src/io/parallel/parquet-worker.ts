import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { DecoderBuffers } from '../readers/parquet-buffers.js';
import { decodeRowGroup } from '../readers/parquet-row-group.js';
import { decodedTransferables } from './parquet-decoding.js';
import { toWorkerError } from './worker-script.js';

/**
 * Worker entry: decodes the row groups of one Parquet file that it is sent, one message each, and posts each back
 * with its arrays moved (not copied); it reads the file's footer once. Ends when the port is closed.
 */
const { path, names } = workerData as { path: string; names: string[] };
const port = parentPort!;
const ready = (async () => ({
  handle: await open(path, 'r'),
  metadata: await parquetMetadataAsync(await asyncBufferFromFile(path)),
}))();
// One group at a time, in the order sent: the reading thread asks for as many as it can hold.
let queue = Promise.resolve();
const buffers = new DecoderBuffers();
port.on('message', (message: number | { recycle: ArrayBuffer[] }) => {
  // A group's arrays come back once the reading thread has used them, for the groups after it.
  if (typeof message !== 'number') return buffers.give(message.recycle);
  const group = message;
  queue = queue.then(async () => {
    try {
      const { handle, metadata } = await ready;
      const decoded = await decodeRowGroup(handle, metadata, group, names, buffers);
      port.postMessage({ decoded }, decodedTransferables(decoded));
    } catch (error) {
      port.postMessage({ group, error: toWorkerError(error) });
    }
  });
});
