import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PermutationImportanceReport } from '../../../../src/core/documents.js';
import {
  accuracyScore,
  computePermutationImportance,
  importanceReport,
  permuteColumn,
  r2Score,
  restoreColumn,
  seededOrders,
  topImportances,
} from '../../../../src/core/evaluate/permutation-importance.js';
import { ROOT } from '../../../support/run-action.js';

interface FixtureModel {
  columns: number[];
  coef: number[][];
  intercept: number[];
  score: number;
  mean: number[];
  std: number[];
  drops: number[][];
}
interface Fixtures {
  X: number[][];
  orders: number[][][];
  cases: { name: string; task: 'classification' | 'regression'; y: number[]; models: FixtureModel[] }[];
}
/**
 * scikit-learn's permutation_importance, handed these very shuffles: test/fixtures/permutation-importance/
 * make_fixtures.py writes them with their inputs (two linear models per case, as coefficients).
 */
const fixtures = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'permutation-importance', 'fixtures.json'), 'utf8'),
) as Fixtures;

/** A linear model's predictions on `block`: argmax of the decision function (classes), or the value. */
function predict(model: FixtureModel, block: Float32Array, width: number, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const decision = model.coef.map((weights, k) => {
      let sum = 0;
      model.columns.forEach((c, j) => (sum += block[r * width + c]! * weights[j]!));
      return sum + model.intercept[k]!;
    });
    out[r] = decision.length === 1 ? decision[0]! : decision.indexOf(Math.max(...decision));
  }
  return out;
}

describe('computePermutationImportance', () => {
  it.each(fixtures.cases)('matches scikit-learn on the same shuffles: $name', async ({ task, y, models }) => {
    const rows = fixtures.X.length;
    const width = fixtures.X[0]!.length;
    const repeats = fixtures.orders[0]!.length;
    const block = Float32Array.from(fixtures.X.flat());
    const work = Float32Array.from(block);
    const truth = Float64Array.from(y);
    const score = task === 'classification' ? accuracyScore : r2Score;
    const measured = await computePermutationImportance(
      { features: width, repeats, orders: (f, r) => Uint32Array.from(fixtures.orders[f]![r]!) },
      async (permuted) => {
        if (permuted) permuteColumn(block, width, permuted.feature, permuted.order, work);
        const scores = models.map((m) =>
          !permuted || m.columns.includes(permuted.feature) ? score(truth, predict(m, work, width, rows)) : undefined,
        );
        if (permuted) restoreColumn(block, width, permuted.feature, work);
        return scores;
      },
    );
    models.forEach((m, i) => {
      expect(measured.scores[i]).toBeCloseTo(m.score, 12);
      for (let f = 0; f < width; f++) {
        const j = m.columns.indexOf(f);
        const found = measured.importances[i]![f];
        if (j < 0) {
          expect(found, `feature ${f} is no input of model ${i}`).toBeUndefined();
          continue;
        }
        expect(Math.abs(found!.mean - m.mean[j]!), `model ${i} feature ${f} mean`).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(found!.std - m.std[j]!), `model ${i} feature ${f} std`).toBeLessThanOrEqual(1e-12);
      }
    });
  });

  it('scores the sample once, then every feature in every repeat, both models on the same order', async () => {
    const calls: (string | undefined)[] = [];
    const orders = seededOrders(50, 7);
    const measured = await computePermutationImportance({ features: 3, repeats: 2, orders }, async (permuted) => {
      calls.push(permuted && `${permuted.feature}:${Array.from(permuted.order).join(',')}`);
      // Model 0 relies on feature 0 alone; model 1 takes features 0 and 1, relying on neither.
      if (!permuted) return [0.9, 0.8];
      const shift = permuted.order[0]! / 1000;
      return [permuted.feature === 0 ? 0.5 + shift : 0.9, permuted.feature === 2 ? undefined : 0.8];
    });
    expect(calls).toEqual([
      undefined,
      ...[0, 1, 2].flatMap((f) => [0, 1].map((r) => `${f}:${Array.from(orders(f, r)).join(',')}`)),
    ]);
    const shifts = [0, 1].map((r) => orders(0, r)[0]! / 1000);
    const drops = shifts.map((s) => 0.9 - (0.5 + s));
    const mean = (drops[0]! + drops[1]!) / 2;
    expect(measured.scores).toEqual([0.9, 0.8]);
    expect(measured.importances[0]![0]!.mean).toBeCloseTo(mean, 15);
    expect(measured.importances[0]![0]!.std).toBeCloseTo(Math.abs(drops[0]! - drops[1]!) / 2, 15);
    expect(measured.importances[0]![1]).toEqual({ mean: 0, std: 0 });
    expect(measured.importances[1]).toEqual([{ mean: 0, std: 0 }, { mean: 0, std: 0 }, undefined]);
  });
});

