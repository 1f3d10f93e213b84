import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NULL, TextDictionary, VALUE, type RecordBatch } from '../../../../src/core/data/batch.js';
import { mergeProfiles } from '../../../../src/core/profile/merge-profiles.js';
import { ProfileBuilder, type ProfileState } from '../../../../src/core/profile/profile-builder.js';
import { ByteOffsetCeiling } from '../../../../src/io/profile/byte-offset-bounds.js';
import { transferables } from '../../../../src/io/profile/transferables.js';
import {
  columnSample,
  SAMPLE_ALL,
  sampleNumbers,
  sortedSampleNumbers,
  type Profile,
} from '../../../../src/core/profile/profile.js';
import { writeDocument } from '../../../../src/io/documents.js';
import { encodeProfile } from '../../../../src/io/profile-encoding.js';

type Row = { x: number | null; c: string | null };

/** A batch of rows of one file, as a reader would make it, starting at row `firstRow` of the file. */
function batch(file: string, rows: readonly Row[], firstRow: number, dictionary: TextDictionary): RecordBatch {
  const n = rows.length;
  const xs = new Float64Array(n);
  const xStatus = new Uint8Array(n);
  const ids = new Int32Array(n);
  const cStatus = new Uint8Array(n);
  rows.forEach((row, i) => {
    xs[i] = row.x ?? Number.NaN;
    xStatus[i] = row.x === null ? NULL : VALUE;
    ids[i] = row.c === null ? -1 : dictionary.idOf(row.c);
    cStatus[i] = row.c === null ? NULL : VALUE;
  });
  return {
    file,
    rowIds: Float64Array.from(rows, (_, i) => firstRow + i),
    length: n,
    lines: Float64Array.from(rows, (_, i) => firstRow + i + 2),
    columns: [
      { name: 'x', decodeAs: 'number', status: xStatus, numbers: xs, invalidText: new Map() },
      { name: 'c', decodeAs: 'text', status: cStatus, ids, dictionary, invalidText: new Map() },
    ],
  };
}

/** A builder fed row ranges of files, each range in batches of `batchSize`, as one run (or shard) would feed it. */
function build(
  parts: { file: string; rows: readonly Row[]; from: number }[],
  sampleSize: number,
  batchSize = 7,
  shardShare?: number,
  sortedOnly?: boolean,
): ProfileBuilder {
  const builder = new ProfileBuilder({ createdAt: 'now', sampleSize, shardShare, sortedOnly });
  builder.declare('x', 'number', 'float');
  builder.declare('c', 'text', 'category');
  const dictionary = new TextDictionary();
  for (const part of parts) {
    for (let i = 0; i < part.rows.length; i += batchSize)
      builder.addBatch(batch(part.file, part.rows.slice(i, i + batchSize), part.from + i, dictionary));
  }
  return builder;
}

/** The profile of row ranges of files (see build). */
function profile(
  parts: { file: string; rows: readonly Row[]; from: number }[],
  sampleSize: number,
  batchSize = 7,
  shardShare?: number,
): Profile {
  return build(parts, sampleSize, batchSize, shardShare).finish();
}

const row = fc.record({
  x: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { nil: null, freq: 5 }),
  c: fc.option(fc.constantFrom('a', 'b', 'c', 'dd', 'é'), { nil: null, freq: 5 }),
});

