import { describe, expect, it } from 'vitest';
import { parseReadSettings } from '../../../../src/actions/runtime/read-inputs.js';
import type { InputReader } from '../../../../src/actions/runtime/inputs.js';

/** Inputs as the action reads them: '' for any not given. */
function inputs(given: Record<string, string>): InputReader {
  return { get: (name) => given[name] ?? '', label: (name) => `input "${name}"` };
}

describe('parseReadSettings', () => {
  it('leaves unset what the inputs leave empty (or auto), for the contract or the defaults to fill', () => {
    expect(parseReadSettings(inputs({}))).toEqual({});
    expect(parseReadSettings(inputs({ format: 'auto' }))).toEqual({});
  });

  it('takes each setting, and \\t for a tab', () => {
    expect(parseReadSettings(inputs({ format: 'tsv', delimiter: '\\t', decimal: ',', quote: 'lenient' }))).toEqual({
      format: 'tsv',
      delimiter: '\t',
      decimal: ',',
      quote: 'lenient',
    });
  });

  it.each([
    [{ format: 'xlsx' }, 'input "format" must be one of auto, csv, tsv, jsonl, parquet (got "xlsx")'],
    [{ delimiter: ';;' }, 'input "delimiter" must be one character, or \\t for tab (got ";;")'],
    [{ delimiter: '"' }, 'input "delimiter" must be one ASCII character other than a quote or a newline (got """)'],
    [{ decimal: ';' }, 'input "decimal" must be one of ., , (got ";")'],
    [{ quote: 'loose' }, 'input "quote" must be one of strict, lenient (got "loose")'],
  ])('refuses %j', (given, message) => {
    expect(() => parseReadSettings(inputs(given))).toThrow(message);
  });
});
