import fc from 'fast-check';
import { mkdtempSync, openSync, closeSync, ftruncateSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileBuilder } from '../../../src/core/profile/profile-builder.js';
import { SAMPLE_ALL, type Profile } from '../../../src/core/profile/profile.js';
import { readDocumentOfKind, writeDocument } from '../../../src/io/documents.js';
import {
  decodeNumbers,
  decodePriorities,
  decodeTexts,
  encodeNumbers,
  encodePriorities,
  encodeTexts,
} from '../../../src/io/profile-encoding.js';
import { VALUE, type RecordBatch } from '../../../src/core/data/batch.js';

/** Bit-for-bit equality of two float64 arrays (NaN equal to NaN, −0 not equal to +0). */
const sameBits = (a: Float64Array, b: Float64Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('profile sample encoding', () => {
  it('gives back every sample exactly, whatever its values', () => {
    const decimal = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 }))
      .map(([m, d]) => m / 10 ** d);
    const value = fc.oneof(
      decimal,
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(Number.NaN),
      fc.constant(-0),
      fc.constant(0),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (values) => {
        const sample = Float64Array.from(values);
        const encoded = encodeNumbers(sample);
        const decoded = decodeNumbers(JSON.parse(JSON.stringify(encoded)), 'p.json', '/columns/0/sample');
        // NaN (null) comes back as the one NaN the writer uses.
        const canonical = sample.map((v) => (Number.isNaN(v) ? Number.NaN : v));
        expect(sameBits(decoded, canonical)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives back large whole numbers exactly when a later value has more decimals', () => {
    // Checked at the scale of their own time only, these scaled past 2^53 once 0.1234 raised the decimals.
    for (const values of [
      [63074463698371, 0.1234],
      [734325048719, 0.123456],
      [2e15 + 1, 0.5],
      [0.5, 2e15 + 1],
    ]) {
      const sample = Float64Array.from(values);
      const decoded = decodeNumbers(JSON.parse(JSON.stringify(encodeNumbers(sample))), 'p.json', '/columns/0/sample');
      expect(sameBits(decoded, sample), values.join(', ')).toBe(true);
    }
  });

  it('stores short decimals as varints, 4 bytes of base64 a value where JSON took 7.4', () => {
    let seed = 1;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const sample = Float64Array.from({ length: 100_000 }, () => Number(((next() - 0.5) * 20).toFixed(4)));
    const encoded = encodeNumbers(sample);
    expect(encoded).toMatchObject({ encoding: 'decimal-varint', decimals: 4 });
    expect(encoded.data.length / sample.length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(Array.from(sample)).length / sample.length).toBeGreaterThan(7);
    // Values with no short decimal form fall back to float64; −0 (a CSV's "-0.0000") has a code of its own.
    expect(encodeNumbers(Float64Array.of(Math.PI, 1)).encoding).toBe('float64');
    expect(encodeNumbers(Float64Array.of(1.5, -0)).encoding).toBe('decimal-varint');
  });

  it('encodes texts by dictionary and priorities by differences, exactly', () => {
    const texts = encodeTexts(Int32Array.of(2, -1, 0, 2, 1), ['a', 'b "q"', 'é\n']);
    expect(texts.values).toEqual(['é\n', 'a', 'b "q"']);
    expect(decodeTexts(texts, 'p.json', '/columns/1/sample')).toEqual(['é\n', null, 'a', 'é\n', 'b "q"']);
    const priorities = Float64Array.of(0, 5, 5, 2 ** 40, 2 ** 53 - 1);
    const encoded = encodePriorities(priorities);
    expect(encoded).toMatchObject({ encoding: 'delta-varint', count: 5 });
    expect(decodePriorities(encoded as { encoding: 'delta-varint'; count: number; data: string }, 'p.json')).toEqual(
      priorities,
    );
    // Priorities mlgate did not make stay a JSON array.
    expect(encodePriorities([0.5, 1])).toEqual([0.5, 1]);
  });

  it('refuses damaged data with the file and the place named', () => {
    const encoded = encodeNumbers(Float64Array.of(1.5, 2.25, Number.NaN));
    expect(() => decodeNumbers({ ...encoded, count: 4 }, 'p.json', '/columns/0/sample')).toThrow(
      /^p\.json: \/columns\/0\/sample ends before its last value; the profile is damaged/,
    );
    expect(() => decodeNumbers({ ...encoded, count: 2 }, 'p.json', '/columns/0/sample')).toThrow(
      /holds more data than its 2 values/,
    );
    expect(() => decodeNumbers({ encoding: 'float64', count: 2, data: 'AAAA' }, 'p.json', '/columns/0/sample')).toThrow(
      /holds 3 bytes for 2 float64 values/,
    );
  });
});

describe('profile documents', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mlgate-profile-encoding-'));

  it('still reads version 1 (JSON arrays), numeric samples into typed memory', async () => {
    const path = join(folder, 'v1.json');
    writeFileSync(
      path,
      JSON.stringify({
        schema: 'mlgate/profile@1',
        created_at: '2026-01-01T00:00:00.000Z',
        dataset: { files: [{ path: 'a.csv', rows: 3 }], rows: 3 },
        sample: { size: 100000, seed: 1, priorities: [3, 9, 12] },
        columns: [
          { name: 'x', type: 'float', count: 2, nulls: 1, invalid: 0, sample: [1.5, null, -2] },
          { name: 'c', type: 'string', count: 3, nulls: 0, invalid: 0, sample: ['a', 'b', 'a'] },
          { name: 'b', type: 'bool', count: 3, nulls: 0, invalid: 0, sample: [true, false, true] },
        ],
      }),
    );
    const profile = await readDocumentOfKind<Profile>(path, 'v1.json', 'profile');
    expect(profile.schema).toBe('mlgate/profile@2');
    expect(profile.sample.priorities).toEqual(Float64Array.of(3, 9, 12));
    expect(profile.columns.map((c) => c.sample)).toEqual([
      Float64Array.of(1.5, Number.NaN, -2),
      ['a', 'b', 'a'],
      [true, false, true],
    ]);
  });

  it('writes a profile of every row of 1,000,000 rows and 20 numeric columns small enough to read back', async () => {
    const rows = 1_000_000;
    const builder = new ProfileBuilder({ createdAt: '2026-01-01T00:00:00.000Z', sampleSize: SAMPLE_ALL });
    const names = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const status = new Uint8Array(100_000).fill(VALUE);
    for (let start = 0; start < rows; start += 100_000) {
      const batch: RecordBatch = {
        file: 'data.csv',
        length: 100_000,
        rowIds: Float64Array.from({ length: 100_000 }, (_, i) => start + i),
        columns: names.map((name, c) => ({
          name,
          decodeAs: 'number',
          status,
          numbers: Float64Array.from(
            { length: 100_000 },
            (_, i) => ((((start + i) * (7919 + c)) % 200_003) - 100_000) / 1e4,
          ),
        })),
      } as unknown as RecordBatch;
      builder.addBatch(batch);
    }
    const { profile, samples } = builder.finishDeferred();
    const path = join(folder, 'every-row.json');
    await writeDocument(path, profile, { compact: true, deferred: samples });
    // Version 1 wrote about 222 MB, over the 32 MiB limit of the time; four bytes a value now.
    expect(statSync(path).size).toBeLessThan(90 * 1024 * 1024);
    const read = await readDocumentOfKind<Profile>(path, 'every-row.json', 'profile');
    expect(read.sample.size).toBe(SAMPLE_ALL);
    expect(read.sample.priorities).toHaveLength(rows);
    expect(read.columns[3]!.sample).toBeInstanceOf(Float64Array);
    expect(read.columns[3]!.sample).toHaveLength(rows);
  }, 60_000);

  it('refuses a profile over its limit in one line that says the limit and what to do', async () => {
    const path = join(folder, 'huge.json');
    const fd = openSync(path, 'w');
    writeSync(fd, '{"schema":"mlgate/profile@2","created_at":"2026-01-01T00:00:00.000Z"');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    await expect(readDocumentOfKind(path, 'huge.json', 'profile')).rejects.toThrow(
      /^huge\.json: 300 MiB is larger than the 256 MiB a profile may have; write the profile with a smaller sample-size \(validate-data's sample-size input\), or give drift-check the data files instead$/,
    );
    const report = join(folder, 'report.json');
    const other = openSync(report, 'w');
    writeSync(other, '{"schema":"mlgate/drift-report@1"');
    ftruncateSync(other, 40 * 1024 * 1024);
    closeSync(other);
    await expect(readDocumentOfKind(report, 'report.json', 'drift-report')).rejects.toThrow(
      /^report\.json: 40 MiB is larger than the 32 MiB a drift-report may have/,
    );
  });
});
