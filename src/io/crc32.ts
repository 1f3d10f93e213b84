import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, the zip and gzip checksum), a byte at a time from a 256-entry table (Sarwate, 1988).
 * The plain twin of zlib's, for Node versions before 20.15 that lack `zlib.crc32`.
 *
 * @example crc32Plain(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32Plain(data: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `data`: zlib's (several GB/s) where Node has it, else crc32Plain. */
export function crc32(data: Uint8Array): number {
  return typeof zlib.crc32 === 'function' ? zlib.crc32(data) : crc32Plain(data);
}
