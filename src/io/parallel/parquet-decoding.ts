import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { FileMetaData } from 'hyparquet';
import { decodeRowGroup, type DecodedRowGroup } from '../readers/parquet-row-group.js';
import { fromWorkerError, workerScript, type WorkerError } from './worker-script.js';

/** Decodes row groups of one Parquet file, on this thread or on others; `close` when done. */
export interface RowGroupDecoder {
  /** Starts decoding a row group; its result is awaited in the order the groups are wanted. */
  decode(group: number): Promise<DecodedRowGroup>;
  /** How many groups to ask for ahead of the one being used, to keep every thread busy. */
  readonly ahead: number;
  close(): Promise<void>;
}

/**
 * A decoder for the named columns of a file: `threads` worker threads when there are at least two and the read
 * spans at least two row groups (each thread takes every threads-th group, so that the groups of a large file are
 * decoded side by side while this thread checks and profiles them, in file order), else this thread.
 */
export async function openRowGroupDecoder(path: string, metadata: FileMetaData, names: readonly string[], threads: number, groups: number): Promise<RowGroupDecoder> {
  const script = workerScript('parquet-worker');
  if (script && threads >= 2 && groups >= 2) return workerDecoder(script, path, names, Math.min(threads, groups));
  const handle = await open(path, 'r');
  return { decode: (group) => decodeRowGroup(handle, metadata, group, names), ahead: 0, close: () => handle.close() };
}

function workerDecoder(script: string, path: string, names: readonly string[], threads: number): RowGroupDecoder {
  const waiting = new Map<number, { resolve: (decoded: DecodedRowGroup) => void; reject: (error: Error) => void; worker: Worker }>();
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
      return new Promise((resolve, reject) => {
        waiting.set(group, { resolve, reject, worker });
        worker.postMessage(group);
      });
    },
    ahead: threads + 1,
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
    const arrays = column.kind === 'text' ? [column.status, column.entries, column.table.pool, column.table.starts] : [column.status, column.numbers];
    for (const array of arrays) if (array.buffer instanceof ArrayBuffer && array.buffer.byteLength > 0) buffers.add(array.buffer);
  }
  return [...buffers];
}
