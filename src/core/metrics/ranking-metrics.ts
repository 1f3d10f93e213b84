import { float32Key, sortKeys, sortValues } from '../stats/sort-values.js';

/** Sorted scores (or keys that sort and compare like them) of the positive and of the negative rows. */
interface SplitScores {
  pos: ArrayLike<number>;
  neg: ArrayLike<number>;
}

/** One rank target's float32 keys (see KeySplit), unsorted, of the positive and of the negative rows. */
export interface SplitKeys {
  pos: Uint32Array;
  neg: Uint32Array;
}

/** A binary problem to rank: the rows whose truth is `positive` against the rest, by the scores in `column`. */
export interface RankTarget {
  positive: number;
  column: number;
}

/**
 * What a k-class model's probabilities are ranked by: class 1 against class 0 for two classes, else each class against
 * the rest.
 */
export function rankTargets(k: number): RankTarget[] {
  return k === 2 ? [{ positive: 1, column: 1 }] : Array.from({ length: k }, (_, c) => ({ positive: c, column: c }));
}

/**
 * For each target, the scores `scores[r * stride + column]` of its positive rows, and of the others, each sorted
 * ascending, without a copy of the column. Scores that are all float32 values (a model's outputs) become 32-bit keys
 * that order and tie exactly as the scores do, sorted by radix in two passes; others are sorted as float64.
 */
function splitTargets(
  truth: ArrayLike<number>,
  scores: ArrayLike<number>,
  stride: number,
  targets: readonly RankTarget[],
): SplitScores[] {
  const split: SplitScores[] = [];
  for (const target of targets) {
    const keys = new KeySplit(target);
    if (!keys.add(truth, scores, stride, 0, truth.length))
      return targets.map((t) => splitTarget64(truth, scores, stride, t));
    const { pos, neg } = keys.keys();
    split.push({ pos: sortKeys(pos), neg: sortKeys(neg) });
  }
  return split;
}

/**
 * The float32 keys of one target's scores, split into the positive and the negative rows' keys as rows are added
 * (all at once, or batch by batch as they are scored): what ranking sorts. Each key is written to both arrays and
 * only the right one's end moves on: labels in random order would otherwise mispredict a branch on every other row
 * (30% of the time of the split, measured).
 */
export class KeySplit {
  private pos: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  private neg: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  private p = 0;
  private n = 0;

  constructor(readonly target: RankTarget) {}

  /** Adds rows `from` to `to`; false when a score is not a float32 value (then the split is of no use). */
  add(truth: ArrayLike<number>, scores: ArrayLike<number>, stride: number, from: number, to: number): boolean {
    let positives = 0;
    for (let r = from; r < to; r++) if (truth[r] === this.target.positive) positives++;
    this.reserve(positives, to - from - positives);
    for (let r = from; r < to; r++) if (!this.addRow(truth[r]!, scores, stride, r)) return false;
    return true;
  }

  /** Room for this many more positive and negative rows: addRow does not look. */
  reserve(positives: number, negatives: number): void {
    // One slot more each: the write to the array that does not take the last row lands there.
    this.pos = room(this.pos, this.p + positives + 1);
    this.neg = room(this.neg, this.n + negatives + 1);
  }

  /** Adds row `r`, whose truth is `y` (after reserve); false when its score is not a float32 value. */
  addRow(y: number, scores: ArrayLike<number>, stride: number, r: number): boolean {
    const v = scores[r * stride + this.target.column]!;
    FLOAT[0] = v;
    if (FLOAT[0] !== v) return false;
    // −0 and +0 are one score: both take +0's key.
    const key = v === 0 ? ZERO_KEY : float32Key(FLOAT_BITS[0]!);
    const hit = y === this.target.positive ? 1 : 0;
    this.pos[this.p] = key;
    this.neg[this.n] = key;
    this.p += hit;
    this.n += 1 - hit;
    return true;
  }

  /**
   * Adds rows `from` to `to` (after reserve) from the bits of float32 scores (`bits[r * stride + column]`): the
   * same keys addRow gives the scores as numbers, without testing that each is a float32 value.
   */
  addFloat32Rows(truth: ArrayLike<number>, bits: Uint32Array, stride: number, from: number, to: number): void {
    const { pos, neg } = this;
    const { positive, column } = this.target;
    let p = this.p;
    let n = this.n;
    for (let r = from; r < to; r++) {
      const b = bits[r * stride + column]!;
      const key = b === NEGATIVE_ZERO_BITS ? ZERO_KEY : float32Key(b);
      const hit = truth[r] === positive ? 1 : 0;
      pos[p] = key;
      neg[n] = key;
      p += hit;
      n += 1 - hit;
    }
    this.p = p;
    this.n = n;
  }

  /** The keys so far, unsorted, in shared memory: another thread may rank them (rankKeys), without a copy. */
  keys(): SplitKeys {
    return { pos: this.pos.subarray(0, this.p), neg: this.neg.subarray(0, this.n) };
  }
}

/**
 * `array`, or a larger copy when it holds fewer than `needed` (at least twice the size: rows come batch by batch);
 * in shared memory (see KeySplit.keys).
 */
function room(array: Uint32Array<ArrayBufferLike>, needed: number): Uint32Array<ArrayBufferLike> {
  if (array.length >= needed) return array;
  const length = array.length === 0 ? needed : Math.max(needed, array.length * 2);
  const grown = new Uint32Array(new SharedArrayBuffer(length * Uint32Array.BYTES_PER_ELEMENT));
  grown.set(array);
  return grown;
}

