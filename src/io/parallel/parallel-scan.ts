import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { readMlgateEnvironment, type MlgateEnvironment } from '../environment.js';
import type { DatasetFile } from '../readers/dataset.js';
import { scanPart, type PartRequest, type PartResult, type PartSink } from './scan-part.js';
import { fromWorkerError, workerScript, type WorkerError } from './worker-script.js';

/**
 * How many threads read one file: MLGATE_THREADS when set (1 turns parallel reading off), else one per core, up to
 * 4 (see MlgateEnvironment.threads for the measurement behind it).
 */
export function readingThreads(settings: Pick<MlgateEnvironment, 'threads'> = readMlgateEnvironment()): number {
  return settings.threads;
}

/**
 * The smallest file read in parallel: smaller ones are read in one piece (MLGATE_PARALLEL_MIN_BYTES overrides, for
 * tests).
 */
export function parallelMinBytes(
  settings: Pick<MlgateEnvironment, 'parallelMinBytes'> = readMlgateEnvironment(),
): number {
  return settings.parallelMinBytes;
}

export function canReadInParallel(): boolean {
  return workerScript('scan-worker') !== undefined;
}

/**
 * Reads the rows of one delimited file in `threads` byte ranges at once: this thread reads the first (into `into`
 * when given), worker threads the others. Returns the parts in file order, or undefined when the parts do not meet
 * exactly (a newline inside a quoted value fooled a split), in which case the caller reads the file in one piece.
 */
export async function scanInParts(
  base: Omit<PartRequest, 'start' | 'stop' | 'align' | 'share' | 'dataBytes'>,
  dataStart: number,
  fileSize: number,
  threads: number,
  into?: PartSink,
): Promise<PartResult[] | undefined> {
  const script = workerScript('scan-worker');
  if (!script) return undefined;
  const size = fileSize - dataStart;
  const bounds = Array.from({ length: threads + 1 }, (_, i) =>
    i === threads ? fileSize : dataStart + Math.floor((size * i) / threads),
  );
  const requests: PartRequest[] = bounds.slice(0, -1).map((start, i) => ({
    ...base,
    start: i === 0 ? start : start - 1,
    stop: bounds[i + 1]!,
    align: i > 0,
    share: (bounds[i + 1]! - start) / Math.max(size, 1),
    dataBytes: size,
  }));
  const parts = await Promise.all(
    requests.map((request, i) => (i === 0 ? scanPart(request, into) : runWorker(script, request))),
  );
  for (let i = 1; i < parts.length; i++) if (parts[i]!.firstRowStart !== parts[i - 1]!.lastRowEnd) return undefined;
  return parts;
}

/** Reading threads started ahead (see prestartReaders), idle until a part is sent to them. */
const started: Worker[] = [];

/**
 * Starts the threads that will read the first large file's parts, so that they start up (some 0.15 s on a 2-vCPU
 * machine, mostly Node's own start) while this thread reads the contract and the header, not after: the thread that
 * reads the last part otherwise ends that much later than the one reading the first. Idle, they hold nothing open.
 */
export async function prestartReaders(
  files: readonly DatasetFile[],
  settings: MlgateEnvironment = readMlgateEnvironment(),
): Promise<void> {
  const script = workerScript('scan-worker');
  const threads = readingThreads(settings);
  if (!script || threads < 2 || started.length > 0) return;
  const first = files.find((f) => (f.format === 'csv' || f.format === 'tsv') && !f.gzip);
  if (!first || (await stat(first.path)).size < parallelMinBytes(settings)) return;
  for (let i = 1; i < threads; i++) {
    const worker = new Worker(script);
    worker.unref();
    // One that fails before it is given a part leaves the pool: the part goes to a new one, which reports the failure.
    const leave = () => {
      const at = started.indexOf(worker);
      if (at >= 0) started.splice(at, 1);
    };
    worker.once('error', leave);
    worker.once('exit', leave);
    started.push(worker);
  }
}

function runWorker(script: string, request: PartRequest): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    const worker = started.pop() ?? new Worker(script);
    worker.ref();
    worker.postMessage(request);
    worker.once('message', (message: { result?: PartResult; error?: WorkerError }) => {
      if (message.result) resolve(message.result);
      else reject(fromWorkerError(message.error!));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a reading thread stopped with exit code ${code}`));
    });
  });
}
