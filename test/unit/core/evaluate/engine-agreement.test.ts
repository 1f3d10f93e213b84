import { describe, expect, it } from 'vitest';
import { compareEvaluation, compareModels } from '../../../../src/core/evaluate/compare-models.js';
import type { EngineResult, EvaluationEngine, ScoredRows } from '../../../../src/core/evaluate/evaluation-engine.js';
import { scoredPredictions } from '../../../../src/core/evaluate/model-output.js';
import { BOOTSTRAP_BUCKETS } from '../../../../src/core/evaluate/poisson-bootstrap.js';
import { referenceEngine } from '../../../../src/core/evaluate/reference-engine.js';
import { BatchScorer, type ScoringTarget } from '../../../../src/io/onnx/batch-scorer.js';
import { encodeEvaluationState } from '../../../../src/io/partials/evaluation-payload.js';
import { threadedEngine } from '../../../../src/io/parallel/threaded-engine.js';
import { seededRandom } from '../../../support/models.js';

const ROWS = 1500;
const OPTIONS = { bucketCount: BOOTSTRAP_BUCKETS, replicates: 200, seed: 11 };

/** A model's outputs for every row: `width` float32 numbers a row (int32 class indices with `integer`). */
interface Outputs {
  data: Float32Array | Int32Array;
  width: number;
}

/**
 * Two classifiers' float32 outputs for `k` classes, the baseline worse: probability rows (summing to 1 as float32
 * rounds), or from row `logitsFrom` on the baseline's logits (found late: everything streamed so far is read again).
 */
function classifiers(k: number, width: number, logitsFrom = Infinity) {
  const random = seededRandom(k * 31 + width);
  const labels = Float64Array.from({ length: ROWS }, () => Math.floor(random() * k));
  const model = (m: number): Outputs => {
    const data = new Float32Array(ROWS * width);
    for (let r = 0; r < ROWS; r++) {
      const scores = Array.from({ length: k }, (_, c) => random() + (c === labels[r] ? 1.2 - m * 0.5 : 0));
      if (m === 1 && r >= logitsFrom) {
        for (let c = 0; c < width; c++) data[r * width + c] = scores[c]! * 4 - 2;
        continue;
      }
      const total = scores.reduce((a, b) => a + b, 0);
      // One column: the probability of class 1.
      if (width === 1) data[r] = scores[1]! / total;
      else for (let c = 0; c < k; c++) data[r * width + c] = scores[c]! / total;
    }
    return { data, width };
  };
  return { labels, outputs: [model(0), model(1)] };
}

/** Two regressors' outputs, the baseline noisier. */
function regressors() {
  const random = seededRandom(5);
  const labels = Float64Array.from({ length: ROWS }, () => 100 + random() * 50);
  const model = (noise: number): Outputs => ({
    data: Float32Array.from(labels, (y) => y + (random() - 0.5) * noise),
    width: 1,
  });
  return { labels, outputs: [model(4), model(9)] };
}

/**
 * Scores the rows as a run does (BatchScorer, batches of 128, read in parts of 300 with their labels and buckets),
 * with models that give the outputs above; the scorer sums and splits the classifiers' rows as they come.
 */
async function score(labels: Float64Array, outputs: Outputs[], task: 'classification' | 'regression', split: boolean) {
  const buckets = Uint32Array.from({ length: ROWS }, (_, r) => Math.imul(r + 1, 2654435761) >>> 20);
  const targets: ScoringTarget[] = outputs.map((o, m) => {
    let at = 0;
    return {
      name: `model ${m}`,
      outputName: 'output',
      columns: [0],
      ...(task === 'classification' ? { predict: 'auto' as const } : {}),
      run: async (_features, rows) => {
        const data = o.data.subarray(at * o.width, (at + rows) * o.width);
        at += rows;
        return {
          data,
          dims: o.width === 1 ? [rows] : [rows, o.width],
          type: o.data instanceof Int32Array ? 'int64' : 'float32',
        };
      },
    };
  });
  const scorer = new BatchScorer(targets, 1, 128, { bucketCount: BOOTSTRAP_BUCKETS, splitRankKeys: split });
  const feature = new Float64Array(300);
  for (let from = 0; from < ROWS; from += 300) {
    const to = Math.min(ROWS, from + 300);
    await scorer.add([feature], to - from, { labels: labels.subarray(from, to), buckets: buckets.subarray(from, to) });
  }
  const scored = await scorer.finish();
  const k = task === 'classification' ? Math.max(2, outputs[0]!.width) : 0;
  const truth = task === 'classification' ? Int32Array.from(labels) : labels;
  const predictions = scored.models.map((m) => scoredPredictions(m, task, k, 'auto', String));
  return { scorer, scored, rows: { truth, predictions, buckets } satisfies ScoredRows };
}

/** The float64 numbers as bits: equal only when every number is the same double. */
function bits(values: Float64Array | undefined): string | undefined {
  return values && Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex');
}

