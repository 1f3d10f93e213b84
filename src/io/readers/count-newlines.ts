import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The newlines in the first `end` bytes of a file. Synchronous: called only to state a line number in a message,
 * from code that cannot wait.
 */
export function countNewlines(path: string, end: number): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let count = 0;
  try {
    for (let at = 0; at < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (read === 0) break;
      for (let i = buffer.indexOf(10, 0); i >= 0 && i < read; i = buffer.indexOf(10, i + 1)) count++;
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return count;
}
