import { describe, expect, it } from 'vitest';
import { dataFolder, readAll } from '../../../support/datasets.js';

describe('JSON Lines reader', () => {
  it('reads one object per line, JSON types kept, missing keys as null', async () => {
    const folder = dataFolder({ 'a.jsonl': '{"a": 1, "b": "x", "c": true}\n\n{"a": 2.5, "c": false}\n{"a": null, "b": "y", "c": null}\n' });
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
    const { values, lines, headers } = await readAll(folder, ['a.parquet'], { i: 'number', big: 'number', f: 'number', s: 'text', ok: 'bool' });
    expect(headers).toEqual([['i', 'big', 'f', 's', 'ok']]);
    expect(values).toEqual({ i: [1, 2, 3], big: [10, 20, 30], f: [0.5, null, 2.25], s: ['a', 'b', null], ok: [1, 0, 1] });
    expect(lines).toEqual([1, 2, 3]);
  });
});
