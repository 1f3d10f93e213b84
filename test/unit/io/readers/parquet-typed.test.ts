import { join } from 'node:path';
import fc from 'fast-check';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { describe, expect, it } from 'vitest';
import { TextDictionary, type DecodeAs, type RecordBatch } from '../../../../src/core/data/batch.js';
import { readParquet, readParquetValues, type ParquetOptions } from '../../../../src/io/readers/parquet.js';
import { readHybrid } from '../../../../src/io/readers/parquet-hybrid.js';
import { ROOT } from '../../../support/run-action.js';

const MIXED = join(ROOT, 'test', 'fixtures', 'parquet', 'mixed.parquet');
const COLUMNS = ['id', 'delay', 'big', 'score', 'ratio', 'counter', 'when', 'origin', 'code', 'flag'];
const DECODINGS: DecodeAs[] = ['number', 'bool', 'datetime', 'text', 'auto'];

/**
 * Every batch a reader gives, each column as plain data: statuses, numbers, texts (through the dictionary), invalid
 * texts.
 */
async function readAll(
  read: typeof readParquet,
  decodeAs: DecodeAs,
  rows?: ParquetOptions['rows'],
): Promise<unknown[]> {
  const dictionaries = new Map<string, TextDictionary>();
  const options: ParquetOptions = {
    name: 'mixed.parquet',
    decodeAs: (columns) => columns.map(() => decodeAs),
    dictionary: (column) => dictionaries.get(column) ?? dictionaries.set(column, new TextDictionary()).get(column)!,
    rows,
  };
  const out: unknown[] = [];
  for await (const item of read(MIXED, options)) {
    if ('header' in item) {
      out.push(item.header);
      continue;
    }
    const batch = item as RecordBatch;
    out.push({
      rowIds: Array.from(batch.rowIds),
      lines: Array.from(batch.lines),
      columns: batch.columns.map((c) => ({
        name: c.name,
        status: Array.from(c.status),
        numbers: c.numbers ? Array.from(c.numbers, (n) => (Number.isNaN(n) ? 'NaN' : n)) : undefined,
        // Ids compared by the text they stand for, and by the order in which texts were first met.
        texts: c.ids ? Array.from(c.ids, (id) => (id < 0 ? null : c.dictionary!.values[id])) : undefined,
        invalid: [...c.invalidText],
      })),
    });
  }
  out.push([...dictionaries].map(([name, d]) => [name, d.values]));
  return out;
}

describe('the typed Parquet reader', () => {
  // The reference reader decodes every value into a JavaScript array (hyparquet), then columnFromValues: the
  // typed reader must give the same batches for every column kind read as every type.
  it.each(DECODINGS)('gives the batches the reference reader gives, every column read as %s', async (decodeAs) => {
    const typed = await readAll(readParquet, decodeAs);
    expect(typed[0]).toEqual(COLUMNS);
    expect(typed).toEqual(await readAll(readParquetValues, decodeAs));
  });

  it('reads a row range inside row groups as the reference does (a shard, a look at the head)', async () => {
    const rows = () => ({ start: 1234, stop: 4321 });
    expect(await readAll(readParquet, 'auto', rows)).toEqual(await readAll(readParquetValues, 'auto', rows));
  });

  it('cuts row groups into batches of batchRows rows for a pipeline, with the same rows', async () => {
    const lengths: number[] = [];
    const ids: number[] = [];
    const options: ParquetOptions = {
      name: 'mixed.parquet',
      decodeAs: (columns) => columns.map((c) => (c === 'id' ? 'number' : 'skip')),
      dictionary: () => new TextDictionary(),
      batchRows: 400,
    };
    for await (const item of readParquet(MIXED, options)) {
      if ('header' in item) continue;
      lengths.push(item.length);
      ids.push(...item.columns[0]!.numbers!);
    }
    // Six row groups of 1,000 rows: 400, 400 and 200 each.
    expect(lengths).toEqual(Array.from({ length: 6 }, () => [400, 400, 200]).flat());
    expect(ids).toEqual(Array.from({ length: 6000 }, (_, i) => i + 1));
  });

  it('names INT64 values that a float64 cannot hold exactly', async () => {
    const notes: string[] = [];
    const options: ParquetOptions = {
      name: 'mixed.parquet',
      decodeAs: (columns) => columns.map(() => 'number'),
      dictionary: () => new TextDictionary(),
      onNote: (note) => notes.push(note),
    };
    for await (const item of readParquet(MIXED, options)) void item;
    expect(notes).toEqual([
      'mixed.parquet: column big: 1 INT64 value(s) beyond ±2^53 were read as the nearest float64',
    ]);
  });
});

describe('readHybrid (RLE / bit-packed hybrid)', () => {
  /** Encodes values as the hybrid: runs of 8 or more equal values as RLE, the rest bit-packed in groups of 8. */
  function encode(values: number[], width: number): Uint8Array {
    const bytes: number[] = [];
    const varint = (n: number) => {
      while (n >= 0x80) {
        bytes.push((n & 0x7f) | 0x80);
        n = Math.floor(n / 128);
      }
      bytes.push(n);
    };
    let i = 0;
    while (i < values.length) {
      let run = 1;
      while (i + run < values.length && values[i + run] === values[i]) run++;
      if (run >= 8) {
        varint(run * 2);
        for (let b = 0; b < (width + 7) >> 3; b++) bytes.push((values[i]! >> (8 * b)) & 0xff);
        i += run;
        continue;
      }
      const group = values.slice(i, i + 8);
      varint(3);
      let buffer = 0n;
      group.forEach((v, k) => (buffer |= BigInt(v) << BigInt(k * width)));
      for (let b = 0; b < width; b++) bytes.push(Number((buffer >> BigInt(8 * b)) & 0xffn));
      i += 8;
    }
    return Uint8Array.from(bytes);
  }

  it('decodes what hyparquet decodes, at every width up to 24 bits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 20 })), { minLength: 1, maxLength: 40 }),
        (width, runs) => {
          const values = runs.flatMap(([v, n]) => Array<number>(n).fill(v % 2 ** width));
          const bytes = encode(values, width);
          const ours = new Int32Array(values.length);
          readHybrid(bytes, 0, bytes.length, width, ours, values.length);
          const theirs = new Int32Array(values.length);
          readRleBitPackedHybrid({ view: new DataView(bytes.buffer), offset: 0 }, width, theirs, bytes.length);
          expect(Array.from(ours)).toEqual(Array.from(theirs));
          expect(Array.from(ours)).toEqual(values);
        },
      ),
    );
  });
});
