import { describe, expect, it } from 'vitest';
import { dataFolder, readAll } from '../../../support/datasets.js';

describe('CSV and TSV reader', () => {
  it('reads RFC 4180: quoted delimiters, quoted newlines, doubled quotes, BOM and CRLF', async () => {
    const folder = dataFolder({
      'a.csv': '\uFEFFname,note,n\r\n"Smith, J","said ""hi""\r\nthen left",1\r\nplain,,2.5\r\n',
    });
    const { headers, values, lines } = await readAll(folder, ['a.csv'], { name: 'text', note: 'text', n: 'number' });
    expect(headers).toEqual([['name', 'note', 'n']]);
    expect(values.name).toEqual(['Smith, J', 'plain']);
    expect(values.note).toEqual(['said "hi"\r\nthen left', null]);
    expect(values.n).toEqual([1, 2.5]);
    expect(lines).toEqual([2, 4]);
  });

  it('reads TSV by extension and a delimiter when told', async () => {
    const folder = dataFolder({ 'a.tsv': 'a\tb\n1\tx\n', 'b.csv': 'a;b\n2;y\n' });
    expect((await readAll(folder, ['a.tsv'])).values).toEqual({ a: [1], b: ['x'] });
    expect((await readAll(folder, ['b.csv'], {}, { delimiter: ';' })).values).toEqual({ a: [2], b: ['y'] });
  });

  it('parses numbers exactly, in every form, and reads null texts as missing', async () => {
    // Whole or fraction parts longer than 9 digits, and 15 digits in all, are at the fast path's edges.
    const cells = [
      '0',
      '-0.5',
      '+3',
      '1e3',
      '-2.5E-2',
      '123456789012345678',
      '0.1234567890123456789',
      '.5',
      '5.',
      '1234567890.25',
      '-0.0000000001',
      '12345678.1234567',
      'NA',
      'nan',
      '""',
      'abc',
      '1,5',
    ];
    const folder = dataFolder({ 'n.csv': `x\n${cells.map((c) => (c.includes(',') ? `"${c}"` : c)).join('\n')}\n` });
    const { values } = await readAll(folder, ['n.csv'], { x: 'number' });
    // biome-ignore-start lint/correctness/noPrecisionLoss: the same decimal text the reader parses, rounded the same way.
    expect(values.x).toEqual([
      0,
      -0.5,
      3,
      1000,
      -0.025,
      123456789012345678,
      0.1234567890123456789,
      0.5,
      5,
      1234567890.25,
      -1e-10,
      12345678.1234567,
      null,
      null,
      null,
      { invalid: 'abc' },
      { invalid: '1,5' },
    ]);
    // biome-ignore-end lint/correctness/noPrecisionLoss: the literals end here.
  });

  it('reads a number column last on a line, under CRLF and with no newline at the end of the file', async () => {
    // A number's end is where the scan skips its text; the last cell of each form is where that can go wrong.
    const folder = dataFolder({
      'crlf.csv': 'k,x\r\na,1.5\r\nb,-2\r\nc,7x\r\nd,\r\ne,3.25',
      'lf.csv': 'k,x\na,4\nb,oops',
    });
    const crlf = await readAll(folder, ['crlf.csv'], { k: 'text', x: 'number' });
    expect(crlf.values).toEqual({ k: ['a', 'b', 'c', 'd', 'e'], x: [1.5, -2, { invalid: '7x' }, null, 3.25] });
    expect(crlf.lines).toEqual([2, 3, 4, 5, 6]);
    expect((await readAll(folder, ['lf.csv'], { k: 'text', x: 'number' })).values.x).toEqual([4, { invalid: 'oops' }]);
  });

  it('agrees with Number() on 20,000 decimals of every length (the fast path is exact)', async () => {
    const numbers = Array.from({ length: 20_000 }, (_, i) =>
      ((Math.sin(i) * 10 ** ((i % 12) - 4)) as number).toFixed(i % 9),
    );
    const folder = dataFolder({ 'r.csv': `x\n${numbers.join('\n')}\n` });
    const { values } = await readAll(folder, ['r.csv'], { x: 'number' });
    expect(values.x).toEqual(numbers.map(Number));
  });

  it('reads booleans and datetimes', async () => {
    const folder = dataFolder({ 'b.csv': 'ok,at\ntrue,2024-01-31\nNo,2024-01-31T12:00:00Z\n1,2024-02-30x\n' });
    const { values } = await readAll(folder, ['b.csv'], { ok: 'bool', at: 'datetime' });
    expect(values.ok).toEqual([1, 0, 1]);
    expect(values.at).toEqual([Date.UTC(2024, 0, 31), Date.UTC(2024, 0, 31, 12), { invalid: '2024-02-30x' }]);
  });

  it('skips blank lines and keeps counting lines', async () => {
    const folder = dataFolder({ 'a.csv': 'a\n1\n\n2\n' });
    expect(await readAll(folder, ['a.csv'])).toMatchObject({ values: { a: [1, 2] }, lines: [2, 4] });
  });

  it('reads gzip files and several files as one dataset, in name order', async () => {
    const folder = dataFolder({ 'p2.csv.gz': 'a\n3\n', 'p1.csv': 'a\n1\n2\n' });
    const { values, headers } = await readAll(folder, ['p*.csv*']);
    expect(headers).toHaveLength(2);
    expect(values.a).toEqual([1, 2, 3]);
  });

  it('carries rows across chunk boundaries (a 5 MB file read in 1 MB chunks)', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},"text with ""quotes"" and, commas ${i}",${i * 0.5}`);
    const folder = dataFolder({ 'big.csv': `i,t,x\n${rows.join('\n')}\n` });
    const { values, lines } = await readAll(folder, ['big.csv'], { i: 'number', t: 'text', x: 'number' });
    expect(values.i).toEqual(Array.from({ length: 60_000 }, (_, i) => i));
    expect(values.t![59_999]).toBe('text with "quotes" and, commas 59999');
    expect(lines.at(-1)).toBe(60_001);
  });
});