describe("profiles merge exactly: merging the shards' profiles equals profiling the union", () => {
  it('for any split of any rows across shards and files', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 50 }),
        (rows, cuts, sampleSize) => {
          // Two files; the rows of each file split at arbitrary points into shards.
          const half = Math.floor(rows.length / 2);
          const files = [
            { file: 'a.csv', rows: rows.slice(0, half) },
            { file: 'b.csv', rows: rows.slice(half) },
          ];
          const whole = profile(
            files.map((f) => ({ ...f, from: 0 })),
            sampleSize,
          );
          const shards = files.flatMap((f) => {
            const points = [...new Set([0, ...cuts.map((c) => c % (f.rows.length + 1)), f.rows.length])].sort(
              (a, b) => a - b,
            );
            return points
              .slice(1)
              .map((end, i) => ({ file: f.file, rows: f.rows.slice(points[i], end), from: points[i]! }));
          });
          const merged = mergeProfiles(
            shards.filter((s) => s.rows.length > 0).map((s) => profile([s], sampleSize, 3)),
            'now',
          );
          expect(merged.dataset.rows).toBe(whole.dataset.rows);
          expect(merged.sample).toEqual(whole.sample);
          for (const name of ['x', 'c']) {
            const a = merged.columns.find((c) => c.name === name)!;
            const b = whole.columns.find((c) => c.name === name)!;
            expect([a.count, a.nulls, a.invalid, a.sample]).toEqual([b.count, b.nulls, b.invalid, b.sample]);
            expect(a.categories).toEqual(b.categories);
            if (b.numeric) {
              expect(a.numeric!.min).toBe(b.numeric.min);
              expect(a.numeric!.max).toBe(b.numeric.max);
              expect(a.numeric!.quantiles).toEqual(b.numeric.quantiles);
              expect(a.numeric!.histogram).toEqual(b.numeric.histogram);
              expect(a.numeric!.mean).toBeCloseTo(b.numeric.mean, 6);
              expect(Math.abs(a.numeric!.m2 - b.numeric.m2)).toBeLessThanOrEqual(1e-9 * Math.max(1, b.numeric.m2));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the k lowest-priority rows, the same whatever the batch size', () => {
    const rows: Row[] = Array.from({ length: 500 }, (_, i) => ({ x: i, c: null }));
    const a = profile([{ file: 'f.csv', rows, from: 0 }], 50, 1);
    const b = profile([{ file: 'f.csv', rows, from: 0 }], 50, 499);
    expect(a.sample).toEqual(b.sample);
    expect(Array.from(a.sample.priorities)).toEqual(Array.from(a.sample.priorities).sort((p, q) => p - q));
    expect(a.columns[0]!.sample).toHaveLength(50);
  });

  it('writes a profile whose samples are built as they are written exactly as the profile finished at once', async () => {
    // Texts that JSON escapes: each distinct text is encoded once and copied for each of its values.
    const rows: Row[] = Array.from({ length: 9_000 }, (_, i) => ({
      x: i % 13 === 0 ? null : Math.sin(i) * 1e3,
      c: i % 7 === 0 ? null : ['a', 'b "q"', 'é\n\u2028\\'][i % 3]!,
    }));
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-profile-'));
    const { profile: deferred, samples } = build([{ file: 'f.csv', rows, from: 0 }], 5_000, 64).finishDeferred();
    // The document holds empty samples; the values come from the builder as the writer asks for them.
    expect(deferred.columns.map((c) => c.sample)).toEqual([[], []]);
    await writeDocument(join(folder, 'deferred.json'), deferred, { compact: true, deferred: samples });
    const whole = profile([{ file: 'f.csv', rows, from: 0 }], 5_000, 64);
    expect(whole.columns[1]!.sample.filter((v) => v === null).length).toBeGreaterThan(0);
    expect(readFileSync(join(folder, 'deferred.json'), 'utf8')).toBe(`${JSON.stringify(encodeProfile(whole))}\n`);
  });

  it('refuses to merge profiles sampled differently', () => {
    const rows: Row[] = [{ x: 1, c: 'a' }];
    expect(() =>
      mergeProfiles([profile([{ file: 'f', rows, from: 0 }], 5), profile([{ file: 'g', rows, from: 0 }], 6)], 'now'),
    ).toThrow(/must share the sample size and seed/);
  });
});

describe('merging columns whose types were inferred part by part', () => {
  const rows = (n: number, offset: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({ x: i + offset, c: `v${i % 3}` }));
  const retyped = (
    p: Profile,
    x: Profile['columns'][number]['type'],
    c: Profile['columns'][number]['type'],
  ): Profile => ({ ...p, columns: p.columns.map((col) => ({ ...col, type: col.name === 'x' ? x : c })) });
  it('reconciles int with float, and string with category by the merged counts', () => {
    const a = retyped(profile([{ file: 'a.csv', rows: rows(40, 0), from: 0 }], 100), 'int', 'string');
    const b = retyped(profile([{ file: 'a.csv', rows: rows(40, 40), from: 40 }], 100), 'float', 'category');
    const merged = mergeProfiles([a, b], 'now');
    expect(merged.columns.map((c) => [c.name, c.type])).toEqual([
      ['x', 'float'],
      ['c', 'category'],
    ]);
  });
  it('refuses a mix that no reading explains', () => {
    const a = retyped(profile([{ file: 'a.csv', rows: rows(10, 0), from: 0 }], 100), 'float', 'category');
    const b = retyped(profile([{ file: 'a.csv', rows: rows(10, 10), from: 10 }], 100), 'datetime', 'category');
    expect(() => mergeProfiles([a, b], 'now')).toThrow(
      /^column "x" has different types in the profiles to merge \(float, datetime\)/,
    );
  });
});

