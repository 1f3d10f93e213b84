import { isUtf8 } from 'node:buffer';
import { DataError } from '../../core/errors.js';
import {
  INVALID,
  NULL,
  VALUE,
  type DecodeAs,
  type RecordBatch,
  type TextDictionary,
  type WritableColumnData,
} from '../../core/data/batch.js';
import { DEFAULT_NULL_VALUES, parseBoolText, parseDatetimeText } from '../../core/data/cell-text.js';
import { isNanText, latin1, parseNumberBytes, utf8 } from './parse-cells.js';
import { delimiterName, type Decimal, type QuoteMode } from './read-settings.js';

const QUOTE = 34;
const POINT = 46;
const COMMA = 44;
const LF = 10;
const CR = 13;
const NEWLINE = Buffer.from([LF]);

/** A row longer than this is refused: it is almost always a quote that never closes or the wrong delimiter. */
export const MAX_ROW_BYTES = 4 * 1024 * 1024;

export interface DelimitedOptions {
  /** The file as the user named it, for messages. */
  name: string;
  delimiter: string;
  /** The decimal separator of numbers: '.' (the default) or ','. */
  decimal?: Decimal;
  /** strict (the default): a quote inside an unquoted field is an error; lenient: it is text. */
  quote?: QuoteMode;
  /** How to decode each column, given the header. */
  decodeAs: (columns: readonly string[]) => DecodeAs[];
  /** Dictionaries for text columns, shared by all files of a dataset. */
  dictionary: (column: string) => TextDictionary;
  nullValues?: readonly string[];
  /**
   * Read only part of the file, for parallel reading: the chunks start at byte `start` of the file, the header is
   * given instead of read, and rows starting at or after byte `stop` are left to the next part. When `start` may
   * fall inside a row, `align` skips to the first line start at or after it. Lines are then counted from 0 at the
   * first row read (the caller adds the lines before it).
   */
  range?: { start: number; stop: number; header: string[]; align: boolean };
  /** Told where reading stopped: the byte after the last row read, and the lines (newlines) read. */
  onEnd?: (end: { firstRowStart: number; lastRowEnd: number; lines: number }) => void;
}

/** Where each cell of a chunk's rows starts and ends (row-major), and the line each row starts on. */
type Cells = {
  starts: Int32Array;
  ends: Int32Array;
  escaped: Uint8Array;
  lines: Float64Array;
  rowStarts: Float64Array;
  numbers: Float64Array;
};

function allocateCells(rows: number, columns: number): Cells {
  return {
    starts: new Int32Array(rows * columns),
    ends: new Int32Array(rows * columns),
    escaped: new Uint8Array(rows * columns),
    lines: new Float64Array(rows),
    rowStarts: new Float64Array(rows),
    numbers: new Float64Array(rows * columns),
  };
}

const POW10 = Float64Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * The most cells one batch holds: a chunk's rows go out in batches of at most this many cells, so that a batch's
 * arrays stay small. Measured on the 1M-row benches: the same speed as a batch per 1 MiB chunk, 5-20 MB less peak
 * memory in validate-data and evaluate.
 */
const MAX_BATCH_CELLS = 1 << 15;

/**
 * Reads CSV or TSV (RFC 4180: quoted fields with delimiters, newlines and doubled quotes inside; a UTF-8 BOM; LF or
 * CRLF) from a stream of byte chunks into columnar batches (a chunk's complete rows, in one batch or a few), holding
 * one chunk and one batch at a time.
 * The first row is the header. Blank lines are skipped. Structural problems (a ragged row, a quote that never
 * closes, invalid UTF-8) stop the read with a DataError naming the file and line.
 */
