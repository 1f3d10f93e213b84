import { open } from 'node:fs/promises';
import { MAX_ROW_BYTES, parseHeaderRow } from './delimited.js';
import type { QuoteMode } from './read-settings.js';

/** A delimited file's header: its names, the byte where the rows begin, and the lines it takes. */
export interface DelimitedHeader {
  names: string[];
  dataStart: number;
  lines: number;
}

/**
 * Reads only the header of an uncompressed CSV or TSV file, for readers that then start at a byte inside the rows.
 * Undefined when the header cannot be read this way (the full read then reports the problem with its line).
 */
export async function readDelimitedHeader(
  path: string,
  delimiter: string,
  name: string,
  quote: QuoteMode = 'strict',
): Promise<DelimitedHeader | undefined> {
  const handle = await open(path);
  try {
    const size = Math.min(MAX_ROW_BYTES, 1024 * 1024);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(size), 0, size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const parsed = parseHeaderRow(bytes, bom, bytesRead < size, delimiter.charCodeAt(0), name, 1, quote === 'lenient');
    return parsed ? { names: parsed.names, dataStart: parsed.next, lines: parsed.lines } : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
