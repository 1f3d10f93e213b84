import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/core/errors.js';
import { dataFolder, readAll } from '../../../support/datasets.js';

/** The read's error, which must be a DataError at the file and line. */
async function readError(text: string, options: Parameters<typeof readAll>[3] = {}): Promise<DataError> {
  const folder = dataFolder({ 'q.csv': text });
  const error = await readAll(folder, ['q.csv'], {}, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

// Python's csv module (default dialect) reads `1,"new"york` as ['1', 'newyork'] and `"20.5"x` as '20.5x'; with
// strict=True it raises "',' expected after '"'" on both. It keeps a quote inside an unquoted field as text
// (`ab"c` is 'ab"c', strict or not), which quote: lenient does here. RFC 4180 allows neither.
describe('RFC 4180 quoting', () => {
  it.each([
    [
      'text after a closing quote',
      'id,city\n1,"new"york\n',
      2,
      /^q\.csv:2: text after the closing quote of the field "\\"new\\"", at "york"; a quoted field must end at a delimiter or the line's end/,
    ],
    [
      'a number with text after its closing quote',
      'id,x\n1,2.5\n2,"20.5"x\n',
      3,
      /^q\.csv:3: text after the closing quote .* at "x"/,
    ],
    ['a space after the closing quote', 'id,x\n1,"a" \n', 2, /^q\.csv:2: text after the closing quote/],
    [
      'text after a quoted field that spans lines, on the line it ends',
      'id,note\n1,"two\nlines"x\n',
      3,
      /^q\.csv:3: text after the closing quote/,
    ],
    [
      'a quote inside an unquoted field',
      'id,name\n1,ok\n2,ab"c\n',
      3,
      /^q\.csv:3: a quote inside an unquoted field \("ab\\"c"\); quote the whole field .* or set quote: lenient/,
    ],
    ['a quote inside an unquoted number', 'id,x\n1,2"5\n', 2, /^q\.csv:2: a quote inside an unquoted field/],
    ['a stray quote in the header', 'id,na"me\n1,x\n', 1, /^q\.csv:1: a quote inside an unquoted header field/],
    [
      'text after a quoted header name',
      'id,"name"x\n1,x\n',
      1,
      /^q\.csv:1: text after the closing quote of a header field/,
    ],
  ])('%s is an error at its line', async (_, text, line, message) => {
    const error = await readError(text);
    expect(error.message).toMatch(message);
    expect(error.location).toMatchObject({ file: 'q.csv', line });
  });

  it('finds the error past the first chunk, where the fast path has read many rows', async () => {
    const rows = Array.from({ length: 120_000 }, (_, i) => `${i},v${i}`);
    rows[100_000] = '100000,"a"b';
    const error = await readError(`id,name\n${rows.join('\n')}\n`);
    expect(error.location?.line).toBe(100_002);
  });

  it('reads fields that end at a delimiter, a newline, CRLF or the end of the file after their closing quote', async () => {
    const folder = dataFolder({ 'ok.csv': 'a,b\r\n"x,1","y"\r\n"",""\r\n"z ""q""","w"' });
    expect((await readAll(folder, ['ok.csv'], { a: 'text', b: 'text' })).values).toEqual({
      a: ['x,1', null, 'z "q"'],
      b: ['y', null, 'w'],
    });
  });

  it('with quote: lenient, a quote inside a header name does not swallow the rows; quoted names keep their lines', async () => {
    const folder = dataFolder({
      'h.csv': 'id,a"b,x\n1,2,3\n4,"5",6\n',
      'm.csv': 'id,"two ""quoted""\nlines",x\n1,2,3\n',
    });
    expect(
      (await readAll(folder, ['h.csv'], { id: 'number', 'a"b': 'number', x: 'number' }, { quote: 'lenient' })).values,
    ).toEqual({ id: [1, 4], 'a"b': [2, 5], x: [3, 6] });
    expect(
      (await readAll(folder, ['m.csv'], { id: 'number', 'two "quoted"\nlines': 'number', x: 'number' })).values,
    ).toEqual({ id: [1], 'two "quoted"\nlines': [2], x: [3] });
  });

  it('with quote: lenient, reads a quote inside an unquoted field as text (as Python does), but not text after a closing quote', async () => {
    const folder = dataFolder({ 'l.csv': 'id,name\n1,ab"c\n2,5" pipe\n', 'bad.csv': 'id,name\n1,"new"york\n' });
    expect((await readAll(folder, ['l.csv'], { id: 'number', name: 'text' }, { quote: 'lenient' })).values).toEqual({
      id: [1, 2],
      name: ['ab"c', '5" pipe'],
    });
    expect((await readError('id,name\n1,"new"york\n', { quote: 'lenient' })).message).toMatch(
      /^q\.csv:2: text after the closing quote/,
    );
  });
});

describe('infinities and NaN in number columns', () => {
  it('reads inf, Infinity (any case, signed) as ±Infinity, NaN (any case) as missing, and refuses 1e400', async () => {
    const cells = [
      'inf',
      '-inf',
      '+inf',
      'Infinity',
      '-Infinity',
      'INF',
      'iNfInItY',
      'NaN',
      'nan',
      'NAN',
      '-nan',
      '+NaN',
      '1e400',
      'infinite',
      'nan1',
    ];
    const folder = dataFolder({ 'n.csv': `x\n${cells.join('\n')}\n` });
    const { values } = await readAll(folder, ['n.csv'], { x: 'number' });
    const inf = Number.POSITIVE_INFINITY;
    expect(values.x).toEqual([
      inf,
      -inf,
      inf,
      inf,
      -inf,
      inf,
      inf,
      null,
      null,
      null,
      null,
      null,
      { invalid: '1e400' },
      { invalid: 'infinite' },
      { invalid: 'nan1' },
    ]);
  });

  it('keeps NaN spellings as text in a column read as numbers and text (a name can be Nan)', async () => {
    const folder = dataFolder({ 'n.csv': 'who\nNan\nAnn\n' });
    expect((await readAll(folder, ['n.csv'])).values.who).toEqual(['Nan', 'Ann']);
  });
});

describe('decimal commas', () => {
  it('reads 13,52 as 13.52 with decimal ",", on the fast path and the full parser, and refuses a point', async () => {
    const folder = dataFolder({ 'd.csv': 'k;x\na;13,52\nb;-0,5\n"c";7\nd;"1,5"\ne;2,5e3\nf;1.5\ng;inf\n' });
    const { values } = await readAll(folder, ['d.csv'], { k: 'text', x: 'number' }, { delimiter: ';', decimal: ',' });
    expect(values.x).toEqual([13.52, -0.5, 7, 1.5, 2500, { invalid: '1.5' }, Number.POSITIVE_INFINITY]);
  });

  it('refuses a decimal comma with the comma as delimiter, naming both settings', async () => {
    const folder = dataFolder({ 'd.csv': 'x\n1\n' });
    await expect(readAll(folder, ['d.csv'], {}, { decimal: ',' })).rejects.toThrow(
      /^d\.csv: decimal ',' needs another delimiter than ','; set delimiter/,
    );
  });
});
