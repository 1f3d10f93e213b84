import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../../../../src/core/errors.js';
import { dataFolder, readAll } from '../../../support/datasets.js';

async function failure(
  files: Parameters<typeof dataFolder>[0],
  pattern: string,
  options: { delimiter?: string } = {},
): Promise<Error> {
  const folder = dataFolder(files);
  try {
    await readAll(folder, [pattern], {}, options);
  } catch (error) {
    expect(error instanceof DataError || error instanceof ConfigurationError, String(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return error as Error;
  }
  throw new Error('expected the read to fail');
}

describe('bad input gives one line naming the file (and line) and what to do', () => {
  it.each<[string, Parameters<typeof dataFolder>[0], string, RegExp]>([
    [
      'a truncated file (a quote that never closes)',
      { 't.csv': 'a,b\n1,"unfinished\n' },
      't.csv',
      /^t\.csv:2: a quoted field never closes before the end of the file; the file may be cut short/,
    ],
    [
      'a ragged row',
      { 'r.csv': 'a,b,c\n1,2,3\n4,5\n' },
      'r.csv',
      /^r\.csv:3: the row has 2 fields but the header has 3; quote values that contain the delimiter/,
    ],
    [
      'a row with an extra field',
      { 'r.csv': 'a,b\n1,2,3\n' },
      'r.csv',
      /^r\.csv:2: the row has 3 fields but the header has 2/,
    ],
    [
      'a wrong delimiter',
      { 'w.csv': 'a\tb\tc\n1\t2\t3\n' },
      'w.csv',
      /^w\.csv:1: the header is one column that contains tabs; the file looks tab-separated: set delimiter: '\\t' \(or name the file \.tsv\)/,
    ],
    [
      'a semicolon-separated file',
      { 's.csv': 'a;b\n1;2\n' },
      's.csv',
      /^s\.csv:1: the header is one column that contains semicolons; the file looks ";"-separated: set delimiter: ';'$/,
    ],
    [
      'invalid UTF-8',
      { 'u.csv': Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('\n')]) },
      'u.csv',
      /^u\.csv: invalid UTF-8 near line 3; save the file as UTF-8/,
    ],
    [
      'binary data',
      { 'b.csv': Buffer.from([0x41, 0x00, 0x01, 0x02, 0x0a]) },
      'b.csv',
      /^b\.csv: the file holds binary data \(NUL bytes\)/,
    ],
    [
      'a gzip file named .csv',
      { 'g.csv': new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]) },
      'g.csv',
      /^g\.csv: the file is gzip-compressed; name it with a \.gz ending/,
    ],
    ['an empty file', { 'e.csv': '' }, 'e.csv', /^e\.csv: the file is empty; a data file needs a header row/],
    ['a header with no rows', { 'h.csv': 'a,b\n' }, 'h.csv', /^h\.csv: the file has a header but no rows/],
    [
      'duplicate header names',
      { 'd.csv': 'a,b,a\n1,2,3\n' },
      'd.csv',
      /^d\.csv:1: the header names "a" twice \(columns 1 and 3\)/,
    ],
    [
      'a 10 MB line',
      { 'l.csv': `a,b\n1,"${'x'.repeat(10 * 1024 * 1024)}"\n` },
      'l.csv',
      /^l\.csv:2: a row longer than 4 MiB; a quote probably never closes/,
    ],
    [
      'a corrupt Parquet footer',
      { 'c.parquet': Buffer.from('PAR1 this is not a parquet file at all PAR1') },
      'c.parquet',
      /^c\.parquet: not a readable Parquet file \(.+\); the file may be cut short or not Parquet/,
    ],
    [
      'a broken gzip stream',
      { 'z.csv.gz': new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6]) },
      'z.csv.gz',
      /^z\.csv\.gz: not a valid gzip file/,
    ],
    [
      'a file whose format cannot be told',
      { 'x.data': 'a\n1\n' },
      'x.data',
      /^x\.data: cannot tell the format from the name; name it \.csv, \.tsv, \.jsonl or \.parquet/,
    ],
    ['a missing file', {}, 'nope.csv', /^nope\.csv: file not found/],
    ['a glob that matches nothing', {}, '*.csv', /^data: no file matches \*\.csv/],
    [
      'JSON Lines with a broken line',
      { 'j.jsonl': '{"a": 1}\n{"a": }\n' },
      'j.jsonl',
      /^j\.jsonl:2: not valid JSON \(.+\); each line must be one JSON object/,
    ],
    [
      'JSON Lines with a key the first record lacks',
      { 'j.jsonl': '{"a": 1}\n{"a": 2, "b": 3}\n' },
      'j.jsonl',
      /^j\.jsonl:2: key "b" is not in the first record/,
    ],
  ])('%s', async (_, files, pattern, message) => {
    expect((await failure(files, pattern)).message).toMatch(message);
  });

  it('a folder, and a pipe (files are read by position, which a pipe has not)', async () => {
    expect((await failure({ 'd/a.csv': 'a\n1\n' }, 'd')).message).toMatch(
      /^d: is a folder, not a data file; use a glob such as d\/\*\.csv$/,
    );
    const folder = dataFolder({});
    execFileSync('mkfifo', [join(folder, 'p.csv')]);
    await expect(readAll(folder, ['p.csv'])).rejects.toThrow(
      /^p\.csv: is not a regular file \(a pipe or a device\); write the data to a file and give its path$/,
    );
  });
});
