import { describe, expect, it } from 'vitest';
import { TextDictionary } from '../../../../src/core/data/batch.js';
import { readDataset, resolveDataFiles } from '../../../../src/io/readers/dataset.js';
import { dataFolder, readAll } from '../../../support/datasets.js';

describe('JSON Lines reader', () => {
  it('reads one object per line, JSON types kept, missing keys as null', async () => {
    const folder = dataFolder({
      'a.jsonl': '{"a": 1, "b": "x", "c": true}\n\n{"a": 2.5, "c": false}\n{"a": null, "b": "y", "c": null}\n',
    });
    const { values, lines } = await readAll(folder, ['a.jsonl'], { a: 'number', b: 'text', c: 'bool' });
    expect(values).toEqual({ a: [1, 2.5, null], b: ['x', null, 'y'], c: [1, 0, null] });
    expect(lines).toEqual([1, 3, 4]);
  });

  it('treats a JSON string in a number column as a type error, not a number', async () => {
    const folder = dataFolder({ 'a.ndjson.gz': '{"a": "3"}\n' });
    expect((await readAll(folder, ['a.ndjson.gz'], { a: 'number' })).values.a).toEqual([{ invalid: '3' }]);
  });
});

describe('Parquet reader', () => {
  it('reads columns of every basic type, row numbers standing in for lines', async () => {
    const folder = dataFolder({
      'a.parquet': {
        parquet: [
          { name: 'i', data: [1, 2, 3], type: 'INT32' },
          { name: 'big', data: [10n, 20n, 30n], type: 'INT64' },
          { name: 'f', data: [0.5, null, 2.25], type: 'DOUBLE' },
          { name: 's', data: ['a', 'b', null], type: 'STRING' },
          { name: 'ok', data: [true, false, true], type: 'BOOLEAN' },
        ],
      },
    });
    const { values, lines, headers } = await readAll(folder, ['a.parquet'], {
      i: 'number',
      big: 'number',
      f: 'number',
      s: 'text',
      ok: 'bool',
    });
    expect(headers).toEqual([['i', 'big', 'f', 's', 'ok']]);
    expect(values).toEqual({
      i: [1, 2, 3],
      big: [10, 20, 30],
      f: [0.5, null, 2.25],
      s: ['a', 'b', null],
      ok: [1, 0, 1],
    });
    expect(lines).toEqual([1, 2, 3]);
  });
});

describe('the head of a Parquet file', () => {
  it('is its first rows only, whatever its row groups', async () => {
    const folder = dataFolder({
      'a.parquet': { parquet: [{ name: 'i', data: Array.from({ length: 50 }, (_, i) => i), type: 'INT32' }] },
    });
    const files = await resolveDataFiles(['a.parquet'], folder, 'auto', 'data');
    const seen: number[] = [];
    for await (const event of readDataset(files, {
      decodeAs: () => ['number'],
      dictionary: () => new TextDictionary(),
      headRows: 7,
    })) {
      if (event.type === 'batch') seen.push(...event.batch.columns[0]!.numbers!);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('columns decoded as skip', () => {
  it('are left out of the batches of every format, the other columns read as before', async () => {
    const folder = dataFolder({
      'a.csv': 'id,x,note\nu1,1.5,"a, b"\nu2,2,c\n',
      'a.jsonl': '{"id": "u1", "x": 1.5, "note": "a, b"}\n{"id": "u2", "x": 2, "note": "c"}\n',
      'a.parquet': {
        parquet: [
          { name: 'id', data: ['u1', 'u2'], type: 'STRING' },
          { name: 'x', data: [1.5, 2], type: 'DOUBLE' },
          { name: 'note', data: ['a, b', 'c'], type: 'STRING' },
        ],
      },
    });
    for (const file of ['a.csv', 'a.jsonl', 'a.parquet']) {
      const { values, headers, lines } = await readAll(folder, [file], { id: 'skip', x: 'number', note: 'skip' });
      expect(headers).toEqual([['id', 'x', 'note']]);
      expect(values).toEqual({ x: [1.5, 2] });
      expect(lines).toHaveLength(2);
    }
  });

  it('except the column a key split hashes, which is read to split by', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `k${i % 7},${i}`);
    const folder = dataFolder({ 'a.csv': `key,x\n${rows.join('\n')}\n` });
    const shards = await Promise.all(
      [1, 2].map((index) =>
        readAll(folder, ['a.csv'], { key: 'skip', x: 'number' }, { shard: { index, count: 2 }, shardKey: 'key' }),
      ),
    );
    expect(shards.flatMap((s) => s.values.x!).sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(shards.every((s) => s.values.x!.length > 0)).toBe(true);
  });
});