/** The ranking of one target's keys (KeySplit.keys), sorted in place (the same keys are left in another order). */
export function rankKeys({ pos, neg }: SplitKeys): Ranking {
  return rankSorted({ pos: sortKeys(pos), neg: sortKeys(neg) });
}

const ZERO_KEY = float32Key(0);
const NEGATIVE_ZERO_BITS = 0x80000000;
/** A score as float32, and its bits: the test that it is one, and its key. */
const FLOAT = new Float32Array(1);
const FLOAT_BITS = new Uint32Array(FLOAT.buffer);

function splitTarget64(
  truth: ArrayLike<number>,
  scores: ArrayLike<number>,
  stride: number,
  { positive, column }: RankTarget,
): SplitScores {
  let positives = 0;
  for (let r = 0; r < truth.length; r++) if (truth[r] === positive) positives++;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(truth.length - positives);
  let p = 0;
  let n = 0;
  for (let r = 0; r < truth.length; r++) {
    if (truth[r] === positive) pos[p++] = scores[r * stride + column]!;
    else neg[n++] = scores[r * stride + column]!;
  }
  return { pos: sortValues(pos), neg: sortValues(neg) };
}

/** The two rank metrics of a binary problem. */
export interface Ranking {
  rocAuc: number;
  averagePrecision: number;
}

/**
 * ROC AUC and average precision from the sorted scores, in one pass over the distinct scores from the highest down.
 * ROC AUC is the Mann-Whitney statistic: the share of (positive, negative) pairs ranked right, ties counting one
 * half, which equals sklearn's roc_auc_score (trapezoidal area under the ROC curve); NaN when a class is absent.
 * Average precision is sklearn's average_precision_score: Σ (R_n − R_(n−1)) · P_n over the thresholds; NaN without
 * positives. The pair counts are whole or half numbers below 2^53, so their sum is exact.
 */
function rankSorted({ pos, neg }: SplitScores): Ranking {
  if (pos.length === 0) return { rocAuc: Number.NaN, averagePrecision: Number.NaN };
  let p = pos.length - 1;
  let n = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let previousRecall = 0;
  let ap = 0;
  let pairs = 0;
  while (p >= 0) {
    // All rows sharing the next-highest score cross the threshold together.
    const threshold = n >= 0 ? Math.max(pos[p]!, neg[n]!) : pos[p]!;
    let positives = 0;
    while (p >= 0 && pos[p] === threshold) {
      positives++;
      p--;
    }
    let negatives = 0;
    while (n >= 0 && neg[n] === threshold) {
      negatives++;
      n--;
    }
    tp += positives;
    fp += negatives;
    // Each of these positives outranks the n + 1 negatives left below it and ties with this score's negatives.
    pairs += positives * (n + 1 + negatives / 2);
    const recall = tp / pos.length;
    ap += (recall - previousRecall) * (tp / (tp + fp));
    previousRecall = recall;
  }
  return { rocAuc: neg.length > 0 ? pairs / (pos.length * neg.length) : Number.NaN, averagePrecision: ap };
}

/** ROC AUC of a binary problem (`positive`: 1 or true per row), O(n log n); see rankSorted. */
export function binaryRocAuc(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  return flagRanking(positive, scores).rocAuc;
}

/** Average precision of a binary problem (`positive`: 1 or true per row), O(n log n); see rankSorted. */
export function averagePrecision(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  return flagRanking(positive, scores).averagePrecision;
}

function flagRanking(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): Ranking {
  const flags = Uint8Array.from({ length: scores.length }, (_, i) => (positive[i] ? 1 : 0));
  return rankSorted(splitTargets(flags, scores, 1, [{ positive: 1, column: 0 }])[0]!);
}

/**
 * ROC AUC and average precision of a classifier from its class probabilities stored row by row (`probabilities[r * k +
 * c]`): for two classes, of class 1 against class 0 (sklearn's roc_auc_score and average_precision_score of a binary
 * problem); beyond, of every class against the rest, macro-averaged (ROC AUC undefined when a class is absent, as
 * sklearn refuses it; average precision over the classes present), as sklearn's roc_auc_score(multi_class='ovr') and
 * average_precision_score(average='macro') on binarised labels. Each target's sorted scores give both metrics in one
 * pass.
 */
export function classifierRanking(yTrue: ArrayLike<number>, probabilities: Float64Array, k: number): Ranking {
  return macroRanking(splitTargets(yTrue, probabilities, k, rankTargets(k)));
}

/** classifierRanking from its targets' rankings (rankKeys of a KeySplit per target of rankTargets). */
export function averageRankings(rankings: readonly Ranking[]): Ranking {
  // sklearn's roc_auc_score refuses a class with no rows (or every row): one undefined target leaves it undefined.
  const auc = rankings.some((r) => Number.isNaN(r.rocAuc)) ? [] : rankings.map((r) => r.rocAuc);
  const ap = rankings.map((r) => r.averagePrecision).filter((v) => !Number.isNaN(v));
  const mean = (values: number[]) =>
    values.length > 0 ? values.reduce((x, y) => x + y, 0) / values.length : Number.NaN;
  return { rocAuc: mean(auc), averagePrecision: mean(ap) };
}

/** The rank metrics as the report names them. */
export function rankMetricValues(ranking: Ranking): Record<string, number> {
  return { roc_auc: ranking.rocAuc, pr_auc: ranking.averagePrecision };
}

/** The mean of each metric over the targets where it is defined (of one target: its value). */
function macroRanking(splits: readonly SplitScores[]): Ranking {
  return averageRankings(splits.map(rankSorted));
}
