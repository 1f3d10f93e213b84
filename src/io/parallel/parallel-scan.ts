import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DatasetFile } from '../readers/dataset.js';
import { scanPart, type PartRequest, type PartResult, type PartSink } from './scan-part.js';
import { fromWorkerError, workerScript, type WorkerError } from './worker-script.js';

/** Files smaller than this are read in one piece: threads cost more than they save. */
const DEFAULT_MIN_BYTES = 48 * 1024 * 1024;

/**
 * How many threads read one file: MLGATE_THREADS when set (1 turns parallel reading off), else one per core, up to
 * 4. On 2 cores the two threads slow each other down (20% more CPU time in all), but on the 1M-row validate-data
 * bench of a 2-vCPU machine they still take 2.45 s against 3.1 s (median of 5 alternating runs), for 137-144 MB of
 * peak memory against 117-123 MB.
 */
export function readingThreads(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.MLGATE_THREADS);
  if (Number.isInteger(asked) && asked > 0) return asked;
  return Math.min(availableParallelism(), 4);
}

/** The smallest file read in parallel (MLGATE_PARALLEL_MIN_BYTES overrides, for tests). */
export function parallelMinBytes(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.MLGATE_PARALLEL_MIN_BYTES);
  return Number.isFinite(asked) && asked > 0 ? asked : DEFAULT_MIN_BYTES;
}

export function canReadInParallel(): boolean {
  return workerScript('scan-worker') !== undefined;
}

/**
 * Reads the rows of one delimited file in `threads` byte ranges at once: this thread reads the first (into `into`
 * when given), worker threads the others. Returns the parts in file order, or undefined when the parts do not meet
 * exactly (a newline inside a quoted value fooled a split), in which case the caller reads the file in one piece.
 */
export async function scanInParts(base: Omit<PartRequest, 'start' | 'stop' | 'align' | 'share' | 'dataBytes'>, dataStart: number, fileSize: number, threads: number, into?: PartSink): Promise<PartResult[] | undefined> {
  const script = workerScript('scan-worker');
  if (!script) return undefined;
  const size = fileSize - dataStart;
  const bounds = Array.from({ length: threads + 1 }, (_, i) => (i === threads ? fileSize : dataStart + Math.floor((size * i) / threads)));
  const requests: PartRequest[] = bounds.slice(0, -1).map((start, i) => ({ ...base, start: i === 0 ? start : start - 1, stop: bounds[i + 1]!, align: i > 0, share: (bounds[i + 1]! - start) / Math.max(size, 1), dataBytes: size }));
  const parts = await Promise.all(requests.map((request, i) => (i === 0 ? scanPart(request, into) : runWorker(script, request))));
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
export async function prestartReaders(files: readonly DatasetFile[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const script = workerScript('scan-worker');
  const threads = readingThreads(env);
  if (!script || threads < 2 || started.length > 0) return;
  const first = files.find((f) => (f.format === 'csv' || f.format === 'tsv') && !f.gzip);
  if (!first || (await stat(first.path)).size < parallelMinBytes(env)) return;
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
