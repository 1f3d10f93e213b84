import { seededRandom } from '../data/seeded-random.js';
import type { FeatureImportance, PermutationImportanceReport } from '../documents.js';
import { murmurFinalize32 } from '../hashing.js';
import { regressionScores } from '../metrics/regression-metrics.js';

/**
 * Permutation importance (Breiman 2001, "Random Forests", section 10; as scikit-learn's
 * `sklearn.inspection.permutation_importance`): a feature's importance to a model is the model's score on a sample
 * less its score with that feature's column shuffled, so that the feature no longer tells anything about the rows;
 * the mean and the (population) standard deviation over a few shuffles. Both models are scored on the same shuffles,
 * so that a change in importance is the models' and not the draw's.
 */

/** Which rows a feature's column takes, in one repeat: a permutation of 0..rows-1. */
export type PermutationOrders = (feature: number, repeat: number) => Uint32Array;

/**
 * The models' scores on the sample (`permuted` undefined), or with the column of `permuted.feature` taking row
 * `order[r]`'s value in row r; a model that does not take that feature scores undefined.
 */
export type ImportanceScorer = (
  permuted: { feature: number; order: Uint32Array } | undefined,
) => Promise<readonly (number | undefined)[]>;

/** What computePermutationImportance shuffles: how many features, how many times each, and in which orders. */
export interface PermutationImportanceOptions {
  /** Features (columns of the sample), each permuted in turn. */
  features: number;
  /** Shuffles per feature. */
  repeats: number;
  orders: PermutationOrders;
}

/** Each model's score on the sample, and per model and feature its importance (undefined: not a feature it takes). */
export interface PermutationImportance {
  scores: number[];
  importances: (FeatureImportance | undefined)[][];
}

/**
 * Seeded shuffles of `rows` rows: each (feature, repeat) has its own Fisher–Yates shuffle (Knuth, TAOCP vol. 2,
 * algorithm P) from a stream of its own, so an order depends on the seed, the feature and the repeat alone, not on
 * which were drawn before. O(rows) per order.
 */
export function seededOrders(rows: number, seed: number): PermutationOrders {
  return (feature, repeat) => {
    const next = seededRandom(murmurFinalize32(murmurFinalize32(murmurFinalize32(seed) + feature) + repeat));
    const order = new Uint32Array(rows);
    for (let r = 0; r < rows; r++) order[r] = r;
    for (let i = rows - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const kept = order[i]!;
      order[i] = order[j]!;
      order[j] = kept;
    }
    return order;
  };
}

/**
 * Every feature's permutation importance to every model: the score on the sample, then per feature and repeat the
 * score with that feature's column in the repeat's order (the same order for every model), the drop from the first
 * to each, and their mean and population standard deviation (numpy's `std`, as scikit-learn reports). Calls `score`
 * 1 + features × repeats times, one call at a time.
 */
export async function computePermutationImportance(
  options: PermutationImportanceOptions,
  score: ImportanceScorer,
): Promise<PermutationImportance> {
  const scores = [...(await score(undefined))].map((s) => s!);
  const importances: (FeatureImportance | undefined)[][] = scores.map(() => []);
  const drops = scores.map(() => new Float64Array(options.repeats));
  for (let feature = 0; feature < options.features; feature++) {
    const taken = scores.map(() => false);
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const permuted = await score({ feature, order: options.orders(feature, repeat) });
      permuted.forEach((s, m) => {
        if (s === undefined) return;
        taken[m] = true;
        drops[m]![repeat] = scores[m]! - s;
      });
    }
    scores.forEach((_, m) => importances[m]!.push(taken[m] ? meanAndStd(drops[m]!) : undefined));
  }
  return { scores, importances };
}

/** Mean and population standard deviation (ddof 0), in two passes as numpy takes them. */
function meanAndStd(values: Float64Array): FeatureImportance {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** A classifier's score as scikit-learn's `ClassifierMixin.score` gives it: the share of rows predicted right. */
export function accuracyScore(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let r = 0; r < truth.length; r++) if (truth[r] === predicted[r]) right++;
  return right / truth.length;
}

/** A regressor's score as scikit-learn's `RegressorMixin.score` gives it: R² (1 for a perfect fit of a constant). */
export function r2Score(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  return regressionScores(truth, predicted).r2;
}

/**
 * `block` (`width` numbers per row) with column `column` taking row `order[r]`'s value in row r, written into `into`,
 * which holds `block` elsewhere (only that column is written, so one copy serves every feature in turn).
 */
export function permuteColumn(
  block: Float32Array | Float64Array,
  width: number,
  column: number,
  order: Uint32Array,
  into: Float32Array | Float64Array,
): void {
  for (let r = 0; r < order.length; r++) into[r * width + column] = block[order[r]! * width + column]!;
}

/** The column `column` of `into` put back as `block` has it (after permuteColumn). */
export function restoreColumn(
  block: Float32Array | Float64Array,
  width: number,
  column: number,
  into: Float32Array | Float64Array,
): void {
  for (let at = column; at < block.length; at += width) into[at] = block[at]!;
}

/**
 * The report's record of the importances: every feature either model takes, the one more important to either model
 * first (stable: equal ones stay in the models' input order), so that a reader sees what each model relies on most.
 */
export function importanceReport(
  options: { features: readonly string[]; rows: number; repeats: number; seed: number },
  task: 'classification' | 'regression',
  measured: PermutationImportance,
): PermutationImportanceReport {
  const [candidate, baseline] = measured.importances;
  const features = options.features
    .map((feature, f) => ({ feature, candidate: candidate![f] ?? null, baseline: baseline?.[f] ?? null }))
    .filter((f) => f.candidate !== null || f.baseline !== null);
  features.sort((a, b) => largerImportance(b) - largerImportance(a));
  return {
    rows: options.rows,
    repeats: options.repeats,
    seed: options.seed,
    score: task === 'classification' ? 'accuracy' : 'r2',
    candidate_score: measured.scores[0]!,
    baseline_score: measured.scores[1] ?? null,
    features,
  };
}

/** The larger of a feature's two mean importances (a model that does not take it counts as −∞). */
function largerImportance(f: PermutationImportanceReport['features'][number]): number {
  return Math.max(f.candidate?.mean ?? -Infinity, f.baseline?.mean ?? -Infinity);
}

/** The features to show when only `limit` fit: the report's first (the most important), and how many are left out. */
export function topImportances(
  report: PermutationImportanceReport,
  limit: number,
): { shown: PermutationImportanceReport['features']; leftOut: number } {
  return { shown: report.features.slice(0, limit), leftOut: Math.max(0, report.features.length - limit) };
}
