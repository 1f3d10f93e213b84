import { float32Key, sortKeys, sortValues } from '../stats/sort-values.js';

/** Sorted scores (or keys that sort and compare like them) of the positive and of the negative rows. */
interface SplitScores {
  pos: ArrayLike<number>;
  neg: ArrayLike<number>;
}

/** The scores of the positive and of the negative rows, each sorted ascending (see splitByClass). */
function splitSorted(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): SplitScores {
  return splitByClass(Uint8Array.from({ length: scores.length }, (_, i) => (positive[i] ? 1 : 0)), 1, scores, 1, 0);
}

/**
 * The scores `scores[r * stride + offset]` of the rows whose class is `positive`, and of the others, each sorted
 * ascending: one pass over the rows and no copies, so a one-vs-rest metric reads the class's column of the
 * probabilities in place. Scores that are all float32 values (a model's outputs) become 32-bit keys that order and
 * tie exactly as the scores do, sorted by radix in two passes; others are sorted as float64.
 */
function splitByClass(truth: ArrayLike<number>, positive: number, scores: ArrayLike<number>, stride: number, offset: number): SplitScores {
  const rows = truth.length;
  let positives = 0;
  for (let r = 0; r < rows; r++) if (truth[r] === positive) positives++;
  const pos = new Uint32Array(positives);
  const neg = new Uint32Array(rows - positives);
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  let p = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const v = scores[r * stride + offset]!;
    float[0] = v;
    if (float[0] !== v) return splitByClass64(truth, positive, scores, stride, offset, positives);
    // −0 and +0 are one score: both take +0's key.
    const key = v === 0 ? ZERO_KEY : float32Key(bits[0]!);
    if (truth[r] === positive) pos[p++] = key;
    else neg[n++] = key;
  }
  return { pos: sortKeys(pos), neg: sortKeys(neg) };
}

const ZERO_KEY = float32Key(0);

function splitByClass64(truth: ArrayLike<number>, positive: number, scores: ArrayLike<number>, stride: number, offset: number, positives: number): SplitScores {
  const pos = new Float64Array(positives);
  const neg = new Float64Array(truth.length - positives);
  let p = 0;
  let n = 0;
  for (let r = 0; r < truth.length; r++) {
    if (truth[r] === positive) pos[p++] = scores[r * stride + offset]!;
    else neg[n++] = scores[r * stride + offset]!;
  }
  return { pos: sortValues(pos), neg: sortValues(neg) };
}

/**
 * ROC AUC of a binary problem by the Mann-Whitney statistic: the share of (positive, negative) pairs ranked right,
 * ties counting one half, which equals sklearn's roc_auc_score (trapezoidal area under the ROC curve). NaN when one
 * class is absent. O(n log n), with the two classes' scores sorted apart and merged.
 */
export function binaryRocAuc(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  return aucOfSorted(splitSorted(positive, scores));
}

function aucOfSorted({ pos, neg }: SplitScores): number {
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let below = 0;
  let tied = 0;
  let pairs = 0;
  for (let i = 0; i < pos.length; i++) {
    const score = pos[i]!;
    if (i === 0 || score !== pos[i - 1]) {
      // Negatives strictly below this score, and those equal to it.
      below += tied;
      tied = 0;
      while (below < neg.length && neg[below]! < score) below++;
      while (below + tied < neg.length && neg[below + tied] === score) tied++;
    }
    pairs += below + tied / 2;
  }
  return pairs / (pos.length * neg.length);
}

/**
 * Average precision, as sklearn's average_precision_score: Σ (R_n − R_(n−1)) · P_n over the distinct score
 * thresholds, from the highest down. NaN without positives. O(n log n).
 */
export function averagePrecision(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  return averagePrecisionOfSorted(splitSorted(positive, scores));
}

function averagePrecisionOfSorted({ pos, neg }: SplitScores): number {
  if (pos.length === 0) return Number.NaN;
  let p = pos.length - 1;
  let n = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let ap = 0;
  while (p >= 0) {
    // All rows sharing the next-highest score cross the threshold together.
    const threshold = n >= 0 ? Math.max(pos[p]!, neg[n]!) : pos[p]!;
    while (p >= 0 && pos[p] === threshold) {
      tp++;
      p--;
    }
    while (n >= 0 && neg[n] === threshold) {
      fp++;
      n--;
    }
    const recall = tp / pos.length;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
  }
  return ap;
}

/**
 * ROC AUC and average precision of every class against the rest, macro-averaged over the classes present, as
 * sklearn's roc_auc_score(multi_class='ovr') and average_precision_score(average='macro') on binarised labels; from
 * class probabilities stored row by row (`probabilities[r * k + c]`). Each class's scores are split and sorted
 * once for both metrics.
 */
export function oneVsRestRanking(yTrue: ArrayLike<number>, probabilities: Float64Array, k: number): { rocAuc: number; averagePrecision: number } {
  const auc: number[] = [];
  const ap: number[] = [];
  for (let c = 0; c < k; c++) {
    const sorted = splitByClass(yTrue, c, probabilities, k, c);
    const a = aucOfSorted(sorted);
    const p = averagePrecisionOfSorted(sorted);
    if (!Number.isNaN(a)) auc.push(a);
    if (!Number.isNaN(p)) ap.push(p);
  }
  const mean = (values: number[]) => (values.length > 0 ? values.reduce((x, y) => x + y, 0) / values.length : Number.NaN);
  return { rocAuc: mean(auc), averagePrecision: mean(ap) };
}