describe('shard-sized samples', () => {
  const rows: Row[] = Array.from({ length: 20_000 }, (_, i) => ({ x: (i * 7919) % 1000, c: ['a', 'b', 'c'][i % 3]! }));
  const shards = (count: number, share: number) =>
    Array.from({ length: count }, (_, s) => {
      const from = Math.floor((rows.length * s) / count);
      const to = Math.floor((rows.length * (s + 1)) / count);
      return profile([{ file: 'a.csv', rows: rows.slice(from, to), from }], 2000, 500, share);
    });

  it('shards that keep about their share of the sample still merge into the sample of one run', () => {
    const whole = profile([{ file: 'a.csv', rows, from: 0 }], 2000, 500);
    for (const count of [2, 4, 7]) {
      const parts = shards(count, 1 / count);
      // Each shard keeps far fewer rows than the sample size...
      expect(Math.max(...parts.map((p) => p.sample.priorities.length))).toBeLessThan(2000 / count + 700);
      const warnings: string[] = [];
      const merged = mergeProfiles(parts, 'now', (message) => warnings.push(message));
      // ...and the merge is still exactly the sample of one run.
      expect(warnings).toEqual([]);
      expect(merged.sample).toEqual(whole.sample);
      expect(merged.columns.map((c) => c.sample)).toEqual(whole.columns.map((c) => c.sample));
    }
  });

  it('a shard that kept too few rows is reported, not merged as if exact', () => {
    const warnings: string[] = [];
    mergeProfiles(shards(4, 0.01), 'now', (message) => warnings.push(message));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^part 1 kept too few sampled rows for the merged sample to be exactly the sample of one run/,
      ),
    ]);
  });
});

