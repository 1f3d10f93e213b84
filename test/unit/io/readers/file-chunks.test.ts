import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextDictionary, type ColumnData, type RecordBatch } from '../../../../src/core/data/batch.js';
import { readDelimited } from '../../../../src/io/readers/delimited.js';
import { fileChunks } from '../../../../src/io/readers/file-chunks.js';
import { dataFolder } from '../../../support/datasets.js';

/** Rows with every kind of cell the fast and the full parser meet: quotes, CRLF, nulls, text in number columns. */
const TEXT =
  'id,name,x,note\r\n' +
  Array.from({ length: 300 }, (_, i) => {
    const name = i % 7 === 0 ? `"q, ""${i}"""` : `n${i % 5}`;
    const x = i % 11 === 0 ? '' : i % 13 === 0 ? 'oops' : (i * 0.25 - 20).toFixed(2);
    const note = i % 17 === 0 ? '"two\nlines"' : `t${i}`;
    // LF and CRLF line ends, in turn.
    return `${i},${name},${x},${note}${i % 2 ? '\n' : '\r\n'}`;
  }).join('');

/** Every cell read, copied out of each batch before the next is asked for (batches' arrays are reused). */
async function cells(
  chunks: AsyncIterable<Buffer>,
): Promise<{ values: unknown[][]; lines: number[]; rowIds: number[]; batches: number }> {
  const dictionaries = new Map<string, TextDictionary>();
  const out = { values: [] as unknown[][], lines: [] as number[], rowIds: [] as number[], batches: 0 };
  for await (const item of readDelimited(chunks, {
    name: 'a.csv',
    delimiter: ',',
    decodeAs: (columns) => columns.map((c) => (c === 'x' ? 'number' : c === 'id' ? 'auto' : 'text')),
    dictionary: (c) => dictionaries.get(c) ?? (dictionaries.set(c, new TextDictionary()), dictionaries.get(c)!),
  })) {
    if ('header' in item) continue;
    const batch = item as RecordBatch;
    out.batches++;
    for (let r = 0; r < batch.length; r++) out.values.push(batch.columns.map((column) => cell(column, r)));
    out.lines.push(...batch.lines);
    out.rowIds.push(...batch.rowIds);
  }
  return out;
}

function cell(column: ColumnData, r: number): unknown {
  if (column.status[r] === 1) return null;
  if (column.status[r] === 2 && column.decodeAs === 'number') return { invalid: column.invalidText.get(r) };
  return column.ids && column.ids[r]! >= 0 && (column.decodeAs === 'text' || column.status[r] === 2)
    ? column.dictionary!.values[column.ids[r]!]
    : column.numbers![r];
}

describe('file chunks read into reused buffers', () => {
  it("give the file's bytes from any offset, in chunks of any size", async () => {
    const folder = dataFolder({ 'a.bin': 'abcdefghijklmnopqrstuvwxyz' });
    const read = async (start: number, size: number) => {
      const parts: string[] = [];
      for await (const chunk of fileChunks(join(folder, 'a.bin'), start, size)) parts.push(chunk.toString());
      return parts;
    };
    expect(await read(0, 10)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
    expect((await read(3, 4)).join('')).toBe('defghijklmnopqrstuvwxyz');
    expect(await read(26, 4)).toEqual([]);
  });

  it('close the file when the reader stops early, with the read ahead settled', async () => {
    const folder = dataFolder({ 'a.bin': 'x'.repeat(100) });
    for await (const chunk of fileChunks(join(folder, 'a.bin'), 0, 8)) {
      expect(chunk.length).toBe(8);
      break;
    }
  });

  it("read CSV the same in chunks of 1, 3, 7 and 64 bytes as in one, though each chunk and batch reuses the last one's memory", async () => {
    const folder = dataFolder({ 'a.csv': TEXT });
    const path = join(folder, 'a.csv');
    const whole = await cells(fileChunks(path, 0, readFileSync(path).length));
    expect(whole.values).toHaveLength(300);
    expect(whole.values[7]).toEqual([7, 'q, "7"', -18.25, 't7']);
    expect(whole.values[13]).toEqual([13, 'n3', { invalid: 'oops' }, 't13']);
    expect(whole.values[17]![3]).toBe('two\nlines');
    for (const size of [1, 3, 7, 64]) {
      const chunked = await cells(fileChunks(path, 0, size));
      expect(chunked.batches).toBeGreaterThan(1);
      expect(chunked.values).toEqual(whole.values);
      expect(chunked.lines).toEqual(whole.lines);
      expect(chunked.rowIds).toEqual(whole.rowIds);
    }
  });

  it("skip a BOM whatever chunk the header's first line ends in", async () => {
    const folder = dataFolder({ 'bom.csv': '\uFEFFid,name,x,note\n1,a,2.5,b\n' });
    const path = join(folder, 'bom.csv');
    for (const size of [1, 2, 3, 4, 7, 64]) {
      const headers: string[][] = [];
      for await (const item of readDelimited(fileChunks(path, 0, size), {
        name: 'bom.csv',
        delimiter: ',',
        decodeAs: (columns) => columns.map(() => 'text'),
        dictionary: () => new TextDictionary(),
      })) {
        if ('header' in item) headers.push(item.header);
      }
      expect(headers, `chunks of ${size} bytes`).toEqual([['id', 'name', 'x', 'note']]);
    }
  });
});
