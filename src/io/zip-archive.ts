import { unzipSync } from 'fflate';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { ConfigurationError } from '../core/errors.js';

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
 * (a zip bomb is refused before it is inflated), and only paths that stay inside the archive.
 */
export function unpackArchive(bytes: Uint8Array, source: string, limits: ArchiveLimits): Map<string, Uint8Array> {
  let total = 0;
  let entries = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (file.name.endsWith('/') || !limits.keep(file.name)) return false;
        safeEntryPath(file.name, source);
        total += file.originalSize;
        entries++;
        if (total > limits.maxBytes || entries > limits.maxEntries) {
          throw new ConfigurationError(`${source}: the archive unpacks to more than ${limits.maxBytes} bytes or ${limits.maxEntries} files; keep only the mlgate reports in it`);
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`${source}: not a readable zip archive (${error instanceof Error ? error.message : String(error)})`);
  }
  const result = new Map<string, Uint8Array>();
  let unpacked = 0;
  for (const [name, data] of Object.entries(files)) {
    unpacked += data.byteLength;
    if (unpacked > limits.maxBytes) throw new ConfigurationError(`${source}: the archive unpacks to more than ${limits.maxBytes} bytes`);
    result.set(safeEntryPath(name, source), data);
  }
  return result;
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
  if (path.startsWith('/') || path.startsWith(`..${sep}`) || path === '..' || /^[A-Za-z]:/.test(path) || path.includes('\0')) {
    throw new ConfigurationError(`${source}: the archive holds an unsafe path "${name.slice(0, 100)}"; it was not unpacked`);
  }
  return path;
}