export async function* readDelimited(
  chunks: AsyncIterable<Buffer>,
  options: DelimitedOptions,
): AsyncGenerator<RecordBatch | { header: string[] }> {
  const delimiter = options.delimiter.charCodeAt(0);
  if (options.delimiter.length !== 1 || delimiter > 127)
    throw new DataError(`${options.name}: the delimiter must be one ASCII character (got "${options.delimiter}")`);
  const nulls = new Set(options.nullValues ?? DEFAULT_NULL_VALUES);
  const point = options.decimal === ',' ? COMMA : POINT;
  const lenient = options.quote === 'lenient';
  if (point === delimiter)
    throw new DataError(
      `${options.name}: the decimal separator and the delimiter are both "${options.delimiter}"; set another delimiter`,
    );
  const { range } = options;
  let header: string[] | undefined;
  let decodeAs: DecodeAs[] = [];
  let dictionaries: (TextDictionary | undefined)[] = [];
  // Per column: 0 not read as a number, 1 read as a number only, 2 as a number and as text (`auto`).
  let numeric = new Uint8Array(0);
  let arrays = new BatchArrays([]);
  let carry: Buffer | undefined;
  let line = range ? 0 : 1;
  // The file offset of the current buffer's first byte, which makes row ids offsets in the file.
  let offset = range ? range.start : 0;
  let aligning = range?.align ?? false;
  let regionStart = -1;
  let stopped = false;
  let rowsSoFar = 0;
  let first = true;
  let cells = allocateCells(0, 1);
  // Bytes per row so far, to size the cell arrays: a first guess of 64 bytes, then measured.
  let rowBytes = 64;

  const useHeader = function* (names: string[]): Generator<{ header: string[] }> {
    header = names;
    decodeAs = options.decodeAs(header);
    dictionaries = header.map((name, i) =>
      decodeAs[i] === 'text' || decodeAs[i] === 'auto' ? options.dictionary(name) : undefined,
    );
    numeric = Uint8Array.from(decodeAs, (as) => (as === 'number' ? 1 : as === 'auto' ? 2 : 0));
    arrays = new BatchArrays(decodeAs);
    yield { header };
  };
  if (range) yield* useHeader(range.header);

  const process = function* (buffer: Buffer, final: boolean): Generator<RecordBatch | { header: string[] }, number> {
    let pos = 0;
    // The BOM is looked for in the first whole line (a chunk before it may hold none, and comes back with more).
    if (first && buffer.length > 0) {
      first = false;
      if (!range && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) pos = 3;
    }
    if (aligning) {
      // A part that may start inside a row begins after the first newline.
      const newline = buffer.indexOf(LF);
      if (newline < 0) return final ? buffer.length : 0;
      pos = newline + 1;
      aligning = false;
    }
    if (!header) {
      const parsed = parseHeaderRow(buffer, pos, final, delimiter, options.name, line, lenient);
      if (!parsed) return pos;
      line += parsed.lines;
      pos = parsed.next;
      yield* useHeader(parsed.names);
    }
    if (regionStart < 0) regionStart = offset + pos;
    const columns = header!.length;
    for (;;) {
      // Room for the rows the rest of the buffer probably holds, judged by the rows so far; a scan that fills it
      // stops, its batch goes out, and the next scan goes on from there. A row takes at least a byte per column.
      const likely = Math.ceil(((buffer.length - pos) / rowBytes) * 1.25) + 16;
      const capacity = Math.min(
        Math.floor((buffer.length - pos) / columns) + 1,
        likely,
        Math.max(64, Math.floor(MAX_BATCH_CELLS / columns)),
      );
      if (cells.lines.length < capacity) cells = allocateCells(capacity, columns);
      const scan = scanRows(
        buffer,
        pos,
        final,
        delimiter,
        point,
        lenient,
        numeric,
        cells,
        line,
        options.name,
        offset,
        range?.stop ?? Number.POSITIVE_INFINITY,
      );
      line = scan.line;
      stopped = scan.stopped;
      if (scan.rows > 0) {
        yield decodeBatch(
          buffer,
          cells,
          scan.rows,
          header!,
          decodeAs,
          dictionaries,
          nulls,
          point,
          options.name,
          offset,
          arrays,
        );
        rowsSoFar += scan.rows;
        rowBytes = Math.max(1, (scan.consumed - pos) / scan.rows);
      }
      pos = scan.consumed;
      if (!scan.full) return pos;
    }
  };

  // The carried bytes and each chunk are copied into one buffer, reused while it is large enough: chunks may be
  // reused by their source once the next is asked for, and a fresh buffer per chunk is garbage at the read's pace.
  let work = Buffer.allocUnsafeSlow(0);
  for await (const chunk of chunks) {
    const carried = carry?.length ?? 0;
    if (work.length < carried + chunk.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(carried + chunk.length, 2 * work.length));
      if (carried > 0) carry!.copy(grown, 0);
      work = grown;
    } else if (carried > 0) carry!.copy(work, 0);
    chunk.copy(work, carried);
    const buffer = work.subarray(0, carried + chunk.length);
    const lineAtStart = line;
    if (first && !range) checkNotBinary(buffer, options.name);
    // Checked before decoding: text cells are decoded without checks, so invalid bytes must be caught here.
    const complete = buffer.subarray(0, lastLineEnd(buffer));
    if (!isUtf8(complete)) throw invalidUtf8(options.name, complete, lineAtStart);
    // Only whole lines are scanned, so that the scan's loops can rely on a newline to stop them.
    const consumed = yield* process(complete, false);
    offset += consumed;
    carry = buffer.subarray(consumed);
    if (stopped) break;
    if (carry.length > MAX_ROW_BYTES) throw tooLong(options.name, line);
  }
  if (!stopped && carry && carry.length > 0) {
    if (!isUtf8(carry)) throw invalidUtf8(options.name, carry, line);
    // The last line gets the newline a scan relies on, when the file has none at its end.
    const last = carry[carry.length - 1] === LF ? carry : Buffer.concat([carry, NEWLINE]);
    offset += Math.min(yield* process(last, true), carry.length);
  }
  options.onEnd?.({ firstRowStart: regionStart < 0 ? offset : regionStart, lastRowEnd: offset, lines: line });
  if (range) return;
  if (first)
    throw new DataError(`${options.name}: the file is empty; a data file needs a header row naming its columns`);
  if (!header) throw new DataError(`${options.name}: the file holds no header row`);
  if (rowsSoFar === 0) throw new DataError(`${options.name}: the file has a header but no rows`);
}

