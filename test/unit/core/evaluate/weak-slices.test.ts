import { describe, expect, it } from 'vitest';
import { numericSearchColumn, searchColumnOf, type SliceSource } from '../../../../src/core/evaluate/slices.js';
import {
  countQuartiles,
  countSlices,
  NO_SLICE,
  pairedRowsOf,
  quartileCodes,
  searchCells,
  searchPairs,
  testSlice,
  weakSlicesOf,
  type CodedColumn,
  type QuartileColumn,
  type SearchColumn,
} from '../../../../src/core/evaluate/weak-slices.js';
import { mcnemarTest } from '../../../../src/core/stats/mcnemar.js';
import { seededRandom } from '../../../support/models.js';

const REGIONS = ['north', 'south', 'east', 'west'];

/**
 * 40,000 rows, two classifiers equal everywhere but in region east, where the candidate errs on a third of its right
 * rows.
 */
function planted(rows = 40_000, broken = 'east') {
  const random = seededRandom(3);
  const truth = new Int32Array(rows);
  const candidate = new Int32Array(rows);
  const baseline = new Int32Array(rows);
  const region = new Int32Array(rows);
  const age = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    truth[r] = random() < 0.5 ? 1 : 0;
    region[r] = Math.floor(random() * 4);
    age[r] = 18 + Math.floor(random() * 60);
    const right = random() < 0.85;
    baseline[r] = right ? truth[r]! : 1 - truth[r]!;
    const spoilt = REGIONS[region[r]!] === broken && right && random() < 0.33;
    // Elsewhere the candidate swaps right and wrong rows at random, as many of each (0.85 × 0.03 = 0.15 × 0.17): no
    // real change.
    const swap = REGIONS[region[r]!] !== broken && random() < (right ? 0.03 : 0.17);
    candidate[r] = spoilt || swap ? 1 - baseline[r]! : baseline[r]!;
  }
  const asPredictions = (predicted: Int32Array) => ({
    task: 'classification' as const,
    k: 2,
    kind: 'labels' as const,
    predicted,
  });
  const source: SliceSource = {
    name: 'region',
    numbers: new Float64Array(rows).fill(Number.NaN),
    ids: region,
    dictionary: REGIONS,
  };
  return { truth, candidate: asPredictions(candidate), baseline: asPredictions(baseline), source, age };
}

