import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ConfigurationError } from '../core/errors.js';
import { crc32 } from './crc32.js';

export interface ArchiveLimits {
  /** Total bytes all kept entries may unpack to. */
  maxBytes: number;
  /** Entries kept at most. */
  maxEntries: number;
  /** Which entries to keep, by their path inside the archive. */
  keep: (path: string) => boolean;
}

/**
 * Unpacks an untrusted zip archive into memory: only entries `keep` accepts, within size and count limits
 * (a zip bomb is refused before it is inflated), and only paths that stay inside the archive. Every entry is
 * inflated against the size its header declares, stopping as soon as it would pass it, and checked against its
 * CRC-32, so that an entry whose header lies is an error naming it rather than a file silently cut short.
 */
export function unpackArchive(bytes: Uint8Array, source: string, limits: ArchiveLimits): Map<string, Uint8Array> {
  let entries: ZipEntry[];
  try {
    entries = readCentralDirectory(bytes);
  } catch (error) {
    throw new ConfigurationError(
      `${source}: not a readable zip archive (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const kept = entries.filter((entry) => !entry.name.endsWith('/') && limits.keep(entry.name));
  const declared = kept.reduce((sum, entry) => sum + entry.size, 0);
  if (declared > limits.maxBytes || kept.length > limits.maxEntries) {
    throw new ConfigurationError(
      `${source}: the archive unpacks to more than ${limits.maxBytes} bytes or ${limits.maxEntries} files; keep only the mlgate reports in it`,
    );
  }
  const result = new Map<string, Uint8Array>();
  for (const entry of kept) {
    const path = safeEntryPath(entry.name, source);
    if (result.has(path))
      throw new ConfigurationError(
        `${source}: the archive holds "${entry.name.slice(0, 100)}" twice; it was not unpacked`,
      );
    result.set(path, inflateEntry(bytes, entry, source));
  }
  return result;
}

/** One file as the zip's central directory describes it. */
interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  /** The uncompressed size the header declares. */
  size: number;
  localOffset: number;
}

const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED = 0x1;
const UTF8_NAME = 0x800;

/** An entry's bytes: inflated no further than its declared size, which they must fill exactly, with its CRC-32. */
function inflateEntry(bytes: Uint8Array, entry: ZipEntry, source: string): Uint8Array {
  const fail = (problem: string) =>
    new ConfigurationError(
      `${source}: entry "${entry.name.slice(0, 100)}" ${problem}; the archive is damaged or was tampered with, and was not unpacked`,
    );
  if (entry.flags & ENCRYPTED) throw fail('is encrypted');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50)
    throw fail('has no local header where the directory says');
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length) throw fail('runs past the end of the archive');
  const compressed = bytes.subarray(start, start + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === STORED) {
    data = compressed;
  } else if (entry.method === DEFLATED) {
    try {
      // zlib stops with ERR_BUFFER_TOO_LARGE as soon as its output passes the bound: a lying header costs no more
      // than the declared size's worth of work.
      data = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw fail(`inflates to more than the ${entry.size} bytes its header declares`);
      throw fail(`does not inflate (${(error as Error).message})`);
    }
  } else {
    throw fail(`uses compression method ${entry.method} (only stored and deflated are read)`);
  }
  if (data.length !== entry.size)
    throw fail(
      `${data.length > entry.size ? 'holds more than' : `inflates to ${data.length} bytes, not`} the ${entry.size} bytes its header declares`,
    );
  const actual = crc32(data);
  if (actual !== entry.crc) throw fail(`has CRC-32 ${hex(actual)}, not the ${hex(entry.crc)} its header declares`);
  // A plain Uint8Array view (zlib answers with a Buffer), whichever way the entry was stored.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The entries listed in the central directory (zip64 included), in order. */
function readCentralDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes, then a comment of up to 65,535.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('no end of central directory');
  let count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50)
      throw new Error('a zip64 archive without its locator');
    const record = safeNumber(view.getBigUint64(locator + 8, true));
    if (record + 56 > bytes.length || view.getUint32(record, true) !== 0x06064b50)
      throw new Error('no zip64 end of central directory');
    count = safeNumber(view.getBigUint64(record + 32, true));
    offset = safeNumber(view.getBigUint64(record + 48, true));
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50)
      throw new Error(`central directory entry ${i + 1} is damaged`);
    const flags = view.getUint16(offset + 8, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const nameBytes = bytes.subarray(offset + 46, offset + 46 + nameLength);
    const entry: ZipEntry = {
      name: Buffer.from(nameBytes).toString(flags & UTF8_NAME ? 'utf8' : 'latin1'),
      flags,
      method: view.getUint16(offset + 10, true),
      crc: view.getUint32(offset + 16, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localOffset: view.getUint32(offset + 42, true),
    };
    readZip64Extra(view, offset + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces the 32-bit fields saturated at 0xffffffff with their zip64 values, in the order the format gives them. */
function readZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  const fields = (['size', 'compressedSize', 'localOffset'] as const).filter((field) => entry[field] === 0xffffffff);
  if (fields.length === 0) return;
  for (let at = start; at + 4 <= start + length; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      fields.forEach((field, i) => {
        if (8 * (i + 1) > size) throw new Error(`the zip64 field of ${entry.name.slice(0, 100)} is too short`);
        entry[field] = safeNumber(view.getBigUint64(at + 4 + 8 * i, true));
      });
      return;
    }
    at += 4 + size;
  }
  throw new Error(`${entry.name.slice(0, 100)} has no zip64 sizes`);
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('an offset or size past 2^53');
  return Number(value);
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** Writes unpacked entries below `folder`; every path was checked to stay inside it. */
export async function writeArchiveEntries(entries: Map<string, Uint8Array>, folder: string): Promise<void> {
  for (const [path, data] of entries) {
    const target = join(folder, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
  }
}

/** An entry's path normalised, or an error when it would escape the folder it is unpacked into. */
function safeEntryPath(name: string, source: string): string {
  const path = normalize(name.replace(/\\/g, '/'));
  if (
    path.startsWith('/') ||
    path.startsWith(`..${sep}`) ||
    path === '..' ||
    /^[A-Za-z]:/.test(path) ||
    path.includes('\0')
  ) {
    throw new ConfigurationError(
      `${source}: the archive holds an unsafe path "${name.slice(0, 100)}"; it was not unpacked`,
    );
  }
  return path;
}
