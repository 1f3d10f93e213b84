import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/core/errors.js';
import { parseContract } from '../../../src/io/contract-file.js';

describe('parseContract', () => {
  it('reads YAML and JSON', async () => {
    expect((await parseContract('columns:\n  a: { type: int, min: 0 }\n', 'c.yml')).columns.a).toEqual({
      type: 'int',
      min: 0,
    });
    expect((await parseContract('{"columns": {"a": {"type": "string"}}}', 'c.json')).columns.a).toEqual({
      type: 'string',
    });
  });

  it.each([
    ['broken YAML', 'columns:\n  a: [type\n', /^c\.yml:\d: not valid YAML/],
    [
      'an unknown rule',
      'columns:\n  a:\n    type: int\n    maximum: 3\n',
      /^c\.yml:4: \/columns\/a: must NOT have additional properties \(unknown rule "maximum"\)/,
    ],
    [
      'a wrong type',
      'columns:\n  a:\n    type: integer\n',
      /^c\.yml:3: \/columns\/a\/type: must be one of "int", "float", "bool", "string", "category", "datetime"/,
    ],
    ['no columns', 'dataset: {}\n', /^c\.yml:1: \(document root\): missing required property "columns"/],
    [
      'min above max',
      'columns:\n  a: { type: float, min: 5, max: 1 }\n',
      /^c\.yml:2: columns\.a\.min: min 5 is above max 1/,
    ],
    [
      'a range on text',
      'columns:\n  a: { type: string, min: 1 }\n',
      /^c\.yml:2: columns\.a\.min: min applies to int, float and datetime columns, not string/,
    ],
    [
      'a bad pattern',
      'columns:\n  b: { type: int }\n  a:\n    type: string\n    pattern: "(["\n',
      /^c\.yml:5: columns\.a\.pattern: pattern is not a valid regular expression/,
    ],
    [
      'a required column not described',
      'dataset:\n  required: [x]\ncolumns:\n  a: { type: int }\n',
      /^c\.yml:2: dataset\.required: required column "x" is not described under columns/,
    ],
  ])('refuses %s with the file and line', async (_, text, message) => {
    let error: unknown;
    try {
      await parseContract(text, 'c.yml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
  });
});
