import { describe, expect, it } from 'vitest';
import type { ValidatorPart } from '../../../../src/core/validate/dataset-validator.js';
import { decodeValidatorPart, encodeValidatorPart } from '../../../../src/io/partials/validation-payload.js';

const TALLY = {
  column: 'id',
  rule: 'min',
  severity: 'error' as const,
  message: 'below the minimum',
  count: 1,
  examples: [{ file: 'a.csv', line: 3, value: -1 }],
};

describe('validation payload', () => {
  // Golden texts: python3 -c "import struct,base64; print(base64.b64encode(struct.pack('<2d', 5, 108)).decode())"
  // (and '<1d' 5; '<2I' 0xffffffff 0xf): base64 of the numbers' little-endian bytes.
  it('carries a sparse bitset as its values, beside the others: fewer bytes than the bitset', () => {
    const part: ValidatorPart = {
      tallies: [TALLY],
      unique: { id: { values: Float64Array.of(5), bitset: { min: 10, bits: Uint32Array.of(0, 0, 0, 1 << 2) } } },
    };
    const encoded = encodeValidatorPart(part);
    expect(encoded).toEqual({ tallies: [TALLY], unique: { id: { values: 'AAAAAAAAFEAAAAAAAABbQA==' } } });
    expect(decodeValidatorPart(encoded, 'p.json')).toEqual({
      tallies: [TALLY],
      unique: { id: { values: Float64Array.of(5, 108) } },
    });
  });

  it('carries a dense bitset as it is, and reads it back', () => {
    const part: ValidatorPart = {
      tallies: [],
      unique: { id: { values: Float64Array.of(5), bitset: { min: 100, bits: Uint32Array.of(0xffffffff, 0xf) } } },
    };
    const encoded = encodeValidatorPart(part);
    expect(encoded.unique.id).toEqual({ values: 'AAAAAAAAFEA=', bitset: { min: 100, bits: '/////w8AAAA=' } });
    expect(decodeValidatorPart(JSON.parse(JSON.stringify(encoded)), 'p.json')).toEqual(part);
  });

  it('keeps a column named __proto__ as a column', () => {
    const part: ValidatorPart = {
      tallies: [],
      unique: Object.fromEntries([['__proto__', { values: Float64Array.of(1) }]]),
    };
    const decoded = decodeValidatorPart(JSON.parse(JSON.stringify(encodeValidatorPart(part))), 'p.json');
    expect(Object.keys(decoded.unique)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded.unique)).toBe(Object.prototype);
  });

  it('names the file of a damaged array', () => {
    expect(() => decodeValidatorPart({ tallies: [], unique: { id: { values: 'AAAA' } } }, 'p.json')).toThrow(
      /^p\.json: holds a packed array that is not valid base64 of 8-byte numbers; the partial report is damaged/,
    );
  });
});
