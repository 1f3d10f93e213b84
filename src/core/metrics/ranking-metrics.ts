import { float32Key, sortKeys, sortValues } from '../stats/sort-values.js';

/** Sorted scores (or keys that sort and compare like them) of the positive and of the negative rows. */
interface SplitScores {
  pos: ArrayLike<number>;
  neg: ArrayLike<number>;
}

/**
 * The scores of the positive and of the negative rows, each sorted ascending. Scores that are all float32 values
 * (a model's outputs) become 32-bit keys that order and tie exactly as the scores do, sorted by radix in two passes;
 * others are sorted as float64.
 */
function splitSorted(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): SplitScores {
  let positives = 0;
  for (let i = 0; i < scores.length; i++) if (positive[i]) positives++;
  const pos = new Uint32Array(positives);
  const neg = new Uint32Array(scores.length - positives);
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  let p = 0;
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    float[0] = v;
    if (float[0] !== v) return splitSorted64(positive, scores, positives);
    // −0 and +0 are one score: both take +0's key.
    const key = v === 0 ? ZERO_KEY : float32Key(bits[0]!);
    if (positive[i]) pos[p++] = key;
    else neg[n++] = key;
  }
  return { pos: sortKeys(pos), neg: sortKeys(neg) };
}

const ZERO_KEY = float32Key(0);

function splitSorted64(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>, positives: number): SplitScores {
  const pos = new Float64Array(positives);
  const neg = new Float64Array(scores.length - positives);
  let p = 0;
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    if (positive[i]) pos[p++] = scores[i]!;
    else neg[n++] = scores[i]!;
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
  const positive = new Uint8Array(yTrue.length);
  const scores = new Float64Array(yTrue.length);
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < yTrue.length; r++) {
      positive[r] = yTrue[r] === c ? 1 : 0;
      scores[r] = probabilities[r * k + c]!;
    }
    const sorted = splitSorted(positive, scores);
    const a = aucOfSorted(sorted);
    const p = averagePrecisionOfSorted(sorted);
    if (!Number.isNaN(a)) auc.push(a);
    if (!Number.isNaN(p)) ap.push(p);
  }
  const mean = (values: number[]) => (values.length > 0 ? values.reduce((x, y) => x + y, 0) / values.length : Number.NaN);
  return { rocAuc: mean(auc), averagePrecision: mean(ap) };
}
