import { createHash } from 'node:crypto';

/** The SHA-256 of bytes, as lowercase hex (the form SHA256SUMS, GitHub's asset digests and reports use). */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
