import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

const BLOCK = 512;
/** rwxr-xr-x at most: no group or world write, no setuid, setgid or sticky bit. */
const SAFE_MODE = 0o755;
/** The installer hashes every file it wrote, whatever mode the archive gave it. */
const OWNER_READ = 0o400;

/**
 * Extracts the regular files of a tar stream (ustar, with pax and GNU long names, as npm packs packages) that
 * `keep` accepts, as `rename(name)` under `target`, writing each as its bytes arrive so that a 300 MB package never
 * sits in unpacked form in memory. Names that would escape `target` are refused. Each file gets the permissions its
 * header gives, less any write permission for others than the owner and the setuid, setgid and sticky bits: a
 * file is executable only where the archive says so. Returns the names written.
 */
export async function extractTar(
  chunks: AsyncIterable<Uint8Array>,
  target: string,
  keep: (name: string) => string | undefined,
): Promise<string[]> {
  const written: string[] = [];
  let pending = Buffer.alloc(0);
  let longName: string | undefined;
  // The entry being read: bytes still to come, padding after them, and where they go (undefined: skipped).
  let remaining = 0;
  let padding = 0;
  let fd: number | undefined;
  let collect: Buffer[] | undefined;
  let collectKind: 'x' | 'L' = 'x';
  let ended = false;

  const finishEntry = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };

  for await (const chunk of chunks) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    let offset = 0;
    while (!ended) {
      if (remaining > 0) {
        const take = Math.min(remaining, pending.length - offset);
        if (take === 0) break;
        const piece = pending.subarray(offset, offset + take);
        if (fd !== undefined) writeSync(fd, piece);
        collect?.push(Buffer.from(piece));
        offset += take;
        remaining -= take;
        if (remaining > 0) break;
        finishEntry();
        continue;
      }
      if (padding > 0) {
        const skip = Math.min(padding, pending.length - offset);
        offset += skip;
        padding -= skip;
        if (padding > 0) break;
      }
      if (collect) {
        // A pax or GNU long-name header's body has been read: it names the next entry.
        longName = longNameOf(Buffer.concat(collect), collectKind);
        collect = undefined;
      }
      if (pending.length - offset < BLOCK) break;
      const header = pending.subarray(offset, offset + BLOCK);
      offset += BLOCK;
      if (header.every((b) => b === 0)) {
        ended = true;
        break;
      }
      const size = parseOctal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156]!);
      const name = longName ?? joinUstarName(header);
      longName = undefined;
      remaining = size;
      padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if (type === 'x' || type === 'L') {
        collect = [];
        collectKind = type;
      } else if (type === '0' || type === '\0') {
        const destination = keep(name);
        if (destination !== undefined) {
          const path = safeJoin(target, destination);
          mkdirSync(dirname(path), { recursive: true });
          fd = openSync(path, 'w', (parseOctal(header.subarray(100, 108)) & SAFE_MODE) | OWNER_READ);
          written.push(destination);
          if (size === 0) finishEntry();
        }
      }
      if (remaining === 0 && !collect) finishEntry();
    }
    pending = pending.subarray(offset);
  }
  finishEntry();
  if (remaining > 0) throw new Error('the archive ends in the middle of a file');
  return written;
}

function longNameOf(body: Buffer, kind: 'x' | 'L'): string | undefined {
  if (kind === 'L') return body.toString('utf8').replace(/\0+$/, '');
  // pax records: "<length> key=value\n"
  for (const record of body.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}

function joinUstarName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function parseOctal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  return text ? Number.parseInt(text, 8) : 0;
}

/** `target/name`, refusing absolute names and `..` that would leave target. */
function safeJoin(target: string, name: string): string {
  const relative = normalize(name);
  if (relative.startsWith('..') || relative.startsWith(sep) || /^[a-zA-Z]:/.test(relative))
    throw new Error(`the archive holds a path outside its folder: ${name}`);
  return join(target, relative);
}