describe('builders absorb the states of builders that read other parts (threads reading one file in parts)', () => {
  /** A state as a worker thread posts it: cloned, its arrays moved. */
  const posted = (state: ProfileState): ProfileState => structuredClone(state, { transfer: transferables(state) });

  it('equals profiling the union, for any split, including the sample and category counts', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.integer({ min: 1, max: 50 }),
        (rows, cuts, sampleSize) => {
          const whole = profile([{ file: 'a.csv', rows, from: 0 }], sampleSize);
          const points = [...new Set([0, ...cuts.map((c) => c % (rows.length + 1)), rows.length])].sort(
            (a, b) => a - b,
          );
          // Each part has its own dictionary, so the same text has different ids in different parts.
          const parts = points
            .slice(1)
            .map((end, i) =>
              posted(
                build(
                  [{ file: 'a.csv', rows: rows.slice(points[i], end), from: points[i]! }],
                  sampleSize,
                  3,
                  (end - points[i]!) / rows.length,
                ).state(),
              ),
            );
          const main = new ProfileBuilder({ createdAt: 'now', sampleSize });
          expect(main.canAbsorbExactly(parts)).toBe(true);
          const dictionary = new TextDictionary();
          for (const part of parts) main.absorb(part, () => dictionary);
          const absorbed = main.finish();
          expect(absorbed.dataset).toEqual(whole.dataset);
          expect(absorbed.sample).toEqual(whole.sample);
          for (const name of ['x', 'c']) {
            const a = absorbed.columns.find((c) => c.name === name)!;
            const b = whole.columns.find((c) => c.name === name)!;
            expect([a.type, a.count, a.nulls, a.invalid, a.sample, a.categories]).toEqual([
              b.type,
              b.count,
              b.nulls,
              b.invalid,
              b.sample,
              b.categories,
            ]);
            if (b.numeric) {
              expect([
                a.numeric!.min,
                a.numeric!.max,
                a.numeric!.quantiles,
                a.numeric!.histogram,
                a.numeric!.integral,
              ]).toEqual([b.numeric.min, b.numeric.max, b.numeric.quantiles, b.numeric.histogram, b.numeric.integral]);
              expect(a.numeric!.mean).toBeCloseTo(b.numeric.mean, 6);
              expect(Math.abs(a.numeric!.m2 - b.numeric.m2)).toBeLessThanOrEqual(1e-9 * Math.max(1, b.numeric.m2));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps the ids of the reader's dictionary, so batches read after the parts count with the same ids", () => {
    const dictionary = new TextDictionary();
    dictionary.idOf('zz');
    const main = new ProfileBuilder({ createdAt: 'now', sampleSize: 10 });
    main.absorb(
      build(
        [
          {
            file: 'a.csv',
            rows: [
              { x: 1, c: 'b' },
              { x: 2, c: 'a' },
            ],
            from: 0,
          },
        ],
        10,
      ).state(),
      () => dictionary,
    );
    main.addBatch(
      batch(
        'b.csv',
        [
          { x: 3, c: 'a' },
          { x: 4, c: 'zz' },
        ],
        0,
        dictionary,
      ),
    );
    expect(main.finish().columns.find((c) => c.name === 'c')!.categories!.counts).toEqual([
      ['a', 2],
      ['b', 1],
      ['zz', 1],
    ]);
  });

  it('takes rows below a ceiling from the bytes per row read so far, and says when a row the sample needed was passed over', () => {
    // Row ids stand for byte offsets here: one byte a row.
    const rows: Row[] = Array.from({ length: 40_000 }, (_, i) => ({ x: i, c: i % 3 === 0 ? 'a' : null }));
    const whole = profile([{ file: 'a.csv', rows, from: 0 }], 1000, 500);
    const limited = (dataBytes: number, part = { from: 0, to: rows.length }, shardShare?: number) => {
      const builder = new ProfileBuilder({ createdAt: 'now', sampleSize: 1000, shardShare });
      builder.declare('x', 'number', 'float');
      builder.declare('c', 'text', 'category');
      builder.limitSample(new ByteOffsetCeiling('a.csv', dataBytes));
      const dictionary = new TextDictionary();
      for (let i = part.from; i < part.to; i += 500)
        builder.addBatch(batch('a.csv', rows.slice(i, Math.min(i + 500, part.to)), i, dictionary));
      return builder;
    };
    // The bytes tell the rows: the sample is the one of a read without a ceiling.
    const right = limited(rows.length);
    expect(right.canAbsorbExactly([])).toBe(true);
    expect(right.finish().sample).toEqual(whole.sample);
    // Bytes that promise ten times the rows set the ceiling far too low: rows the sample needs were passed over.
    expect(limited(10 * rows.length).canAbsorbExactly([])).toBe(false);
    // Parts of the file, each under its own ceiling (the first in the whole's builder), absorb exactly...
    const first = limited(rows.length, { from: 0, to: 20_000 });
    const second = limited(rows.length, { from: 20_000, to: 40_000 }, 0.5).state();
    expect(first.canAbsorbExactly([second])).toBe(true);
    first.absorb(second, () => new TextDictionary());
    expect(first.finish().sample).toEqual(whole.sample);
    // ...unless a part's bytes overstated the rows.
    const main = limited(rows.length, { from: 0, to: 20_000 });
    expect(main.canAbsorbExactly([limited(10 * rows.length, { from: 20_000, to: 40_000 }, 0.5).state()])).toBe(false);
  });

  it('says when a part kept too few sampled rows for the result to be the sample of one read', () => {
    const rows: Row[] = Array.from({ length: 4000 }, (_, i) => ({ x: i, c: null }));
    const parts = (share: number) =>
      [0, 1].map((p) =>
        build(
          [{ file: 'a.csv', rows: rows.slice(p * 2000, (p + 1) * 2000), from: p * 2000 }],
          1000,
          100,
          share,
        ).state(),
      );
    expect(new ProfileBuilder({ createdAt: 'now', sampleSize: 1000 }).canAbsorbExactly(parts(0.5))).toBe(true);
    expect(new ProfileBuilder({ createdAt: 'now', sampleSize: 1000 }).canAbsorbExactly(parts(0.05))).toBe(false);
  });
});

describe('a sample of every row', () => {
  const rows = (n: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({
      x: i % 17 === 0 ? null : Number((((i * 7919) % 1009) - 500) / 100),
      c: ['a', 'b', null][i % 3]!,
    }));

  it('keeps every row with sample-size all or a number above the rows, allocating for the rows, not the number', () => {
    const all = profile([{ file: 'f.csv', rows: rows(5_000), from: 0 }], SAMPLE_ALL, 300);
    // 1e12 slots would be terabytes if allocated up front.
    const large = profile([{ file: 'f.csv', rows: rows(5_000), from: 0 }], 1e12, 300);
    const exact = profile([{ file: 'f.csv', rows: rows(5_000), from: 0 }], 5_000, 300);
    expect(all.sample.priorities).toHaveLength(5_000);
    expect(all.sample.size).toBe(SAMPLE_ALL);
    expect(all.columns).toEqual(exact.columns);
    expect(large.columns).toEqual(exact.columns);
    expect(all.sample.priorities).toEqual(exact.sample.priorities);
  });

  it('merges shards of every row into every row', () => {
    const data = rows(3_000);
    const parts = [0, 1_000, 2_200].map((from, i, starts) =>
      build([{ file: 'f.csv', rows: data.slice(from, starts[i + 1]), from }], SAMPLE_ALL, 64).finish({ part: true }),
    );
    const merged = mergeProfiles(parts, 'now');
    const whole = profile([{ file: 'f.csv', rows: data, from: 0 }], SAMPLE_ALL, 64);
    expect(merged.sample.priorities).toEqual(whole.sample.priorities);
    expect(merged.columns.map((c) => c.sample)).toEqual(whole.columns.map((c) => c.sample));
  });

  it('finishSorted gives each numeric sample sorted, without nulls, and the same summaries as finish', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 600 }), fc.integer({ min: 1, max: 700 }), (data, size) => {
        const finished = profile([{ file: 'f.csv', rows: data, from: 0 }], size, 11);
        const sorted = build([{ file: 'f.csv', rows: data, from: 0 }], size, 11).finishSorted();
        expect(sorted.sample.sorted).toBe(true);
        const x = finished.columns[0]!;
        expect(sorted.columns[0]!.sample).toEqual(Float64Array.from(sampleNumbers(x.sample)).sort());
        expect(sorted.columns[0]!.numeric).toEqual(x.numeric);
        expect({ ...sorted.columns[1]!, sample: [] }).toEqual({ ...finished.columns[1]!, sample: [] });
        expect(sortedSampleNumbers(sorted.columns[0]!.sample)).toBe(sorted.columns[0]!.sample);
      }),
      { numRuns: 100 },
    );
  });

  it('a sortedOnly builder of every row gives the profile finishSorted gives from the row sample, parts absorbed', () => {
    // Short decimals (kept as integers), −0, and any double (kept as float64).
    const decimalRow = fc.record({
      x: fc.option(
        fc.oneof(
          fc.integer({ min: -99_999, max: 99_999 }).map((m) => m / 1000),
          fc.constant(-0),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
        ),
        { nil: null, freq: 5 },
      ),
      c: fc.option(fc.constantFrom('a', 'b', 'c', 'dd', 'é'), { nil: null, freq: 5 }),
    });
    const signed = (values: ArrayLike<unknown>) => Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v));
    fc.assert(
      fc.property(fc.array(decimalRow, { minLength: 1, maxLength: 400 }), fc.nat(400), (data, cut) => {
        const at = Math.min(cut, data.length);
        const whole = (sortedOnly: boolean) => {
          const builder = build(
            [{ file: 'f.csv', rows: data.slice(0, at), from: 0 }],
            SAMPLE_ALL,
            13,
            undefined,
            sortedOnly,
          );
          const part = build(
            [{ file: 'f.csv', rows: data.slice(at), from: at }],
            SAMPLE_ALL,
            13,
            undefined,
            sortedOnly,
          );
          builder.absorb(part.state());
          return builder.finishSorted();
        };
        const plain = whole(false);
        const apart = whole(true);
        expect(apart.dataset).toEqual(plain.dataset);
        expect(apart.sample).toEqual(plain.sample);
        apart.columns.forEach((column, i) => {
          const { sample: _sample, sortedDecimals: _decimals, ...rest } = column;
          const { sample: plainSample, ...plainRest } = plain.columns[i]!;
          expect(rest).toEqual(plainRest);
          expect(signed(columnSample(column))).toEqual(signed(plainSample));
          expect(signed(Object.values(rest.numeric?.quantiles ?? {}))).toEqual(
            signed(Object.values(plainRest.numeric?.quantiles ?? {})),
          );
        });
      }),
      { numRuns: 150 },
    );
  });
});