/** A shard's state from each engine: the same partial report, byte for byte. */
function expectSameShardState(threaded: EvaluationEngine, rows: ScoredRows): void {
  const shard = threaded.accumulate(rows, BOOTSTRAP_BUCKETS);
  const reference = referenceEngine.accumulate(rows, BOOTSTRAP_BUCKETS);
  expect(JSON.stringify(encodeEvaluationState(shard))).toBe(JSON.stringify(encodeEvaluationState(reference)));
}

function expectSameResult(threaded: EngineResult, reference: EngineResult): void {
  const { sums: t, ...tState } = threaded.state;
  const { sums: r, ...rState } = reference.state;
  expect({ ...t, sums: undefined }).toEqual({ ...r, sums: undefined });
  expect(bits(t.sums)).toBe(bits(r.sums));
  expect(tState).toEqual(rState);
  expect(threaded.ranks).toEqual(reference.ranks);
  expect(bits(threaded.replicateTotals)).toBe(bits(reference.replicateTotals));
}

const integerBaseline = (k: number): Outputs => ({
  data: Int32Array.from({ length: ROWS }, (_, r) => (r * 7) % k),
  width: 1,
});

describe('the threaded engine agrees with the reference engine, for one run and for a shard', () => {
  const cases = [
    { name: 'binary, two probability columns', make: () => classifiers(2, 2), streamed: true },
    { name: 'binary, one probability column', make: () => classifiers(2, 1), streamed: true },
    { name: 'three classes', make: () => classifiers(3, 3), streamed: true },
    { name: 'five classes', make: () => classifiers(5, 5), streamed: true },
    // Summed again from the start once the baseline's rows turn out to be logits.
    { name: 'three classes, the baseline logits found late', make: () => classifiers(3, 3, 700), streamed: true },
    // Integer outputs are not streamed: the threaded engine sums the rows at the end, as the reference does.
    {
      name: 'three classes, a baseline that outputs labels',
      make: () => {
        const data = classifiers(3, 3);
        return { ...data, outputs: [data.outputs[0]!, integerBaseline(3)] };
      },
      streamed: false,
    },
  ];
  for (const { name, make, streamed } of cases) {
    for (const split of [false, true]) {
      it(`classification, ${name}${split ? ', scores split by class as they came' : ''}: every sum, bin, count, rank, replicate and shard state, to the bit`, async () => {
        const { labels, outputs } = make();
        const { scorer, scored, rows } = await score(labels, outputs, 'classification', split);
        const debug: string[] = [];
        let meanwhile = 0;
        const engine = threadedEngine(scorer, scored, { debug: (m) => debug.push(m) });
        const threaded = await engine.evaluate(rows, OPTIONS, () => meanwhile++);
        const reference = await referenceEngine.evaluate(rows, OPTIONS, () => meanwhile++);
        expect(meanwhile).toBe(2);
        // The fast path was taken where it can be: the test would hold nothing otherwise.
        expect(debug.includes('The additive metrics were summed as the rows were scored')).toBe(streamed);
        if (split && streamed && name !== 'three classes, the baseline logits found late')
          expect(scored.rankKeys).toBeDefined();
        expectSameResult(threaded, reference);
        expectSameShardState(engine, rows);
        // And so every metric, interval and test of the report.
        const compared = compareEvaluation(rows, threaded, OPTIONS);
        expect(compared).toEqual(compareEvaluation(rows, reference, OPTIONS));
        expect(compared).toEqual(
          compareModels(rows.truth, rows.predictions[0]!, rows.predictions[1], rows.buckets, OPTIONS),
        );
        expect(compared.candidate.roc_auc?.value).toBeGreaterThan(0.5);
        expect(compared.comparisons.find((c) => c.metric === 'accuracy')?.ci_low).toBeTypeOf('number');
      });
    }
  }

  it('regression: every sum, replicate, metric and interval, to the bit', async () => {
    const { labels, outputs } = regressors();
    const { scorer, scored, rows } = await score(labels, outputs, 'regression', false);
    const engine = threadedEngine(scorer, scored, { debug: () => {} });
    const threaded = await engine.evaluate(rows, OPTIONS);
    const reference = await referenceEngine.evaluate(rows, OPTIONS);
    expectSameResult(threaded, reference);
    expectSameShardState(engine, rows);
    const compared = compareEvaluation(rows, threaded, OPTIONS);
    expect(compared).toEqual(compareEvaluation(rows, reference, OPTIONS));
    expect(Object.keys(compared.candidate)).toEqual(['mae', 'rmse', 'r2', 'mape']);
    expect(compared.comparisons.find((c) => c.metric === 'mae')?.significant).toBe(true);
  });

  it('one model, no bootstrap', async () => {
    const { labels, outputs } = classifiers(3, 3);
    const { scorer, scored, rows } = await score(labels, outputs.slice(0, 1), 'classification', true);
    const options = { ...OPTIONS, replicates: 0 };
    const threaded = await threadedEngine(scorer, scored, { debug: () => {} }).evaluate(rows, options);
    const reference = await referenceEngine.evaluate(rows, options);
    expect(threaded.replicateTotals).toBeUndefined();
    expectSameResult(threaded, reference);
    expect(compareEvaluation(rows, threaded, options)).toEqual(compareEvaluation(rows, reference, options));
  });
});
