import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationScores, perClassScores } from '../../../../src/core/metrics/classification-metrics.js';
import { confusionMatrix } from '../../../../src/core/metrics/confusion-matrix.js';
import { brierScore, expectedCalibrationError, logLoss } from '../../../../src/core/metrics/probability-metrics.js';
import { averagePrecision, binaryRocAuc, classifierRanking } from '../../../../src/core/metrics/ranking-metrics.js';
import { sortValues } from '../../../../src/core/stats/sort-values.js';
import { regressionScores } from '../../../../src/core/metrics/regression-metrics.js';
import { ROOT } from '../../../support/run-action.js';
import { metricsFromTotals, sumByBucket } from '../../../../src/core/evaluate/bucket-sums.js';

interface Averages {
  precision: number;
  recall: number;
  f1: number;
}
interface Fixtures {
  classification: {
    name: string;
    k: number;
    y: number[];
    p: number[][];
    pred: number[];
    confusion: number[];
    per_class: { precision: number; recall: number; f1: number; support: number }[];
    accuracy: number;
    micro: Averages;
    macro: Averages;
    weighted: Averages;
    roc_auc: number;
    pr_auc: number;
    brier: number;
    log_loss: number;
    ece: number;
  }[];
  regression: { name: string; y: number[]; pred: number[]; mae: number; rmse: number; r2: number; mape: number }[];
}
/** Values computed by scikit-learn: test/fixtures/metrics/make_fixtures.py writes them with their inputs. */
const fixtures = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'metrics', 'fixtures.json'), 'utf8'),
) as Fixtures;

function agrees(actual: number, expected: number) {
  if (expected === 0) return expect(Math.abs(actual)).toBeLessThanOrEqual(1e-12);
  expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs sklearn ${expected}`).toBeLessThanOrEqual(
    1e-9,
  );
}

describe('classification metrics against scikit-learn', () => {
  it.each(fixtures.classification)(
    '$name',
    ({ k, y, p: rows, pred, confusion, accuracy, micro, macro, weighted, roc_auc, pr_auc, brier, log_loss, ece }) => {
      const p = Float64Array.from(rows.flat());
      const matrix = confusionMatrix(y, pred, k);
      expect(Array.from(matrix)).toEqual(confusion);
      const scores = classificationScores(matrix, k);
      agrees(scores.accuracy, accuracy);
      for (const [ours, theirs] of [
        [scores.micro, micro],
        [scores.macro, macro],
        [scores.weighted, weighted],
      ] as const) {
        agrees(ours.precision, theirs.precision);
        agrees(ours.recall, theirs.recall);
        agrees(ours.f1, theirs.f1);
      }
      if (k === 2) {
        const positive = y.map((v) => v === 1);
        agrees(
          binaryRocAuc(
            positive,
            rows.map((row) => row[1]!),
          ),
          roc_auc,
        );
        agrees(
          averagePrecision(
            positive,
            rows.map((row) => row[1]!),
          ),
          pr_auc,
        );
      }
      const ranking = classifierRanking(y, p, k);
      agrees(ranking.rocAuc, roc_auc);
      agrees(ranking.averagePrecision, pr_auc);
      agrees(logLoss(y, p, k), log_loss);
      agrees(brierScore(y, p, k), brier);
      agrees(expectedCalibrationError(y, p, k), ece);
      // The same metrics summed row by row, as evaluate sums them for the bootstrap.
      const summed = sumByBucket(
        Int32Array.from(y),
        [{ task: 'classification', k, predicted: Int32Array.from(pred), probabilities: p, kind: 'probabilities' }],
        new Uint32Array(y.length),
        1,
      );
      const totals = metricsFromTotals(summed, summed.sums, 0);
      agrees(totals.log_loss!, log_loss);
      agrees(totals.brier!, brier);
    },
  );
});

describe('per-class metrics against scikit-learn', () => {
  it.each(fixtures.classification)('$name', ({ k, y, pred, per_class }) => {
    const ours = perClassScores(confusionMatrix(y, pred, k), k);
    expect(ours.map((c) => c.support)).toEqual(per_class.map((c) => c.support));
    ours.forEach((c, i) => {
      agrees(c.precision, per_class[i]!.precision);
      agrees(c.recall, per_class[i]!.recall);
      agrees(c.f1, per_class[i]!.f1);
    });
  });
});

describe('ROC AUC of a class absent from the rows', () => {
  it('is undefined, as scikit-learn refuses it, rather than the mean over the classes present', () => {
    // Class 2 never occurs: roc_auc_score(y, p, multi_class='ovr', labels=[0, 1, 2]) raises ValueError.
    const y = [0, 1, 0, 1];
    const p = Float64Array.from([0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1]);
    expect(Number.isNaN(classifierRanking(y, p, 3).rocAuc)).toBe(true);
  });
});

describe('regression metrics against scikit-learn', () => {
  it.each(fixtures.regression)('$name', ({ y, pred, mae, rmse, r2, mape }) => {
    const scores = regressionScores(y, pred);
    agrees(scores.mae, mae);
    agrees(scores.rmse, rmse);
    agrees(scores.r2, r2);
    agrees(scores.mape, mape);
  });
});

describe('ranking metrics on float32 scores, with ties and signed zeros', () => {
  it('agree with the definitions computed by comparison', () => {
    const scores = Float64Array.from(
      { length: 3000 },
      (_, i) => Math.fround(((i * 7919) % 101) / 100 - 0.2) * (i % 17 === 0 ? -0 : 1),
    );
    const positive = Array.from(scores, (_, i) => (i * 31) % 3 === 0);
    // Mann-Whitney by brute force over every pair.
    let pairs = 0;
    let total = 0;
    scores.forEach((s, i) => {
      if (!positive[i]) return;
      scores.forEach((t, j) => {
        if (positive[j]) return;
        total++;
        pairs += s > t ? 1 : s === t ? 0.5 : 0;
      });
    });
    expect(binaryRocAuc(positive, scores)).toBeCloseTo(pairs / total, 12);
    expect(
      binaryRocAuc(
        positive,
        Float64Array.from(scores, (v) => v + 1e-12),
      ),
    ).toBeCloseTo(pairs / total, 6);
  });
});

describe('sorting scores by their bits', () => {
  it('orders like numeric comparison: negatives, -0 and +0, ties, float32 values, tiny and huge magnitudes', () => {
    const values = [3, -1, 0.5, -0, 0, 1e-300, -1e300, 0.1, 0.1, Math.fround(0.3), 2 ** -1074, -(2 ** -1074), 7, 1e308];
    const many = Float64Array.from({ length: 5000 }, (_, i) => values[i % values.length]! * (1 + (i % 7) / 10));
    const expected = Array.from(many).sort((a, b) => a - b || (Object.is(a, -0) ? -1 : Object.is(b, -0) ? 1 : 0));
    expect(Array.from(sortValues(many.slice()))).toEqual(expected);
  });
});