/**
 * Finds the cells of every complete row in `buffer` from `pos`. A plain function, not a generator, so that V8
 * optimises the byte loop fully. Returns how many rows it found, where the complete rows end, and the next line.
 *
 * Cells of numeric columns are parsed while they are scanned, each byte read once: a plain decimal (optional minus
 * sign, at most 15 digits, `point` the decimal separator) goes straight into `numbers`; anything else (empty, null
 * texts, exponents, junk) is NaN there, and decodeNumbers takes the slow path for it.
 *
 * Quotes follow RFC 4180, more strictly than Python's csv module (which keeps reading after a closing quote):
 * `1,"new"york` is ['1', 'newyork'] to Python (strict=True: "',' expected after '\"'") and an error here; `"20.5"x`
 * is '20.5x' to Python and an error here; `ab"c` is 'ab"c' to Python (even strict=True) and an error here unless
 * `lenient`, which reads it as Python does.
 */
function scanRows(
  buffer: Buffer,
  pos: number,
  final: boolean,
  delimiter: number,
  point: number,
  lenient: boolean,
  numeric: Uint8Array,
  cells: Cells,
  firstLine: number,
  name: string,
  offset: number,
  stopAt: number,
): { rows: number; consumed: number; line: number; stopped: boolean; full: boolean } {
  const columns = numeric.length;
  const { starts, ends, escaped, lines, rowStarts, numbers } = cells;
  const capacity = lines.length;
  let stopped = false;
  let full = false;
  const length = buffer.length;
  let rows = 0;
  let line = firstLine;
  // Bytes up to here are whole rows (or skipped blank lines); an incomplete row is carried to the next chunk.
  let consumed = pos;
  // The next quote in the chunk: rows before it take the fast path, which need not look for quotes.
  let nextQuote = indexOrEnd(buffer, QUOTE, pos);
  rowLoop: while (pos < length) {
    if (offset + pos >= stopAt) {
      stopped = true;
      break;
    }
    if (rows === capacity) {
      full = true;
      break;
    }
    if (buffer[pos] === LF || (buffer[pos] === CR && buffer[pos + 1] === LF)) {
      pos += buffer[pos] === CR ? 2 : 1;
      line++;
      consumed = pos;
      continue;
    }
    if (nextQuote < pos) nextQuote = indexOrEnd(buffer, QUOTE, pos);
    if (nextQuote > pos) {
      // Fast path: the row is scanned as if it held no quote, each byte once, its end found as it comes; a row that
      // turns out to hold one (past the next quote) is scanned again by the full parser below. The buffer ends with
      // a newline (see readDelimited), which stops every loop here: none needs to check for the buffer's end.
      const base = rows * columns;
      let field = 0;
      let p = pos;
      let c = 0;
      let quoted = false;
      for (;;) {
        const start = p;
        if (field >= columns) {
          if (nextQuote < indexOrEnd(buffer, LF, p)) {
            quoted = true;
            break;
          }
          throw ragged(name, line, countFields(buffer, pos, delimiter), columns);
        }
        const kind = numeric[field]!;
        if (kind !== 0) {
          // The sign is taken without a branch: signs of data are as good as random, a branch on one mispredicted.
          const negative = +(buffer[p] === 45);
          p += negative;
          // The whole and fraction digits are gathered as int32s (at most 9 each, so they cannot overflow), one
          // integer multiply-add a digit, and joined once: whole * 10^scale + fraction is exact below 2^53.
          const wholeStart = p;
          let whole = 0;
          while (((c = buffer[p]!) - 48) >>> 0 <= 9) {
            whole = (whole * 10 + (c - 48)) | 0;
            p++;
          }
          const wholeDigits = p - wholeStart;
          let fraction = 0;
          let scale = 0;
          if (c === point) {
            const fractionStart = ++p;
            while (((c = buffer[p]!) - 48) >>> 0 <= 9) {
              fraction = (fraction * 10 + (c - 48)) | 0;
              p++;
            }
            scale = p - fractionStart;
          }
          if (
            wholeDigits + scale > 0 &&
            wholeDigits <= 9 &&
            scale <= 9 &&
            wholeDigits + scale <= 15 &&
            (c === delimiter || c === LF || (c === CR && buffer[p + 1] === LF))
          ) {
            // Times -1 for a minus sign: exact, and -0 stays -0.
            numbers[base + field] = ((whole * POW10[scale]! + fraction) / POW10[scale]!) * (1 - 2 * negative);
            if (kind === 1 && c !== CR) {
              // A parsed number's text is not needed: only cells that did not parse are read again.
              field++;
              if (c === LF) break;
              p++;
              continue;
            }
          } else numbers[base + field] = Number.NaN;
        }
        while ((c = buffer[p]!) !== delimiter && c !== LF) p++;
        starts[base + field] = start;
        ends[base + field] = c === LF && p > start && buffer[p - 1] === CR ? p - 1 : p;
        escaped[base + field] = 0;
        field++;
        if (c === LF) break;
        p++;
      }
      if (!quoted && nextQuote >= p) {
        if (p - pos > MAX_ROW_BYTES) throw tooLong(name, line);
        if (field !== columns) throw ragged(name, line, field, columns);
        lines[rows] = line;
        rowStarts[rows] = pos;
        line++;
        rows++;
        pos = p + 1;
        consumed = pos;
        continue;
      }
    }
    const rowStart = pos;
    let newlines = 0;
    let field = 0;
    const base = rows * columns;
    for (;;) {
      let start = pos;
      let end: number;
      let hasEscapes = 0;
      if (buffer[pos] === QUOTE) {
        start = ++pos;
        for (;;) {
          if (pos >= length) {
            if (!final) break rowLoop;
            throw new DataError(
              `${name}:${line}: a quoted field never closes before the end of the file; the file may be cut short, or a quote is missing`,
              { file: name, line },
            );
          }
          const c = buffer[pos]!;
          if (c === QUOTE) {
            if (buffer[pos + 1] === QUOTE) {
              hasEscapes = 1;
              pos += 2;
              continue;
            }
            break;
          }
          if (c === LF) newlines++;
          pos++;
        }
        end = pos++;
        if (field < columns) numbers[base + field] = Number.NaN;
        // The buffer ends with a newline, so a byte follows the closing quote: it must end the field.
        const after = buffer[pos];
        if (after !== delimiter && after !== LF && !(after === CR && buffer[pos + 1] === LF))
          throw textAfterQuote(name, line + newlines, buffer, start, pos, delimiter);
      } else {
        let c = 0;
        if (numeric[field] !== 0 && field < columns) {
          let negative = false;
          if (buffer[pos] === 45) {
            negative = true;
            pos++;
          }
          let mantissa = 0;
          let digits = 0;
          let scale = -1;
          while (pos < length) {
            c = buffer[pos]!;
            const d = c - 48;
            if (d >>> 0 <= 9) {
              mantissa = mantissa * 10 + d;
              digits++;
              if (scale >= 0) scale++;
            } else if (c === point && scale < 0) scale = 0;
            else break;
            pos++;
          }
          let value = Number.NaN;
          if (
            digits > 0 &&
            digits <= 15 &&
            (pos >= length || c === delimiter || c === LF || (c === CR && buffer[pos + 1] === LF))
          ) {
            value = scale > 0 ? mantissa / POW10[scale]! : mantissa;
            if (negative) value = -value;
          }
          numbers[base + field] = value;
        }
        while (pos < length && (c = buffer[pos]!) !== delimiter && c !== LF) {
          if (c === QUOTE && !lenient) throw quoteInField(name, line + newlines, buffer, start, delimiter);
          pos++;
        }
        if (pos >= length && !final) break rowLoop;
        end = pos > start && buffer[pos - 1] === CR && (pos >= length || buffer[pos] === LF) ? pos - 1 : pos;
      }
      if (field >= columns) throw ragged(name, line, countFields(buffer, rowStart, delimiter), columns);
      starts[base + field] = start;
      ends[base + field] = end;
      escaped[base + field] = hasEscapes;
      field++;
      if (pos < length && buffer[pos] === delimiter) {
        pos++;
        if (pos >= length && !final) break rowLoop;
        continue;
      }
      if (pos < length) pos++; // the LF
      break;
    }
    if (pos - rowStart > MAX_ROW_BYTES) throw tooLong(name, line);
    if (field !== columns) throw ragged(name, line, field, columns);
    lines[rows] = line;
    rowStarts[rows] = rowStart;
    line += 1 + newlines;
    rows++;
    consumed = pos;
  }
  return { rows, consumed, line, stopped, full };
}

