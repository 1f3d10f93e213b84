import { open } from 'node:fs/promises';

/** Reading one chunk of this size at a time keeps memory flat whatever the file's size. */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * The bytes of a file from `start`, as chunks read into two buffers that take turns: the next chunk is read while
 * the caller works on this one, and no chunk is allocated after the first two (a stream allocates one per read, and
 * on a large file that garbage, waiting for the collector, is most of the reader's memory). A chunk is valid only
 * until the next one is asked for: callers copy what they keep.
 */
export async function* fileChunks(path: string, start = 0, chunkBytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafeSlow(chunkBytes), Buffer.allocUnsafeSlow(chunkBytes)];
  let position = start;
  let turn = 0;
  let pending = file.read(buffers[0]!, 0, chunkBytes, position);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      position += bytesRead;
      const current = buffers[turn]!;
      turn = 1 - turn;
      pending = file.read(buffers[turn]!, 0, chunkBytes, position);
      yield current.subarray(0, bytesRead);
    }
  } finally {
    // A caller that stops early leaves the read ahead in flight: it settles before the file closes.
    await pending.catch(() => undefined);
    await file.close();
  }
}
