import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unpackArchive } from '../../../src/io/zip-archive.js';

const text = (s: string) => new TextEncoder().encode(s);
const limits = { maxBytes: 10_000, maxEntries: 5, keep: (p: string) => p.endsWith('.json') };

describe('unpackArchive', () => {
  it('keeps only the entries asked for', () => {
    const entries = unpackArchive(zipSync({ 'a/b.json': text('{}'), 'c.txt': text('x') }), 'z', limits);
    expect([...entries.keys()]).toEqual(['a/b.json']);
  });

  it.each([
    ['a parent path', { '../x.json': text('{}') }, /unsafe path/],
    ['an absolute path', { '/etc/x.json': text('{}') }, /unsafe path/],
    ['a zip bomb', { 'big.json': new Uint8Array(1_000_000) }, /more than 10000 bytes/],
    ['too many files', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.json`, text('{}')])), /or 5 files/],
  ])('refuses %s', (_, files, message) => {
    expect(() => unpackArchive(zipSync(files as Record<string, Uint8Array>), 'z', limits)).toThrow(message);
  });

  it('refuses bytes that are not a zip', () => {
    expect(() => unpackArchive(text('not a zip'), 'artifact x', limits)).toThrow(/artifact x: not a readable zip archive/);
  });
});