describe('seededOrders', () => {
  it('gives a permutation of the rows, the same for the same seed, feature and repeat, whatever was drawn before', () => {
    const a = seededOrders(1000, 20240101);
    const b = seededOrders(1000, 20240101);
    const first = a(3, 1);
    expect(Array.from(first).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    b(0, 0);
    b(7, 4);
    expect(b(3, 1)).toEqual(first);
    for (const other of [a(3, 2), a(2, 1), seededOrders(1000, 20240102)(3, 1)]) expect(other).not.toEqual(first);
  });

  it('draws every order of 4 rows about equally often', () => {
    const counts = new Map<string, number>();
    const orders = seededOrders(4, 1);
    for (let f = 0; f < 2400; f++)
      for (let r = 0; r < 10; r++) {
        const key = Array.from(orders(f, r)).join('');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    expect(counts.size).toBe(24);
    // 1,000 expected each; 5 standard deviations (about 31 each) either side.
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(160);
  });
});

describe('scores', () => {
  it('accuracy is the share predicted right; R² is 1 − SSres/SStot, 1 for a perfect fit of a constant', () => {
    expect(accuracyScore(Int32Array.from([0, 1, 2, 1]), Int32Array.from([0, 2, 2, 1]))).toBe(0.75);
    expect(r2Score([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.5, 15);
    expect(r2Score([2, 2], [2, 2])).toBe(1);
    expect(r2Score([2, 2], [2, 3])).toBe(0);
  });

  it('permutes one column of a copy and puts it back', () => {
    const block = Float32Array.from([1, 10, 2, 20, 3, 30]);
    const work = Float32Array.from(block);
    permuteColumn(block, 2, 1, Uint32Array.from([2, 0, 1]), work);
    expect(Array.from(work)).toEqual([1, 30, 2, 10, 3, 20]);
    restoreColumn(block, 2, 1, work);
    expect(work).toEqual(block);
  });
});

describe('importanceReport', () => {
  const measured = {
    scores: [0.9, 0.8],
    importances: [
      [{ mean: 0.01, std: 0.001 }, { mean: 0.2, std: 0.01 }, undefined, { mean: 0.05, std: 0 }],
      [{ mean: 0.3, std: 0.02 }, { mean: 0.1, std: 0.01 }, { mean: 0.02, std: 0 }, undefined],
    ],
  };

  it('lists every feature either model takes, the one more important to either model first', () => {
    const report = importanceReport(
      { features: ['a', 'b', 'c', 'd'], rows: 100, repeats: 5, seed: 1 },
      'classification',
      measured,
    );
    expect(report.features.map((f) => f.feature)).toEqual(['a', 'b', 'd', 'c']);
    expect(report.features[2]).toEqual({ feature: 'd', candidate: { mean: 0.05, std: 0 }, baseline: null });
    expect(report.features[3]).toEqual({ feature: 'c', candidate: null, baseline: { mean: 0.02, std: 0 } });
    expect([report.score, report.candidate_score, report.baseline_score]).toEqual(['accuracy', 0.9, 0.8]);
  });

  it('has no baseline score without a baseline, and R² for regression', () => {
    const report = importanceReport({ features: ['a', 'b', 'c', 'd'], rows: 100, repeats: 5, seed: 1 }, 'regression', {
      scores: [0.9],
      importances: [measured.importances[0]!],
    });
    expect([report.score, report.baseline_score]).toEqual(['r2', null]);
    expect(report.features.map((f) => f.feature)).toEqual(['b', 'd', 'a']);
  });

  it('shows the first features and counts the rest', () => {
    const report = { features: ['a', 'b', 'c'].map((feature) => ({ feature })) } as PermutationImportanceReport;
    expect(topImportances(report, 2)).toEqual({ shown: report.features.slice(0, 2), leftOut: 1 });
    expect(topImportances(report, 5).leftOut).toBe(0);
  });
});
