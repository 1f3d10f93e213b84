import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

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