describe('the weak-slice search', () => {
  it('finds the one region where the candidate is worse, and its size and change, with Holm over every slice', () => {
    const { truth, candidate, baseline, source, age } = planted();
    const columns = [
      searchColumnOf(source)!,
      numericSearchColumn('age', [age.subarray(0, 10_000), age.subarray(10_000)]),
    ];
    const { cells, pairs } = searchCells(columns, pairedRowsOf(truth, candidate as never, baseline as never));
    expect(pairs).toBe(true);
    const search = weakSlicesOf(cells, {
      task: 'classification',
      minRows: 30,
      alpha: 0.05,
      columns: ['region', 'age'],
      pairs,
    });
    // 5 region slices (4 values and empty) + 4 quartiles + 5×4 pair cells, those with at least 30 rows tested.
    expect(search.tested).toBe(cells.filter((c) => c.counts.rows >= 30).length);
    expect(search.slices.length).toBeGreaterThan(0);
    const top = search.slices[0]!;
    expect(top.where).toEqual([{ column: 'region', value: 'east' }]);
    const east = Array.from(source.ids).filter((id) => id === 2).length;
    expect(top.rows).toBe(east);
    expect(top.difference).toBeLessThan(-0.2);
    expect(top.p_adjusted).toBeGreaterThanOrEqual(top.p_value);
    // Every slice listed is region east (alone or paired with an age quartile), or an age quartile, a quarter of
    // whose rows are east's: no other region is listed.
    expect(
      search.slices.every(
        (s) =>
          s.where.some((w) => w.column === 'region' && w.value === 'east') ||
          (s.where.length === 1 && s.where[0]!.column === 'age'),
      ),
    ).toBe(true);
    expect(search.slices.some((s) => s.where.length === 2)).toBe(true);
  });

  it('finds nothing when the candidate is the baseline, or only randomly different', () => {
    const { truth, baseline, source, age } = planted(40_000, 'nowhere');
    const columns = [
      searchColumnOf(source)!,
      numericSearchColumn('age', [age.subarray(0, 10_000), age.subarray(10_000)]),
    ];
    const same = searchCells(columns, pairedRowsOf(truth, baseline as never, baseline as never));
    expect(
      weakSlicesOf(same.cells, { task: 'classification', minRows: 30, alpha: 0.05, columns: [], pairs: true }).slices,
    ).toEqual([]);
    const { candidate } = planted(40_000, 'nowhere');
    const random = searchCells(columns, pairedRowsOf(truth, candidate as never, baseline as never));
    expect(
      weakSlicesOf(random.cells, { task: 'classification', minRows: 30, alpha: 0.05, columns: [], pairs: true }).slices,
    ).toEqual([]);
  });

  it('tests each slice with McNemar on its discordant rows, and counts that add up to the rows', () => {
    const outcome = Uint8Array.from([3, 1, 2, 2, 0, 3, 2, 2]);
    const column: CodedColumn = {
      name: 'c',
      codes: Uint8Array.from([0, 0, 0, 0, 1, 1, 1, NO_SLICE]),
      labels: ['a', 'b'],
      categorical: true,
    };
    const [a, b] = countSlices(column, { task: 'classification', outcome });
    expect(a).toEqual({ rows: 4, candidate_right: 2, baseline_only: 2, candidate_only: 1 });
    expect(b).toEqual({ rows: 3, candidate_right: 1, baseline_only: 1, candidate_only: 0 });
    const test = testSlice(a!);
    expect(test).toEqual({
      metric: 'accuracy',
      candidate: 0.5,
      baseline: 0.75,
      pValue: mcnemarTest(2, 1).pValue,
      worse: true,
    });
  });

  it('tests regression slices with a paired z-test of the absolute errors', () => {
    // d = |e_c| − |e_b| = [1, 2, 3, 2]: mean 2, sample variance 2/3; z = 2 / sqrt((2/3)/4) ≈ 4.899, p = 2·sf(z).
    const rows = {
      task: 'regression' as const,
      candidateError: Float64Array.from([1, 2, 3, 2]),
      baselineError: new Float64Array(4),
    };
    const [counts] = countSlices({ codes: new Uint8Array(4), labels: ['all'] }, rows);
    const test = testSlice(counts!);
    expect(test.metric).toBe('mae');
    expect(test.candidate - test.baseline).toBe(2);
    // scipy: 2 * scipy.stats.norm.sf(2 / (2 / 3 / 4) ** 0.5) = 9.634e-07
    expect(test.pValue).toBeCloseTo(9.634e-7, 9);
    expect(test.worse).toBe(true);
  });

  it('counts quartiles and their cells with a text column in one pass, as the plain count of stored codes does', () => {
    for (const task of ['classification', 'regression'] as const) {
      const { truth, candidate, baseline, source, age } = planted(5000);
      const rows =
        task === 'classification'
          ? pairedRowsOf(truth, candidate as never, baseline as never)
          : {
              task,
              candidateError: Float64Array.from(age, (a) => a / 10),
              baselineError: Float64Array.from(truth, (y) => y * 3),
            };
      const region = searchColumnOf(source)! as CodedColumn;
      const quartiles = numericSearchColumn('age', [
        age.subarray(0, 1234),
        age.subarray(1234, 4000),
        age.subarray(4000),
      ]);
      const codes = quartileCodes(quartiles);
      const fused = countQuartiles(quartiles, rows, [region]);
      // The plain twin: the quartiles stored, then counted as a text column's slices are.
      expect(fused.singles).toEqual(countSlices(codes, rows));
      expect(fused.pairs[0]).toEqual(countSlices(region, rows, codes));
      if (task === 'classification') {
        // And each cell's rows picked one by one.
        fused.pairs[0]!.forEach((counts, cell) => {
          const picked = Array.from(truth.keys()).filter(
            (r) => region.codes[r] === Math.floor(cell / 4) && codes.codes[r] === cell % 4,
          );
          const outcome = picked.map((r) => (rows as { outcome: Uint8Array }).outcome[r]!);
          expect(counts).toEqual({
            rows: picked.length,
            candidate_right: outcome.filter((o) => o & 1).length,
            baseline_only: outcome.filter((o) => o === 2).length,
            candidate_only: outcome.filter((o) => o === 1).length,
          });
        });
      }
      // In parts or whole, the same edges.
      expect(numericSearchColumn('age', [age]).edges).toEqual(quartiles.edges);
      // The search lists a pair in column order whichever column is counted first.
      const forward = searchCells([region, quartiles], rows, { pairMinRows: 1 }).cells.filter(
        (c) => c.where.length === 2,
      );
      const backward = searchCells([quartiles, region], rows, { pairMinRows: 1 }).cells.filter(
        (c) => c.where.length === 2,
      );
      expect(forward.map((c) => [c.where.map((w) => w.value).join('|'), c.counts])).toEqual(
        countSlices(region, rows, codes).flatMap((counts, cell) =>
          counts.rows > 0 ? [[`${region.labels[Math.floor(cell / 4)]}|${quartiles.labels[cell % 4]}`, counts]] : [],
        ),
      );
      expect(
        backward
          .map((c) => [
            c.where
              .map((w) => w.value)
              .reverse()
              .join('|'),
            c.counts,
          ])
          .sort(),
      ).toEqual(forward.map((c) => [c.where.map((w) => w.value).join('|'), c.counts]).sort());
    }
  });

  it('pairs each text column with the others, within a bound', () => {
    const col = (name: string, categorical: boolean): SearchColumn => ({
      name,
      codes: new Uint8Array(0),
      labels: [],
      categorical,
    });
    expect(searchPairs([col('a', false), col('b', true), col('c', false), col('d', false)])).toEqual([
      [0, 1],
      [1, 2],
      [1, 3],
    ]);
    expect(searchPairs([col('a', true), col('b', true), col('c', true)], 2)).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });

  it('leaves out text columns of many values (ids), and cuts many-valued numbers into quartiles', () => {
    const ids: SliceSource = {
      name: 'id',
      numbers: new Float64Array(100).fill(Number.NaN),
      ids: Int32Array.from({ length: 100 }, (_, r) => r),
      dictionary: Array.from({ length: 100 }, (_, r) => `id${r}`),
    };
    expect(searchColumnOf(ids)).toBeUndefined();
    const values = Float64Array.from({ length: 100 }, (_, r) => r);
    const quartiles = searchColumnOf({
      name: 'x',
      numbers: values,
      ids: Int32Array.from({ length: 100 }, (_, r) => r),
      dictionary: Array.from({ length: 100 }, (_, r) => String(r)),
    }) as QuartileColumn;
    expect(quartiles.labels).toEqual(['< 24', '[24, 49)', '[49, 74)', '≥ 74']);
    const { codes } = quartileCodes(quartiles);
    expect(Array.from(codes.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(codes[99]).toBe(3);
  });
});
