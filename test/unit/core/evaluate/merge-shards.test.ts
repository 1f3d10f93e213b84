import { describe, expect, it } from 'vitest';
import { compareFromState, compareModels } from '../../../../src/core/evaluate/compare-models.js';
import {
  accumulateEvaluation,
  mergeEvaluationStates,
  type EvaluationState,
} from '../../../../src/core/evaluate/evaluation-state.js';
import { readPredictions, type Predictions } from '../../../../src/core/evaluate/model-output.js';
import { BOOTSTRAP_BUCKETS, rowBucket } from '../../../../src/core/evaluate/poisson-bootstrap.js';
import { hashText } from '../../../../src/core/hashing.js';
import {
  mergeSliceStates,
  sliceMetrics,
  sliceValueStates,
  type SliceSource,
} from '../../../../src/core/evaluate/slices.js';
import {
  histogramAveragePrecision,
  histogramRocAuc,
  scoreHistogram,
} from '../../../../src/core/metrics/score-histogram.js';
import { averagePrecision, binaryRocAuc } from '../../../../src/core/metrics/ranking-metrics.js';
import type { SliceCell } from '../../../../src/core/evaluate/weak-slices.js';
import { seededRandom } from '../../../support/models.js';

const here = (row: number) => `data.csv:${row + 2}`;
const OPTIONS = { replicates: 200, seed: 7, bucketCount: BOOTSTRAP_BUCKETS };

/** A 3-class problem with two imperfect models whose float32 probabilities tie now and then. */
function problem(rows: number) {
  const random = seededRandom(11);
  const truth = new Int32Array(rows);
  const scores = [new Float32Array(rows * 3), new Float32Array(rows * 3)];
  for (let r = 0; r < rows; r++) {
    truth[r] = Math.floor(random() * 3);
    scores.forEach((s, m) => {
      for (let c = 0; c < 3; c++)
        s[r * 3 + c] = Math.round((random() + (c === truth[r] ? 0.6 + 0.2 * m : 0)) * 64) / 64 + 0.001;
    });
  }
  const models = scores.map((data) =>
    readPredictions({ data, width: 3, integer: false }, 'classification', 3, 'logits', here),
  );
  const fileHash = hashText('data.csv');
  const buckets = Uint32Array.from({ length: rows }, (_, r) => rowBucket(fileHash, r * 37, BOOTSTRAP_BUCKETS));
  return { truth, models, buckets };
}

function part<T extends Int32Array | Float64Array | Uint32Array>(array: T, start: number, stop: number): T {
  return array.slice(start, stop) as T;
}

function slicePredictions(p: Predictions, start: number, stop: number): Predictions {
  if (p.task === 'regression') return { ...p, values: p.values.slice(start, stop) };
  return {
    ...p,
    predicted: p.predicted.slice(start, stop),
    probabilities: p.probabilities?.slice(start * p.k, stop * p.k),
  };
}

/** The merged state of `n` contiguous shards of the rows. */
function shardedState(
  truth: Int32Array | Float64Array,
  models: Predictions[],
  buckets: Uint32Array,
  n: number,
): EvaluationState {
  const states: EvaluationState[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((truth.length * i) / n);
    const stop = Math.floor((truth.length * (i + 1)) / n);
    states.push(
      accumulateEvaluation(
        part(truth, start, stop),
        models.map((m) => slicePredictions(m, start, stop)),
        part(buckets, start, stop),
        BOOTSTRAP_BUCKETS,
      ),
    );
  }
  return mergeEvaluationStates(states);
}

