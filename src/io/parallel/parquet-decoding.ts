import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { FileMetaData } from 'hyparquet';
import { DecoderBuffers } from '../readers/parquet-buffers.js';
import { decodeRowGroup, type DecodedRowGroup } from '../readers/parquet-row-group.js';
import { fromWorkerError, workerScript, type WorkerError } from './worker-script.js';

/** Decodes row groups of one Parquet file, on this thread or on others; `close` when done. */
export interface RowGroupDecoder {
  /** Starts decoding a row group; its result is awaited in the order the groups are wanted. */
  decode(group: number): Promise<DecodedRowGroup>;
  /** How many groups to ask for ahead of the one being used, to keep every thread busy. */
  readonly ahead: number;
  /** Hands a group's arrays back for later groups, once its batch has been read (they must not be used after). */
  recycle(decoded: DecodedRowGroup): void;
  close(): Promise<void>;
}

/**
 * A decoder for the named columns of a file: with `threads` of at least two and a read of at least two row groups,
 * threads - 1 worker threads decode the groups (in turn, a few ahead) while this thread checks and profiles them
 * in file order; else this thread decodes them as it goes. One worker less than the threads because profiling is
 * some 40% of the work: on 2 cores of flights-3m.parquet, two workers beside the reading thread took 15% more CPU
 * time than one (3.9 s against 3.4 s, and 3.05 s on one thread) and 55-60 MB more memory (221-229 MB against
 * 166-173 MB), for no shorter run on a machine under load.
 */
export async function openRowGroupDecoder(
  path: string,
  metadata: FileMetaData,
  names: readonly string[],
  threads: number,
  groups: number,
  groupBytes: number,
): Promise<RowGroupDecoder> {
  const script = workerScript('parquet-worker');
  // No column to decode (a look at a file whose columns a contract types already): nothing for threads to do.
  if (script && threads >= 2 && groups >= 2 && names.length > 0) {
    const workers = Math.min(threads - 1, groups);
    // Enough groups ahead to keep the workers busy, as long as they fit in AHEAD_BYTES (at least one).
    return workerDecoder(
      script,
      path,
      names,
      workers,
      Math.max(1, Math.min(workers + 1, Math.floor(AHEAD_BYTES / Math.max(1, groupBytes)))),
    );
  }
  const handle = await open(path, 'r');
  const buffers = new DecoderBuffers();
  return {
    decode: (group) => decodeRowGroup(handle, metadata, group, names, buffers),
    ahead: 0,
    recycle: (decoded) => buffers.give(decodedTransferables(decoded)),
    close: () => handle.close(),
  };
}

/**
 * Decoded row groups held ahead of the one in use, at most (a row group of 272,727 rows and five columns is some
 * 12 MB decoded): wide groups are asked for one at a time. The 1M-row x 21-column evaluate holdout in groups of
 * 131,072 rows (25 MB each) peaked at 483 MB with two ahead, against 353 MB for the same data as CSV.
 */
const AHEAD_BYTES = 32 * 1024 * 1024;

function workerDecoder(
  script: string,
  path: string,
  names: readonly string[],
  threads: number,
  ahead: number,
): RowGroupDecoder {
  const waiting = new Map<
    number,
    { resolve: (decoded: DecodedRowGroup) => void; reject: (error: Error) => void; worker: Worker }
  >();
  const decodedBy = new Map<number, Worker>();
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(script, { workerData: { path, names: [...names] } });
    worker.on('message', (message: { decoded?: DecodedRowGroup; group?: number; error?: WorkerError }) => {
      const group = message.decoded?.group ?? message.group!;
      const wanted = waiting.get(group);
      waiting.delete(group);
      if (message.decoded) wanted?.resolve(message.decoded);
      else wanted?.reject(fromWorkerError(message.error!));
    });
    const fail = (error: Error) => {
      for (const [group, wanted] of waiting) {
        if (wanted.worker !== worker) continue;
        waiting.delete(group);
        wanted.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`a Parquet decoding thread stopped with exit code ${code}`));
    });
    return worker;
  });
  let next = 0;
  let closed = false;
  return {
    decode(group) {
      const worker = workers[next++ % workers.length]!;
      decodedBy.set(group, worker);
      return new Promise((resolve, reject) => {
        waiting.set(group, { resolve, reject, worker });
        worker.postMessage(group);
      });
    },
    ahead,
    recycle(decoded) {
      const worker = decodedBy.get(decoded.group);
      decodedBy.delete(decoded.group);
      const buffers = decodedTransferables(decoded);
      if (worker && !closed) worker.postMessage({ recycle: buffers }, buffers);
    },
    async close() {
      // A read left early (a look at the first rows) stops the groups still being decoded: nobody waits for them.
      closed = true;
      waiting.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** The buffers behind a decoded row group's arrays, to move them between threads without a copy. */
export function decodedTransferables(decoded: DecodedRowGroup): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of decoded.columns) {
    if (column.kind === 'values') continue;
    const arrays =
      column.kind === 'text'
        ? [column.status, column.entries, column.table.pool, column.table.starts]
        : [column.status, column.numbers];
    for (const array of arrays)
      if (array.buffer instanceof ArrayBuffer && array.buffer.byteLength > 0) buffers.add(array.buffer);
  }
  return [...buffers];
}
