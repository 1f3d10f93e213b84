import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unpackArchive } from '../../../src/io/zip-archive.js';

/** The offset of the first central directory entry of a one-entry zip. */
const centralAt = (zip: Uint8Array) => new DataView(zip.buffer, zip.byteOffset).getUint32(zip.length - 22 + 16, true);

/** Rewrites the sizes of a one-entry zip's central directory. */
function setSizes(zip: Uint8Array, sizes: { compressed?: number; size?: number }): Uint8Array {
  const copy = Uint8Array.from(zip);
  const view = new DataView(copy.buffer);
  const at = centralAt(copy);
  if (sizes.compressed !== undefined) view.setUint32(at + 20, sizes.compressed, true);
  if (sizes.size !== undefined) view.setUint32(at + 24, sizes.size, true);
  return copy;
}

function setFlags(zip: Uint8Array, flags: number): Uint8Array {
  const copy = Uint8Array.from(zip);
  new DataView(copy.buffer).setUint16(centralAt(copy) + 8, flags, true);
  return copy;
}

/** A one-entry zip whose central directory lists its entry twice. */
function duplicate(zip: Uint8Array): Uint8Array {
  const at = centralAt(zip);
  const entry = zip.subarray(at, zip.length - 22);
  const end = Uint8Array.from(zip.subarray(zip.length - 22));
  const view = new DataView(end.buffer);
  view.setUint16(8, 2, true);
  view.setUint16(10, 2, true);
  view.setUint32(12, entry.length * 2, true);
  return new Uint8Array([...zip.subarray(0, at), ...entry, ...entry, ...end]);
}

/**
 * A one-entry zip rewritten as zip64 writes it: the entry's sizes and offset saturated at 0xffffffff with their
 * values in a zip64 extra field, and the end record pointing through a zip64 locator.
 */
function asZip64(zip: Uint8Array): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset);
  const at = centralAt(zip);
  const nameLength = view.getUint16(at + 28, true);
  const central = Uint8Array.from(zip.subarray(at, at + 46 + nameLength));
  const cv = new DataView(central.buffer);
  const [compressed, size, local] = [cv.getUint32(20, true), cv.getUint32(24, true), cv.getUint32(42, true)];
  cv.setUint32(20, 0xffffffff, true);
  cv.setUint32(24, 0xffffffff, true);
  cv.setUint32(42, 0xffffffff, true);
  cv.setUint16(30, 28, true);
  const extra = new DataView(new ArrayBuffer(28));
  extra.setUint16(0, 1, true);
  extra.setUint16(2, 24, true);
  extra.setBigUint64(4, BigInt(size), true);
  extra.setBigUint64(12, BigInt(compressed), true);
  extra.setBigUint64(20, BigInt(local), true);
  const directory = new Uint8Array([...central, ...new Uint8Array(extra.buffer)]);
  const record = new DataView(new ArrayBuffer(56));
  record.setUint32(0, 0x06064b50, true);
  record.setBigUint64(4, 44n, true);
  record.setBigUint64(24, 1n, true);
  record.setBigUint64(32, 1n, true);
  record.setBigUint64(40, BigInt(directory.length), true);
  record.setBigUint64(48, BigInt(at), true);
  const locator = new DataView(new ArrayBuffer(20));
  locator.setUint32(0, 0x07064b50, true);
  locator.setBigUint64(8, BigInt(at + directory.length), true);
  locator.setUint32(16, 1, true);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 0xffff, true);
  end.setUint16(10, 0xffff, true);
  end.setUint32(12, 0xffffffff, true);
  end.setUint32(16, 0xffffffff, true);
  return new Uint8Array([
    ...zip.subarray(0, at),
    ...directory,
    ...new Uint8Array(record.buffer),
    ...new Uint8Array(locator.buffer),
    ...new Uint8Array(end.buffer),
  ]);
}

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
    [
      'too many files',
      Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.json`, text('{}')])),
      /or 5 files/,
    ],
  ])('refuses %s', (_, files, message) => {
    expect(() => unpackArchive(zipSync(files as Record<string, Uint8Array>), 'z', limits)).toThrow(message);
  });

  it('reads stored and deflated entries, zip64 ones included, and UTF-8 names', () => {
    const big = new Uint8Array(5000).fill(7);
    const plain = unpackArchive(
      zipSync({
        'stored.json': [text('{"a":1}'), { level: 0 }],
        'packed.json': big,
        'dossier/résumé.json': text('[]'),
      }),
      'z',
      limits,
    );
    expect(plain.get('stored.json')).toEqual(text('{"a":1}'));
    expect(plain.get('packed.json')).toEqual(big);
    expect(plain.get('dossier/résumé.json')).toEqual(text('[]'));
    expect(unpackArchive(asZip64(zipSync({ 'a.json': text('{}') }, { level: 0 })), 'z', limits).get('a.json')).toEqual(
      text('{}'),
    );
  });

  it.each([
    [
      'a stored entry longer than declared',
      (zip: Uint8Array) => setSizes(zip, { size: 1 }),
      /entry "a\.json" holds more than the 1 bytes its header declares/,
    ],
    [
      'a stored entry whose data runs past the end',
      (zip: Uint8Array) => setSizes(zip, { compressed: 1000, size: 1000 }),
      /entry "a\.json" runs past the end of the archive/,
    ],
    ['an encrypted entry', (zip: Uint8Array) => setFlags(zip, 1), /entry "a\.json" is encrypted/],
    ['two entries of one path', (zip: Uint8Array) => zip, /holds "a\.json" twice/],
  ])('refuses %s', (name, change, message) => {
    const files: Record<string, Uint8Array> = { 'a.json': text('{"x":1}') };
    const zip = name.startsWith('two') ? duplicate(zipSync(files, { level: 0 })) : change(zipSync(files, { level: 0 }));
    expect(() => unpackArchive(zip, 'z', limits)).toThrow(message);
  });

  it('refuses bytes that are not a zip', () => {
    expect(() => unpackArchive(text('not a zip'), 'artifact x', limits)).toThrow(
      /artifact x: not a readable zip archive/,
    );
  });
});
