import { describe, expect, it } from 'vitest';
import { sumByBucket } from '../../../../src/core/evaluate/bucket-sums.js';
import { resolveClasses } from '../../../../src/core/evaluate/class-labels.js';
import { compareModels, exactMetrics } from '../../../../src/core/evaluate/compare-models.js';
import { readPredictions, type Predictions } from '../../../../src/core/evaluate/model-output.js';
import {
  fileIdentity,
  percentileInterval,
  poissonWeight,
  rowBucket,
} from '../../../../src/core/evaluate/poisson-bootstrap.js';
import { hashText } from '../../../../src/core/hashing.js';
import { sliceRows } from '../../../../src/core/evaluate/slices.js';
import { parsePolicy } from '../../../../src/core/gate/parse-policy.js';
import { HIGHER_IS_BETTER } from '../../../../src/core/evaluate/compare-models.js';
import { seededRandom } from '../../../support/models.js';

const here = (row: number) => `data.csv:${row + 2}`;

describe('reading a model output', () => {
  it.each([
    [
      'rows that are distributions as probabilities',
      new Float32Array([0.2, 0.8, 0.6, 0.4]),
      2,
      false,
      'probabilities',
      [1, 0],
    ],
    ['other scores as logits', new Float32Array([2, -1, 0, -5, 1, 3]), 3, false, 'logits', [0, 2]],
    ['integer outputs as class indices', new Int32Array([1, 0, 1]), 1, true, 'labels', [1, 0, 1]],
    [
      'one column in [0, 1] as the probability of class 1',
      new Float32Array([0.9, 0.1]),
      1,
      false,
      'probabilities',
      [1, 0],
    ],
    ['one column outside [0, 1] as a logit', new Float32Array([3, -2]), 1, false, 'logits', [1, 0]],
  ] as const)('reads %s', (_, data, width, integer, kind, predicted) => {
    const k = width === 1 ? 2 : width;
    const p = readPredictions({ data, width, integer }, 'classification', k, 'auto', here);
    expect(p.task === 'classification' && [p.kind, Array.from(p.predicted)]).toEqual([kind, predicted]);
  });

  it('turns logits into probabilities that sum to 1', () => {
    const p = readPredictions(
      { data: new Float32Array([1, 2, 3]), width: 3, integer: false },
      'classification',
      3,
      'auto',
      here,
    );
    const probabilities = p.task === 'classification' ? Array.from(p.probabilities!) : [];
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(probabilities[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
  });

  it.each([
    ['NaN', new Float32Array([0.5, Number.NaN]), 1, 2, /^the model's output is NaN for data\.csv:3/],
    [
      'a width that is not the number of classes',
      new Float32Array([0.2, 0.3, 0.5]),
      3,
      2,
      /^the model outputs 3 scores per row but the data has 2 classes/,
    ],
  ])('refuses %s', (_, data, width, k, message) => {
    expect(() => readPredictions({ data, width, integer: false }, 'classification', k, 'auto', here)).toThrow(message);
  });
});

describe('resolving classes', () => {
  const labels = (texts: string[]) => {
    const dictionary = [...new Set(texts)];
    return {
      name: 'y',
      numbers: Float64Array.from(texts, Number),
      ids: Int32Array.from(texts, (t) => dictionary.indexOf(t)),
      dictionary,
    };
  };
  it('uses the declared order', () => {
    expect(resolveClasses(labels(['sun', 'rain', 'fog']), ['rain', 'sun', 'fog'], 3, here)).toEqual({
      classes: ['rain', 'sun', 'fog'],
      truth: Int32Array.from([1, 0, 2]),
    });
  });
  it('reads 0..k-1 labels (also written 1.0) as the output indices', () => {
    expect(resolveClasses(labels(['2', '0', '1.0']), undefined, 3, here).truth).toEqual(Int32Array.from([2, 0, 1]));
  });
  it('sorts other labels as scikit-learn orders classes_ (numbers numerically)', () => {
    expect(resolveClasses(labels(['10', '9', '100']), undefined, 3, here).classes).toEqual(['9', '10', '100']);
    expect(resolveClasses(labels(['b', 'a', 'c']), undefined, 3, here).classes).toEqual(['a', 'b', 'c']);
  });
  it('names the row of a label the model does not know', () => {
    expect(() => resolveClasses(labels(['a', 'z']), ['a', 'b'], 2, here)).toThrow(
      /^data\.csv:3: the label y is "z", which is not one of the model's classes \(a, b\)/,
    );
  });
});

/** n rows with a true class and two models' predictions, correct with the given probabilities. */
function pairedData(n: number, candidateAccuracy: number, baselineAccuracy: number, seed = 3) {
  const random = seededRandom(seed);
  const truth = Int32Array.from({ length: n }, () => Math.floor(random() * 3));
  const predict = (accuracy: number): Predictions => {
    const predicted = Int32Array.from(truth, (y) => (random() < accuracy ? y : (y + 1 + Math.floor(random() * 2)) % 3));
    const probabilities = new Float64Array(n * 3);
    predicted.forEach((p, r) => {
      for (let c = 0; c < 3; c++) probabilities[r * 3 + c] = c === p ? 0.7 : 0.15;
    });
    return { task: 'classification', k: 3, predicted, probabilities, kind: 'probabilities' };
  };
  const buckets = Uint32Array.from({ length: n }, (_, r) => rowBucket(hashText('data.csv'), r * 37, 4096));
  return { truth, candidate: predict(candidateAccuracy), baseline: predict(baselineAccuracy), buckets };
}

describe('the paired Poisson bootstrap', () => {
  it('identifies a file by its place in the dataset, and a row by its file and offset (pinned: they set every interval)', () => {
    expect([0, 1, 2, 65535].map(fileIdentity)).toEqual([900943122, 3762194890, 260110647, 246842674]);
    expect([0, 37, 1e6, 2 ** 40 + 3].map((row) => rowBucket(fileIdentity(0), row, 4096))).toEqual([
      2418, 796, 3881, 1422,
    ]);
    expect([0, 37].map((row) => rowBucket(fileIdentity(1), row, 4096))).toEqual([621, 3584]);
  });

  it('gives Poisson(1) weights: mean 1, variance 1, P(0) = e^-1', () => {
    const weights = Array.from({ length: 200_000 }, (_, i) => poissonWeight(11, i % 4096, Math.floor(i / 4096)));
    const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
    const variance = weights.reduce((a, b) => a + (b - mean) ** 2, 0) / weights.length;
    expect(mean).toBeCloseTo(1, 1.5);
    expect(variance).toBeCloseTo(1, 1.5);
    expect(weights.filter((w) => w === 0).length / weights.length).toBeCloseTo(Math.exp(-1), 2);
  });

  it('draws the same weights as the inverse CDF it is defined by (the table of high bits changes nothing)', () => {
    // Pinned from the plain inverse-CDF search over every uniform: a weighted sum of 300,000 weights and their counts.
    let sum = 0;
    const counts = new Array<number>(12).fill(0);
    for (let i = 0; i < 300_000; i++) {
      const w = poissonWeight(7, i % 4096, Math.floor(i / 4096));
      sum += w * ((i % 997) + 1);
      counts[w]!++;
    }
    expect(sum).toBe(149_253_023);
    expect(counts).toEqual([110_461, 110_428, 55_143, 18_339, 4_538, 932, 140, 18, 1, 0, 0, 0]);
  });

  it('is deterministic for a seed, and another seed gives other intervals', () => {
    const { truth, candidate, baseline, buckets } = pairedData(5000, 0.8, 0.78);
    const run = (seed: number) =>
      compareModels(truth, candidate, baseline, buckets, { replicates: 300, seed, bucketCount: 4096 }).comparisons.find(
        (c) => c.metric === 'accuracy',
      )!;
    expect(run(1)).toEqual(run(1));
    expect(run(2).ci_low).not.toBe(run(1).ci_low);
  });

  it('has the width of the normal approximation for accuracy: ±1.96·sqrt(p(1−p)/n)', () => {
    const { truth, candidate, buckets } = pairedData(20_000, 0.8, 0.8);
    const { candidate: metrics } = compareModels(truth, candidate, undefined, buckets, {
      replicates: 1000,
      seed: 5,
      bucketCount: 4096,
    });
    const { value, ci_low, ci_high } = metrics.accuracy!;
    const halfWidth = 1.96 * Math.sqrt((value! * (1 - value!)) / 20_000);
    expect((ci_high! - ci_low!) / 2 / halfWidth).toBeGreaterThan(0.85);
    expect((ci_high! - ci_low!) / 2 / halfWidth).toBeLessThan(1.15);
  });

  it('calls a 3-point gain on 20,000 rows significant, and no difference not significant', () => {
    const gain = pairedData(20_000, 0.83, 0.8);
    const accuracy = (d: ReturnType<typeof pairedData>) =>
      compareModels(d.truth, d.candidate, d.baseline, d.buckets, {
        replicates: 500,
        seed: 9,
        bucketCount: 4096,
      }).comparisons.find((c) => c.metric === 'accuracy')!;
    expect(accuracy(gain).significant).toBe(true);
    const same = pairedData(20_000, 0.8, 0.8, 4);
    const noise = { ...same, baseline: same.candidate };
    expect(accuracy(noise)).toMatchObject({ difference: 0, ci_low: 0, ci_high: 0, significant: false });
  });

  it('adds up over shards: the bucket sums of the parts are the bucket sums of the whole', () => {
    const { truth, candidate, baseline, buckets } = pairedData(3000, 0.8, 0.7);
    const whole = sumByBucket(truth, [candidate, baseline], buckets, 4096).sums;
    const part = (from: number, to: number) => {
      const slice = (p: Predictions): Predictions =>
        p.task === 'classification'
          ? { ...p, predicted: p.predicted.slice(from, to), probabilities: p.probabilities!.slice(from * 3, to * 3) }
          : p;
      return sumByBucket(truth.slice(from, to), [slice(candidate), slice(baseline)], buckets.slice(from, to), 4096)
        .sums;
    };
    const [a, b] = [part(0, 1234), part(1234, 3000)];
    const merged = a.map((v, i) => v + b[i]!);
    for (let i = 0; i < whole.length; i++) expect(merged[i]).toBeCloseTo(whole[i]!, 9);
  });

  it('gives point values equal to the metrics checked against scikit-learn, computed from the bucket sums', () => {
    const { truth, candidate, baseline, buckets } = pairedData(5000, 0.8, 0.7);
    const { candidate: metrics } = compareModels(truth, candidate, baseline, buckets, {
      replicates: 0,
      seed: 1,
      bucketCount: 4096,
    });
    const exact = exactMetrics(truth, candidate);
    expect(Object.keys(metrics)).toEqual(Object.keys(exact));
    for (const [name, value] of Object.entries(exact))
      expect(Math.abs(metrics[name]!.value! - value), name).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(value)));
  });

  it('takes percentiles by linear interpolation, as numpy.percentile', () => {
    const [low, high] = percentileInterval(
      Float64Array.from({ length: 101 }, (_, i) => i),
      0.9,
    )!;
    expect([low, high].map((v) => Number(v.toFixed(9)))).toEqual([5, 95]);
    expect(percentileInterval(Float64Array.from([0, 10]), 0.5)).toEqual([2.5, 7.5]);
    expect(percentileInterval(Float64Array.from([1]))).toBeUndefined();
  });
});

describe('slices', () => {
  it('slices a category by value and a many-valued number by quartile', () => {
    const dictionary = ['north', 'south'];
    const byValue = sliceRows({
      name: 'region',
      numbers: new Float64Array(4).fill(Number.NaN),
      ids: Int32Array.from([0, 1, 0, -1]),
      dictionary,
    });
    expect(Object.fromEntries(byValue)).toEqual({ north: [0, 2], south: [1], '(empty)': [3] });
    const values = Array.from({ length: 100 }, (_, i) => i);
    const quartiles = sliceRows({
      name: 'age',
      numbers: Float64Array.from(values),
      ids: Int32Array.from(values),
      dictionary: values.map(String),
    });
    expect([...quartiles].map(([k, rows]) => [k, rows.length])).toEqual([
      ['[0, 24)', 24],
      ['[24, 49)', 25],
      ['[49, 74)', 25],
      ['[74, 99]', 26],
    ]);
  });
});

describe('gate policy files', () => {
  it('reads value and change rules, absolute and relative', () => {
    expect(
      parsePolicy(
        {
          'significant-only': false,
          metrics: { accuracy: { min: 0.8, 'max-drop': 0.01 }, log_loss: { 'max-rise': '5%' } },
        },
        'p.yml',
        HIGHER_IS_BETTER,
      ),
    ).toEqual({
      significantOnly: false,
      metrics: {
        accuracy: { min: 0.8, maxDrop: { value: 0.01, relative: false } },
        log_loss: { maxRise: { value: 0.05, relative: true } },
      },
    });
  });
  it('reads the decision rules, what an underpowered holdout does, and the correction', () => {
    expect(
      parsePolicy(
        {
          rule: 'point',
          underpowered: 'fail',
          correction: 'none',
          metrics: { accuracy: { 'max-drop': 0.01, rule: 'non-inferiority' }, f1_macro: { 'max-drop': 0.02 } },
        },
        'p.yml',
        HIGHER_IS_BETTER,
      ),
    ).toEqual({
      significantOnly: true,
      rule: 'point',
      underpowered: 'fail',
      correction: 'none',
      metrics: {
        accuracy: { maxDrop: { value: 0.01, relative: false }, decision: 'non-inferiority' },
        f1_macro: { maxDrop: { value: 0.02, relative: false } },
      },
    });
  });
  it('reads rules for every slice', () => {
    expect(
      parsePolicy(
        { metrics: { accuracy: { min: 0.5 } }, slices: { accuracy: { min: 0.7, 'max-drop': '5%' } } },
        'p.yml',
        HIGHER_IS_BETTER,
      ).slices,
    ).toEqual({ accuracy: { min: 0.7, maxDrop: { value: 0.05, relative: true } } });
    expect(() =>
      parsePolicy({ metrics: { accuracy: { min: 0.5 } }, slices: { auc: { min: 1 } } }, 'p.yml', HIGHER_IS_BETTER),
    ).toThrow(/^p\.yml: slices\.auc is not a metric mlgate measures/);
  });
  it.each([
    ['a list', [], /^p\.yml: a gate policy is a mapping/],
    ['an unknown key', { metrics: { accuracy: { min: 1 } }, thresholds: 1 }, /^p\.yml: unknown key thresholds/],
    [
      'an unknown metric',
      { metrics: { acc: { min: 1 } } },
      /^p\.yml: metrics\.acc is not a metric mlgate measures; use one of accuracy, /,
    ],
    [
      'a tolerance that is not a number',
      { metrics: { accuracy: { 'max-drop': 'a lot' } } },
      /^p\.yml: metrics\.accuracy\.max-drop must be a non-negative number/,
    ],
    [
      'max-rise on a metric where higher is better',
      { metrics: { accuracy: { 'max-rise': 0.1 } } },
      /accuracy is better when higher, so its change rule is max-drop/,
    ],
    [
      'an unknown rule',
      { metrics: { accuracy: { above: 1 } } },
      /^p\.yml: metrics\.accuracy\.above: unknown rule; use min, max, max-drop, max-rise, rule/,
    ],
    [
      'an unknown decision rule',
      { metrics: { accuracy: { 'max-drop': 0.01, rule: 'strict' } } },
      /^p\.yml: metrics\.accuracy\.rule must be one of lenient, non-inferiority, point/,
    ],
    [
      'an unknown default decision rule',
      { rule: 'exact', metrics: { accuracy: { min: 1 } } },
      /^p\.yml: rule must be one of lenient, non-inferiority, point/,
    ],
    [
      'underpowered other than warn or fail',
      { underpowered: 'ignore', metrics: { accuracy: { min: 1 } } },
      /^p\.yml: underpowered must be warn or fail/,
    ],
    [
      'correction other than holm or none',
      { correction: 'bonferroni', metrics: { accuracy: { min: 1 } } },
      /^p\.yml: correction must be holm or none/,
    ],
  ])('refuses %s', (_, document, message) => {
    expect(() => parsePolicy(document, 'p.yml', HIGHER_IS_BETTER)).toThrow(message);
  });
});