/** The header row at `pos`: its names (split by the rows' quoting rules), where the rows start, and its lines. */
export function parseHeaderRow(
  buffer: Buffer,
  pos: number,
  final: boolean,
  delimiter: number,
  name: string,
  line: number,
  lenient = false,
): { names: string[]; next: number; lines: number } | undefined {
  // The header is small: find its end (outside quotes) and split it with the same rules as a row.
  // A quote opens a quoted field only at the field's start, as in rows: `a"b` is a quote inside an unquoted field
  // (text with quote: lenient, an error otherwise), and must not hide the header's end.
  let inQuotes = false;
  let atFieldStart = true;
  let closedAt = -1;
  let end = pos;
  let newlines = 0;
  while (end < buffer.length) {
    const c = buffer[end]!;
    if (c === QUOTE) {
      if (inQuotes) {
        inQuotes = false;
        closedAt = end;
      } else if (atFieldStart || closedAt === end - 1) inQuotes = true; // `""` inside a quoted field is one quote
    } else if (c === LF) {
      if (!inQuotes) break;
      newlines++;
    }
    atFieldStart = !inQuotes && c === delimiter;
    end++;
  }
  if (end >= buffer.length && !final) {
    if (buffer.length - pos > MAX_ROW_BYTES) throw tooLong(name, line);
    return undefined;
  }
  const text = buffer.toString('utf8', pos, end).replace(/\r$/, '');
  const names = splitHeader(text, String.fromCharCode(delimiter), lenient, name, line);
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n.trim() === '')
      throw new DataError(`${name}:${line}: column ${i + 1} of the header has no name; every column needs one`);
    if (seen.has(n))
      throw new DataError(
        `${name}:${line}: the header names "${n}" twice (columns ${seen.get(n)! + 1} and ${i + 1}); column names must be unique`,
      );
    seen.set(n, i);
  });
  if (names.length === 1) {
    for (const [char, label] of [
      ['\t', 'tabs'],
      [';', 'semicolons'],
      [',', 'commas'],
      ['|', 'pipes'],
    ] as const) {
      if (char !== String.fromCharCode(delimiter) && names[0]!.includes(char)) {
        const fix = char === '\t' ? "set delimiter: '\\t' (or name the file .tsv)" : `set delimiter: '${char}'`;
        throw new DataError(
          `${name}:${line}: the header is one column that contains ${label}; the file looks ${delimiterName(char)}-separated: ${fix}`,
          { file: name, line },
        );
      }
    }
  }
  return { names, next: Math.min(end + 1, buffer.length), lines: 1 + newlines };
}

