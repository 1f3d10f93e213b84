import { describe, expect, it } from 'vitest';
import type { Profile } from '../../../src/core/profile/profile.js';
import { decodeFloat64, encodeArray, packSamples, unpackSamples } from '../../../src/io/partial-documents.js';

const profile = (samples: Record<string, (number | string | boolean | null)[]>): Profile =>
  ({
    schema: 'mlgate/profile@1',
    created_at: 'now',
    dataset: { files: [], rows: 3 },
    sample: { size: 3, seed: 1, priorities: [1, 2, 3] },
    columns: Object.entries(samples).map(([name, sample]) => ({
      name,
      type: 'float',
      count: 3,
      nulls: 0,
      invalid: 0,
      sample,
    })),
  }) as unknown as Profile;

describe('partial documents', () => {
  it('packs numeric sample columns (nulls included) and unpacks them exactly; text columns stay as they are', () => {
    const original = profile({ x: [1.5, null, -0], id: [1, 2, 3], c: ['a', null, 'b'] });
    const packed = packSamples(original);
    expect(Object.keys(packed.packed_samples)).toEqual(['x', 'id']);
    expect(packed.profile.columns.map((c) => c.sample)).toEqual([[], [], ['a', null, 'b']]);
    // Unpacked, numeric samples are in typed memory (NaN for null), as a profile read from its document.
    const unpacked = unpackSamples(packed.profile, packed.packed_samples, 'p.json');
    expect(unpacked.columns.map((c) => c.sample)).toEqual([
      Float64Array.from([1.5, Number.NaN, -0]),
      Float64Array.from([1, 2, 3]),
      ['a', null, 'b'],
    ]);
    expect(Object.is((unpacked.columns[0]!.sample as Float64Array)[2], -0)).toBe(true);
    expect(unpacked.sample.priorities).toEqual(Float64Array.from([1, 2, 3]));
    expect({ ...unpacked, sample: original.sample, columns: original.columns }).toEqual(original);
  });

  it('refuses damaged packed arrays with the file named', () => {
    const text = encodeArray(Float64Array.from([1, 2]));
    expect(decodeFloat64(text, 'p.json')).toEqual(Float64Array.from([1, 2]));
    expect(() => decodeFloat64(`${text.slice(0, -4)}!!!!`, 'p.json')).toThrow(
      /^p\.json: holds a packed array that is not valid base64 of 8-byte numbers/,
    );
    expect(() => decodeFloat64(text.slice(0, 8), 'p.json')).toThrow(/the partial report is damaged/);
    const packed = packSamples(profile({ x: [1, 2, 3] }));
    expect(() => unpackSamples(packed.profile, { x: encodeArray(Float64Array.from([1])) }, 'p.json')).toThrow(
      /^p\.json: the packed sample of x holds 1 values for 3 sampled rows/,
    );
  });
});
