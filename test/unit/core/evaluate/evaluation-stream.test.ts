import { describe, expect, it } from 'vitest';
import { sumByBucket } from '../../../../src/core/evaluate/bucket-sums.js';
import { rankMetrics } from '../../../../src/core/evaluate/model-ranking.js';
import { disagreementsOf } from '../../../../src/core/evaluate/evaluation-state.js';
import { EvaluationStream, summedRowsFor } from '../../../../src/core/evaluate/evaluation-stream.js';
import { PredictionStream, readPredictions, type Predictions } from '../../../../src/core/evaluate/model-output.js';
import { calibrationBins } from '../../../../src/core/metrics/probability-metrics.js';
import { seededRandom } from '../../../../src/core/data/seeded-random.js';

const BUCKETS = 64;

/**
 * Two models' float32 outputs for `rows` rows of `k` classes, and labels; `logitsFrom`: the baseline's rows from there
 * on are logits.
 */
function outputs(rows: number, k: number, logitsFrom = Infinity) {
  const random = seededRandom(7);
  const labels = Float64Array.from({ length: rows }, () => Math.floor(random() * k));
  const model = (m: number) =>
    Float32Array.from({ length: rows * k }, (_, i) => {
      const r = Math.floor(i / k);
      if (m === 1 && r >= logitsFrom) return random() * 6 - 3;
      return random();
    }).map((v, i, all) => {
      // Rows of probabilities sum to 1 (as float32 rounds); logit rows stay as they are.
      const r = Math.floor(i / k);
      if (m === 1 && r >= logitsFrom) return v;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += all[r * k + c]!;
      return v / sum;
    });
  const buckets = Uint32Array.from({ length: rows }, (_, r) => (r * 2654435761) % BUCKETS);
  return { labels, buckets, raw: [model(0), model(1)] };
}

/** Streams the rows in blocks of `block`, as the scorer does: labels first, then each model's outputs so far. */
function streamed(data: ReturnType<typeof outputs>, k: number, block: number, labels = data.labels) {
  const rows = data.labels.length;
  const evaluation = new EvaluationStream(BUCKETS, true);
  const predictions = data.raw.map(() => new PredictionStream('auto'));
  for (let from = 0; from < rows; from += block) {
    const to = Math.min(rows, from + block);
    evaluation.addRows(labels.subarray(from, to), data.buckets.subarray(from, to), to - from);
    let changedFrom = from;
    data.raw.forEach(
      (raw, m) =>
        (changedFrom = Math.min(
          changedFrom,
          predictions[m]!.update({ data: raw.subarray(0, to * k), width: k, integer: false }),
        )),
    );
    evaluation.update(
      predictions.map((p) => p.result()),
      changedFrom,
    );
  }
  return evaluation;
}

describe('EvaluationStream', () => {
  for (const [k, logitsFrom] of [
    [3, Infinity],
    [3, 130],
    [2, Infinity],
  ] as const) {
    it(`sums, bins, counts and ranks exactly as the passes over the whole data do (k=${k}${logitsFrom < Infinity ? ', baseline logits found late' : ''})`, () => {
      const data = outputs(500, k, logitsFrom);
      const truth = Int32Array.from(data.labels);
      const whole: Predictions[] = data.raw.map((raw) =>
        readPredictions({ data: raw, width: k, integer: false }, 'classification', k, 'auto', String),
      );
      const evaluation = streamed(data, k, 64);
      const summed = summedRowsFor(evaluation.result(), truth, k);
      expect(summed).toBeDefined();
      expect(summed!.sums).toEqual(sumByBucket(truth, whole, data.buckets, BUCKETS));
      expect(summed!.calibration).toEqual(
        whole.map((p) => calibrationBins(truth, (p as { probabilities: Float64Array }).probabilities, k)),
      );
      expect(summed!.disagreements).toEqual(disagreementsOf(truth, whole));
      // Softmax of logits is not float32: such a model's scores are ranked from its probabilities instead.
      if (logitsFrom === Infinity) expect(evaluation.ranked()).toEqual(whole.map((p) => rankMetrics(truth, p)));
      else expect(evaluation.ranked()).toBeUndefined();
    });
  }

  it("ranks from the output's float32 bits exactly as from the scores as numbers, with 0, −0 and 1 among them", () => {
    const data = outputs(300, 3);
    // One-hot rows, some written with −0 (a distribution still: it is not below 0), and ties between them.
    for (const raw of data.raw) {
      for (let r = 0; r < 300; r += 3) {
        const hot = r % 3;
        for (let c = 0; c < 3; c++) raw[r * 3 + c] = c === hot ? 1 : r % 2 === 0 ? -0 : 0;
      }
    }
    const truth = Int32Array.from(data.labels);
    const whole: Predictions[] = data.raw.map((raw) =>
      readPredictions({ data: raw, width: 3, integer: false }, 'classification', 3, 'auto', String),
    );
    const evaluation = streamed(data, 3, 64);
    expect(evaluation.ranked()).toEqual(whole.map((p) => rankMetrics(truth, p)));
    expect(summedRowsFor(evaluation.result(), truth, 3)!.sums).toEqual(
      sumByBucket(truth, whole, data.buckets, BUCKETS),
    );
  });

  it('gives up on a label that is not a class index, and is not kept when the resolved classes read the labels otherwise', () => {
    const data = outputs(100, 3);
    const text = data.labels.slice();
    text[70] = Number.NaN;
    expect(streamed(data, 3, 32, text).result()).toBeUndefined();
    const result = streamed(data, 3, 32).result();
    const reordered = Int32Array.from(data.labels, (y) => 2 - y);
    expect(summedRowsFor(result, reordered, 3)).toBeUndefined();
    expect(summedRowsFor(result, Int32Array.from(data.labels), 4)).toBeUndefined();
    expect(summedRowsFor(result, Int32Array.from(data.labels), 3)).toBe(result);
  });

  it('gives no ranking when a model scores beyond float32 (logits read as softmax), and still sums', () => {
    const data = outputs(200, 3, 0);
    const evaluation = streamed(data, 3, 50);
    expect(evaluation.result()).toBeDefined();
    expect(evaluation.ranked()).toBeUndefined();
  });
});