function splitHeader(text: string, delimiter: string, lenient: boolean, file: string, line: number): string[] {
  const names: string[] = [];
  let current = '';
  let inQuotes = false;
  // Whether the field began with a quote (and so must end at its closing quote).
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        current += '"';
        i++;
      } else if (c === '"') {
        inQuotes = false;
        if (i + 1 < text.length && text[i + 1] !== delimiter)
          throw new DataError(
            `${file}:${line}: text after the closing quote of a header field (${JSON.stringify(text.slice(i + 1, i + 21))}); ${QUOTE_FIX}`,
            { file, line },
          );
      } else current += c;
    } else if (c === '"' && current === '' && !quoted) inQuotes = quoted = true;
    else if (c === delimiter) {
      names.push(current);
      current = '';
      quoted = false;
    } else if (c === '"' && !lenient)
      throw new DataError(
        `${file}:${line}: a quote inside an unquoted header field (${JSON.stringify(current + c)}); ${QUOTE_FIX}, or set quote: lenient to read such quotes as text`,
        { file, line },
      );
    else current += c;
  }
  names.push(current);
  return names;
}

/**
 * The arrays behind the batches a reader hands out, reused from batch to batch (a batch is valid until the next is
 * asked for, as RecordBatch says): fresh arrays for every batch are garbage at the pace of the read, which the
 * collector frees late, and on a large file they were most of the reader's memory.
 */
