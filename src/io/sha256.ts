import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/** The SHA-256 of bytes, as lowercase hex (the form SHA256SUMS, GitHub's asset digests and reports use). */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The SHA-256 of a file, read in 1 MiB chunks so that memory stays flat whatever its size. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The SHA-256 of a file, read in 1 MiB pieces on this thread: for checks that must finish before the next line runs
 * (onnxruntime's files, verified right before they are loaded).
 */
export function sha256FileSync(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The worker's code: hash the file named in workerData and post the hex digest. */
const HASH_WORKER = `
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const hash = createHash('sha256');
createReadStream(workerData.path, { highWaterMark: 1024 * 1024 })
  .on('data', (chunk) => hash.update(chunk))
  .on('error', (error) => { throw error; })
  .on('end', () => parentPort.postMessage(hash.digest('hex')));
`;

/**
 * The SHA-256 of a file computed on another thread, so that hashing a large dataset overlaps with parsing it on
 * this one instead of taking turns with it.
 */
export function sha256FileOffThread(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(HASH_WORKER, { eval: true, workerData: { path } });
    worker.once('message', (digest: string) => resolve(digest));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`hashing ${path} stopped with exit code ${code}`));
    });
  });
}

/** A SHA-256 fed chunk by chunk: on this thread (localHasher) or on another (see ModelScoring.hasher). */
export interface ChunkHasher {
  /** The next bytes; the caller may reuse `chunk` once this returns. */
  update(chunk: Uint8Array): void;
  /** The digest of every byte given, as lowercase hex. */
  hex(): Promise<string>;
}

/** A SHA-256 on this thread. */
function localHasher(): ChunkHasher {
  const hash: Hash = createHash('sha256');
  return { update: (chunk) => hash.update(chunk), hex: async () => hash.digest('hex') };
}

/**
 * The SHA-256 of a file taken from the chunks a read of it goes through (see DatasetReadOptions.onFileBytes): no
 * second read. `digest` checks that every byte went by, and hashes the file itself otherwise (a read that did not
 * take the file whole, or in a way the hook does not see).
 */
export class ReadAlongHash {
  private bytes = 0;

  constructor(
    private readonly path: string,
    private readonly hasher: ChunkHasher = localHasher(),
  ) {}

  update(chunk: Buffer): void {
    this.hasher.update(chunk);
    this.bytes += chunk.length;
  }

  async digest(): Promise<string> {
    return this.bytes === (await stat(this.path)).size ? this.hasher.hex() : sha256File(this.path);
  }
}
