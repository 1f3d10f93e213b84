import { DataError } from '../../core/errors.js';
import type { DecodeAs, RecordBatch, TextDictionary } from '../../core/data/batch.js';
import { columnFromValues } from './value-columns.js';

export interface JsonLinesOptions {
  name: string;
  decodeAs: (columns: readonly string[]) => DecodeAs[];
  dictionary: (column: string) => TextDictionary;
  batchRows?: number;
  /**
   * Read only the records at these positions (0 = the first record; blank lines do not count): the others are not
   * parsed.
   */
  keep?: (position: number) => boolean;
}

/**
 * Reads JSON Lines: one JSON object per line. The columns are the first record's keys; a later record may leave
 * some out (null) but may not bring new ones. Blank lines are skipped.
 */
export async function* readJsonLines(
  lines: AsyncIterable<string>,
  options: JsonLinesOptions,
): AsyncGenerator<RecordBatch | { header: string[] }> {
  const batchRows = options.batchRows ?? 16_384;
  let header: string[] | undefined;
  let index = new Map<string, number>();
  let decodeAs: DecodeAs[] = [];
  let cells: unknown[][] = [];
  let lineNumbers: number[] = [];
  // A record's identity is its position in the file, whichever records this read keeps.
  let positions: number[] = [];
  let lineNumber = 0;
  let position = -1;
  const flush = (): RecordBatch => {
    const batch: RecordBatch = {
      file: options.name,
      rowIds: Float64Array.from(positions),
      length: lineNumbers.length,
      lines: Float64Array.from(lineNumbers),
      columns: header!.flatMap((name, c) =>
        decodeAs[c] === 'skip'
          ? []
          : [
              columnFromValues(
                name,
                decodeAs[c]!,
                cells[c]!,
                decodeAs[c] === 'text' || decodeAs[c] === 'auto' ? options.dictionary(name) : undefined,
              ),
            ],
      ),
    };
    cells = header!.map(() => []);
    lineNumbers = [];
    positions = [];
    return batch;
  };
  for await (const raw of lines) {
    lineNumber++;
    const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    position++;
    // The first record names the columns, so it is parsed whoever keeps it.
    if (header && options.keep && !options.keep(position)) continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      const detail =
        error instanceof Error
          ? error.message.replace(/,? ".*" is not valid JSON/, '').replace(/ in JSON at position \d+.*/, '')
          : '';
      throw new DataError(
        `${options.name}:${lineNumber}: not valid JSON (${detail.charAt(0).toLowerCase()}${detail.slice(1)}); each line must be one JSON object`,
        { file: options.name, line: lineNumber },
      );
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new DataError(`${options.name}:${lineNumber}: each line must be a JSON object with one key per column`, {
        file: options.name,
        line: lineNumber,
      });
    }
    if (!header) {
      header = Object.keys(record);
      index = new Map(header.map((k, i) => [k, i]));
      decodeAs = options.decodeAs(header);
      cells = header.map(() => []);
      yield { header };
      if (options.keep && !options.keep(position)) continue;
    }
    const row = lineNumbers.length;
    for (const [key, value] of Object.entries(record)) {
      const c = index.get(key);
      if (c === undefined) {
        throw new DataError(
          `${options.name}:${lineNumber}: key "${key}" is not in the first record; JSON Lines records must share their keys (add it to the first record, with null)`,
          {
            file: options.name,
            line: lineNumber,
          },
        );
      }
      cells[c]![row] = value;
    }
    lineNumbers.push(lineNumber);
    positions.push(position);
    if (lineNumbers.length >= batchRows) yield flush();
  }
  if (!header) throw new DataError(`${options.name}: the file is empty; JSON Lines needs one JSON object per line`);
  if (lineNumbers.length > 0) yield flush();
}