class BatchArrays {
  private capacity = 0;
  rowIds = new Float64Array(0);
  lines = new Float64Array(0);
  status: Uint8Array[] = [];
  numbers: Float64Array[] = [];
  ids: Int32Array[] = [];

  constructor(private readonly decodeAs: readonly DecodeAs[]) {}

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, Math.ceil(this.capacity * 1.5));
    this.capacity = capacity;
    this.rowIds = new Float64Array(capacity);
    this.lines = new Float64Array(capacity);
    this.status = this.decodeAs.map((as) => (as === 'skip' ? EMPTY_STATUS : new Uint8Array(capacity)));
    this.numbers = this.decodeAs.map((as) =>
      as === 'text' || as === 'skip' ? EMPTY_NUMBERS : new Float64Array(capacity),
    );
    this.ids = this.decodeAs.map((as) => (as === 'text' || as === 'auto' ? new Int32Array(capacity) : EMPTY_IDS));
  }
}

const EMPTY_STATUS = new Uint8Array(0);
const EMPTY_NUMBERS = new Float64Array(0);
const EMPTY_IDS = new Int32Array(0);

function decodeBatch(
  buffer: Buffer,
  cells: Cells,
  rows: number,
  header: readonly string[],
  decodeAs: readonly DecodeAs[],
  dictionaries: readonly (TextDictionary | undefined)[],
  nulls: ReadonlySet<string>,
  point: number,
  file: string,
  offset: number,
  arrays: BatchArrays,
): RecordBatch {
  arrays.reserve(rows);
  const columns: WritableColumnData[] = [];
  header.forEach((name, c) => {
    const as = decodeAs[c]!;
    if (as === 'skip') return;
    const status = arrays.status[c]!.subarray(0, rows).fill(VALUE);
    const column: WritableColumnData = { name, decodeAs: as, status, invalidText: new Map() };
    if (as === 'number' || as === 'auto')
      column.numbers = decodeNumbers(
        arrays.numbers[c]!.subarray(0, rows),
        buffer,
        cells,
        header.length,
        c,
        column,
        nulls,
        point,
      );
    if (as === 'text' || as === 'auto') {
      column.dictionary = dictionaries[c]!;
      column.ids = decodeTexts(arrays.ids[c]!.subarray(0, rows), buffer, cells, header.length, c, column, nulls);
    }
    if (as === 'bool' || as === 'datetime')
      column.numbers = decodeParsed(
        arrays.numbers[c]!.subarray(0, rows),
        buffer,
        cells,
        header.length,
        c,
        column,
        nulls,
        as === 'bool' ? parseBoolText : parseDatetimeText,
      );
    columns.push(column);
  });
  const rowIds = arrays.rowIds.subarray(0, rows);
  for (let r = 0; r < rows; r++) rowIds[r] = cells.rowStarts[r]! + offset;
  const lines = arrays.lines.subarray(0, rows);
  lines.set(cells.lines.subarray(0, rows));
  return { file, rowIds, length: rows, lines, columns };
}