describe('merging the evaluation of shards', () => {
  const { truth, models, buckets } = problem(6000);
  const whole = compareModels(truth, models[0]!, models[1], buckets, OPTIONS);

  for (const n of [1, 2, 4, 7]) {
    it(`${n} shard(s) give the one run's counts, additive metrics and intervals; rank metrics within their bound`, () => {
      const merged = compareFromState(shardedState(truth, models, buckets, n), OPTIONS);
      expect(merged.mcnemar).toEqual(whole.mcnemar);
      // Which class changed: the confusion matrices and per-class scores are counts, identical after the merge.
      expect(merged.classes).toEqual(whole.classes);
      expect(whole.classes.map((c) => c.confusion.flat().reduce((a, b) => a + b, 0))).toEqual([6000, 6000]);
      for (const name of ['accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'f1_weighted']) {
        // Sums of counts: identical, as are the intervals that reweight them.
        expect(merged.candidate[name]).toEqual(whole.candidate[name]);
        expect(merged.baseline![name]).toEqual(whole.baseline![name]);
        expect(merged.comparisons.find((c) => c.metric === name)).toEqual(
          whole.comparisons.find((c) => c.metric === name),
        );
      }
      for (const name of ['log_loss', 'brier', 'ece']) {
        // Sums of floats, added in another order: equal to rounding.
        for (const key of ['value', 'ci_low', 'ci_high'] as const) {
          if (whole.candidate[name]![key] === undefined) continue;
          expect(merged.candidate[name]![key]).toBeCloseTo(whole.candidate[name]![key]!, 12);
        }
      }
      for (const name of ['roc_auc', 'pr_auc']) {
        for (const side of ['candidate', 'baseline'] as const) {
          const exact = whole[side]![name]!.value!;
          const approximate = merged[side]![name]!;
          // Within the bound, give or take rounding (a bound of 0 means no bin mixes the classes: exact to rounding).
          expect(Math.abs(approximate.value! - exact)).toBeLessThanOrEqual((approximate.bound ?? 0) + 1e-12);
        }
      }
    });
  }

  it('states a bound that is small for a model whose scores are spread, and none where bins hold one class', () => {
    const random = seededRandom(3);
    const rows = 20000;
    const positive = Uint8Array.from({ length: rows }, () => (random() < 0.3 ? 1 : 0));
    const scores = Float32Array.from(positive, (y) => Math.min(1, Math.max(0, random() * 0.8 + y * 0.2)));
    const h = scoreHistogram(positive, 1, scores, 1, 0);
    const auc = histogramRocAuc(h);
    const ap = histogramAveragePrecision(h);
    expect(Math.abs(auc.value - binaryRocAuc(positive, scores))).toBeLessThanOrEqual(auc.bound);
    expect(Math.abs(ap.value - averagePrecision(positive, scores))).toBeLessThanOrEqual(ap.bound);
    expect(auc.bound).toBeLessThan(1e-3);
    expect(ap.bound).toBeLessThan(5e-3);
    const separated = scoreHistogram(Uint8Array.from([0, 0, 1, 1]), 1, Float32Array.from([0.1, 0.2, 0.8, 0.9]), 1, 0);
    expect(histogramRocAuc(separated)).toEqual({ value: 1, bound: 0 });
  });

  it('re-centres regression sums of shards that centred their labels differently', () => {
    const random = seededRandom(5);
    const rows = 3000;
    const truth = Float64Array.from({ length: rows }, () => 1000 + random() * 50);
    const model = readPredictions(
      { data: Float32Array.from(truth, (y) => y + random() * 4 - 2), width: 1, integer: false },
      'regression',
      0,
      'auto',
      here,
    );
    const fileHash = hashText('r.csv');
    const rowBuckets = Uint32Array.from({ length: rows }, (_, r) => rowBucket(fileHash, r, BOOTSTRAP_BUCKETS));
    const one = compareModels(truth, model, undefined, rowBuckets, OPTIONS);
    const merged = compareFromState(shardedState(truth, [model], rowBuckets, 4), OPTIONS);
    for (const name of ['mae', 'rmse', 'r2', 'mape']) {
      expect(merged.candidate[name]!.value).toBeCloseTo(one.candidate[name]!.value!, 9);
      expect(merged.candidate[name]!.ci_low).toBeCloseTo(one.candidate[name]!.ci_low!, 9);
    }
  });

  it('refuses states of differently shaped outputs', () => {
    const { truth: t, models: m, buckets: b } = problem(50);
    const two = accumulateEvaluation(t, m, b, BOOTSTRAP_BUCKETS);
    const one = accumulateEvaluation(t, [m[0]!], b, BOOTSTRAP_BUCKETS);
    expect(() => mergeEvaluationStates([two, one])).toThrow(/the shards scored different outputs/);
  });
});

describe('merging slices of shards', () => {
  const { truth, models } = problem(3000);
  /** A slice column, as the reader makes it: numbers where cells parse, and each cell's text. */
  const column = (name: string, texts: (string | null)[]): SliceSource => {
    const dictionary = [...new Set(texts.filter((t): t is string => t !== null))];
    return {
      name,
      numbers: Float64Array.from(texts, (t) =>
        t === null || t.trim() === '' || Number.isNaN(Number(t)) ? Number.NaN : Number(t),
      ),
      ids: Int32Array.from(texts, (t) => (t === null ? -1 : dictionary.indexOf(t))),
      dictionary,
    };
  };
  const columnPart = (source: SliceSource, start: number, stop: number): SliceSource => {
    // A shard's reader has its own dictionary: ids differ between shards, texts do not.
    const texts = Array.from(source.ids.subarray(start, stop), (id) => (id < 0 ? null : source.dictionary[id]!));
    return column(source.name, texts);
  };
  const random = seededRandom(9);
  const columns = [
    column(
      'region',
      Array.from({ length: 3000 }, (_, r) =>
        r % 17 === 0 ? null : ['north', 'south', 'east'][Math.floor(random() * 3)]!,
      ),
    ),
    column(
      'age',
      Array.from({ length: 3000 }, (_, r) => (r % 50 === 0 ? null : String(18 + Math.floor(random() * 60)))),
    ),
  ];

  for (const n of [1, 3, 7]) {
    it(`${n} shard(s): the slices of one run, by value and by quartile, rows and metrics alike`, () => {
      for (const source of columns) {
        const whole = sliceMetrics(source, truth, models[0]!, models[1], 30);
        const shards = Array.from({ length: n }, (_, i) => {
          const start = Math.floor((3000 * i) / n);
          const stop = Math.floor((3000 * (i + 1)) / n);
          return sliceValueStates(
            columnPart(source, start, stop),
            part(truth, start, stop),
            models.map((m) => slicePredictions(m, start, stop)),
            () => {
              throw new Error('too many');
            },
          );
        });
        const cells: SliceCell[] = [];
        const merged = mergeSliceStates(source.name, shards, true, 30, cells);
        expect(merged.map((s) => [s.value, s.rows])).toEqual(whole.map((s) => [s.value, s.rows]));
        // Each slice's paired test, and the counts the weak-slice search of a sharded run tests, as one run's.
        expect(merged.map((s) => s.test)).toEqual(whole.map((s) => s.test));
        expect(whole.every((s) => s.test?.method === 'mcnemar' && s.test.p_value >= 0 && s.test.p_value <= 1)).toBe(
          true,
        );
        expect(cells.map((c) => c.counts.rows)).toEqual(whole.map((s) => s.rows));
        cells.forEach((cell, i) =>
          expect(cell.counts.candidate_right! / cell.counts.rows).toBeCloseTo(whole[i]!.candidate.accuracy!.value!, 12),
        );
        merged.forEach((slice, i) => {
          for (const side of ['candidate', 'baseline'] as const) {
            for (const [name, estimate] of Object.entries(whole[i]![side]!)) {
              const got = slice[side]![name]!;
              if (name === 'roc_auc' || name === 'pr_auc')
                expect(Math.abs(got.value! - estimate.value!)).toBeLessThanOrEqual((got.bound ?? 0) + 1e-12);
              else expect(got.value).toBeCloseTo(estimate.value!, 12);
            }
          }
        });
      }
    });
  }

  it('a shard with too many values of a slice column says so', () => {
    const many = column(
      'id',
      Array.from({ length: 3000 }, (_, r) => `id${r}`),
    );
    expect(() =>
      sliceValueStates(many, truth, [models[0]!], (count) => {
        throw new Error(`${count} values`);
      }),
    ).toThrow('3000 values');
  });
});
