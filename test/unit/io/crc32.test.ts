import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Plain } from '../../../src/io/crc32.js';

describe('crc32', () => {
  it('gives the check value of CRC-32/ISO-HDLC for "123456789"', () => {
    expect(crc32Plain(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it.each([0, 1, 7, 1000, 65_537])('gives the same as zlib for %i random bytes (the plain twin)', (length) => {
    const data = randomBytes(length);
    expect(crc32Plain(data)).toBe(crc32(data));
  });
});