/** One cell's text: UTF-8, with doubled quotes made single where the cell had them. */
function cellText(buffer: Buffer, cells: Cells, k: number): string {
  const raw = utf8(buffer, cells.starts[k]!, cells.ends[k]!);
  return cells.escaped[k] ? raw.replace(/""/g, '"') : raw;
}

// One small function per decoding, each with a single tight loop over a column's cells: V8 optimises these far
// better than one function that branches on the type inside the loop.

function decodeNumbers(
  numbers: Float64Array,
  buffer: Buffer,
  cells: Cells,
  stride: number,
  c: number,
  column: WritableColumnData,
  nulls: ReadonlySet<string>,
  point: number,
): Float64Array {
  const rows = numbers.length;
  const { starts, ends } = cells;
  const { status } = column;
  const keepInvalid = column.decodeAs === 'number';
  const scanned = cells.numbers;
  for (let r = 0, k = c; r < rows; r++, k += stride) {
    let value = scanned[k]!;
    if (value !== value) {
      const s = starts[k]!;
      const e = ends[k]!;
      value = e > s ? parseNumberBytes(buffer, s, e, point) : Number.NaN;
    }
    numbers[r] = value;
    if (value !== value) {
      const s = starts[k]!;
      const e = ends[k]!;
      // NaN in any case is a float's missing value in a number column (see isNanText), whatever the null texts.
      if (nulls.has(e > s ? latin1(buffer, s, e) : '') || (keepInvalid && isNanText(buffer, s, e))) status[r] = NULL;
      else {
        status[r] = INVALID;
        if (keepInvalid) column.invalidText.set(r, cellText(buffer, cells, k));
      }
    }
  }
  return numbers;
}

/** Per dictionary: which ids are null texts (judged once per distinct text, not once per cell). */
const nullIds = new WeakMap<TextDictionary, { nulls: ReadonlySet<string>; flags: Uint8Array }>();

function nullFlags(dictionary: TextDictionary, nulls: ReadonlySet<string>): Uint8Array {
  let entry = nullIds.get(dictionary);
  if (!entry || entry.nulls !== nulls) nullIds.set(dictionary, (entry = { nulls, flags: new Uint8Array(0) }));
  if (entry.flags.length < dictionary.size) {
    const flags = new Uint8Array(Math.max(dictionary.size, entry.flags.length * 2));
    flags.set(entry.flags);
    // 0: not judged, 1: a value, 2: a null text.
    for (let id = entry.flags.length; id < dictionary.size; id++) flags[id] = nulls.has(dictionary.values[id]!) ? 2 : 1;
    entry.flags = flags;
  }
  return entry.flags;
}

function decodeTexts(
  ids: Int32Array,
  buffer: Buffer,
  cells: Cells,
  stride: number,
  c: number,
  column: WritableColumnData,
  nulls: ReadonlySet<string>,
): Int32Array {
  const rows = ids.length;
  const dictionary = column.dictionary!;
  const { status } = column;
  const { starts, ends, escaped } = cells;
  const isText = column.decodeAs === 'text';
  for (let r = 0, k = c; r < rows; r++, k += stride) {
    const start = starts[k]!;
    const end = ends[k]!;
    if (escaped[k]) ids[r] = dictionary.idOf(cellText(buffer, cells, k));
    else
      ids[r] =
        end - start === 1 ? dictionary.idOfByte(buffer, start, utf8) : dictionary.idOfBytes(buffer, start, end, utf8);
  }
  const flags = nullFlags(dictionary, nulls);
  for (let r = 0; r < rows; r++) {
    if (flags[ids[r]!] === 2) {
      ids[r] = -1;
      status[r] = NULL;
    } else if (isText) status[r] = VALUE;
  }
  return ids;
}

function decodeParsed(
  numbers: Float64Array,
  buffer: Buffer,
  cells: Cells,
  stride: number,
  c: number,
  column: WritableColumnData,
  nulls: ReadonlySet<string>,
  parse: (text: string) => number,
): Float64Array {
  const rows = numbers.length;
  const { status } = column;
  for (let r = 0, k = c; r < rows; r++, k += stride) {
    const value = cellText(buffer, cells, k);
    if (nulls.has(value)) {
      numbers[r] = Number.NaN;
      status[r] = NULL;
      continue;
    }
    const parsed = parse(value);
    numbers[r] = parsed;
    if (parsed !== parsed) {
      status[r] = INVALID;
      column.invalidText.set(r, value);
    }
  }
  return numbers;
}

/** Where the next `byte` is at or after `from`, or the buffer's length when there is none. */
function indexOrEnd(buffer: Buffer, byte: number, from: number): number {
  const at = buffer.indexOf(byte, from);
  return at < 0 ? buffer.length : at;
}

/** The end of the last complete line: a chunk may end inside a multi-byte character, which the next completes. */
function lastLineEnd(buffer: Buffer): number {
  const at = buffer.lastIndexOf(LF);
  return at < 0 ? 0 : at + 1;
}

function countFields(buffer: Buffer, start: number, delimiter: number): number {
  let count = 1;
  let inQuotes = false;
  for (let i = start; i < buffer.length; i++) {
    const c = buffer[i]!;
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && c === delimiter) count++;
    else if (!inQuotes && c === LF) break;
  }
  return count;
}

/** How to write a field with quotes in it, for the messages that meet one written otherwise. */
const QUOTE_FIX = 'quote the whole field and double the quotes inside it (e.g. "a ""b"" c")';

/** A field's text as messages show it: at most 40 characters of it, up to the end of its line. */
function shownField(buffer: Buffer, start: number, delimiter: number): string {
  let end = start;
  while (end < buffer.length && end - start < 40 && buffer[end] !== LF && (buffer[end] !== delimiter || end === start))
    end++;
  return JSON.stringify(buffer.toString('utf8', start, end).replace(/\r$/, ''));
}

function textAfterQuote(
  file: string,
  line: number,
  buffer: Buffer,
  contentStart: number,
  after: number,
  delimiter: number,
): DataError {
  const field = JSON.stringify(buffer.toString('utf8', Math.max(contentStart - 1, after - 40), after));
  return new DataError(
    `${file}:${line}: text after the closing quote of the field ${field}, at ${shownField(buffer, after, delimiter)}; a quoted field must end at a delimiter or the line's end: ${QUOTE_FIX}`,
    { file, line },
  );
}

function quoteInField(file: string, line: number, buffer: Buffer, start: number, delimiter: number): DataError {
  return new DataError(
    `${file}:${line}: a quote inside an unquoted field (${shownField(buffer, start, delimiter)}); ${QUOTE_FIX}, or set quote: lenient to read such quotes as text`,
    { file, line },
  );
}

function ragged(file: string, line: number, fields: number, columns: number): DataError {
  return new DataError(
    `${file}:${line}: the row has ${fields} fields but the header has ${columns}; quote values that contain the delimiter, or fix the missing or extra field`,
    { file, line },
  );
}

function tooLong(file: string, line: number): DataError {
  return new DataError(
    `${file}:${line}: a row longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB; a quote probably never closes, or the delimiter is wrong`,
    { file, line },
  );
}

function invalidUtf8(file: string, bytes: Buffer, firstLine: number): DataError {
  // Find the first bad line to point at.
  let line = firstLine;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === LF) {
      if (!isUtf8(bytes.subarray(start, i))) break;
      start = i + 1;
      line++;
    }
  }
  return new DataError(
    `${file}: invalid UTF-8 near line ${line}; save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
    { file, line },
  );
}

function checkNotBinary(buffer: Buffer, file: string): void {
  if (buffer[0] === 0x1f && buffer[1] === 0x8b)
    throw new DataError(
      `${file}: the file is gzip-compressed; name it with a .gz ending (e.g. data.csv.gz) so it is unpacked`,
    );
  if (buffer.subarray(0, 4).toString('latin1') === 'PAR1')
    throw new DataError(`${file}: the file is Parquet; name it .parquet or set format: parquet`);
  const probe = buffer.subarray(0, 8192);
  if (probe.includes(0))
    throw new DataError(
      `${file}: the file holds binary data (NUL bytes), not delimited text; check the path and the format`,
    );
}
