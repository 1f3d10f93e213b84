// The gate's own benchmark, bundled by bench/gate.mjs with esbuild: thousands of simulated holdouts with known true
// accuracies, each put through the project's own Poisson bootstrap (the buckets, weights and percentile interval
// that evaluate uses) and the gate's decision rules, to measure how often each rule fails a candidate at a given true
// gap, how often the interval covers the true difference, and how often a holdout is marked underpowered.
import { seededRandom } from '../src/core/data/seeded-random.js';
import type { MetricComparison } from '../src/core/documents.js';
import { compareModels } from '../src/core/evaluate/compare-models.js';
import { readPredictions } from '../src/core/evaluate/model-output.js';
import { defaultPolicy } from '../src/core/gate/parse-policy.js';
import {
  allReplicateTotals,
  BOOTSTRAP_BUCKETS,
  fileIdentity,
  percentileInterval,
  rowBucket,
} from '../src/core/evaluate/poisson-bootstrap.js';
import { DECISION_RULES, evaluateGate, type DecisionRule } from '../src/core/gate/evaluate-gate.js';

const TOLERANCE = 0.01;
const BASELINE_ACCURACY = 0.85;
/** The share of rows where exactly one model is right when the two are equally good: typical of two similar models. */
const DISAGREEMENT = 0.08;
const REPLICATES = 1000;
const SEED = 20240101;

/** Gaps in tolerances: the candidate is truly this much worse. */
export const GAPS = [0, 0.5, 1, 2, 4];
export const SIZES = [300, 900, 1800, 10000];

interface Cell {
  rows: number;
  gap: number;
  failures: Record<string, number>;
  /** Per variant: holdouts failed or marked underpowered (the reviewer was told either way). */
  flagged: Record<string, number>;
  underpowered: number;
  covered: number;
  holdouts: number;
}

/**
 * One holdout: each row's correctness for the baseline and the candidate, drawn so that the baseline is right with
 * probability 0.85, the candidate with 0.85 − gap, and they disagree on DISAGREEMENT + gap of the rows.
 */
function simulate(rows: number, gap: number, next: () => number): Float64Array {
  const candidateOnly = DISAGREEMENT / 2;
  const baselineOnly = DISAGREEMENT / 2 + gap;
  const both = BASELINE_ACCURACY - baselineOnly;
  const sums = new Float64Array(BOOTSTRAP_BUCKETS * 3);
  const file = fileIdentity(0);
  for (let r = 0; r < rows; r++) {
    const u = next();
    const baseline = u < both + baselineOnly ? 1 : 0;
    const candidate = u < both || (u >= both + baselineOnly && u < both + baselineOnly + candidateOnly) ? 1 : 0;
    const at = rowBucket(file, r, BOOTSTRAP_BUCKETS) * 3;
    sums[at] = sums[at]! + 1;
    sums[at + 1] = sums[at + 1]! + baseline;
    sums[at + 2] = sums[at + 2]! + candidate;
  }
  return sums;
}

/** The comparison evaluate reports for accuracy: the point difference and its paired 95% percentile interval. */
function compare(sums: Float64Array): MetricComparison {
  let rows = 0;
  let baseline = 0;
  let candidate = 0;
  for (let i = 0; i < sums.length; i += 3) {
    rows += sums[i]!;
    baseline += sums[i + 1]!;
    candidate += sums[i + 2]!;
  }
  const totals = allReplicateTotals(sums, 3, REPLICATES, SEED);
  const differences = new Float64Array(REPLICATES);
  for (let b = 0; b < REPLICATES; b++) differences[b] = (totals[b * 3 + 2]! - totals[b * 3 + 1]!) / totals[b * 3]!;
  const [low, high] = percentileInterval(differences)!;
  return {
    metric: 'accuracy',
    higher_is_better: true,
    baseline: baseline / rows,
    candidate: candidate / rows,
    difference: (candidate - baseline) / rows,
    ci_low: low,
    ci_high: high,
  };
}

/** The variants measured: each decision rule, and lenient with underpowered: fail. */
const VARIANTS: { name: string; rule: DecisionRule; underpowered: 'warn' | 'fail' }[] = [
  ...DECISION_RULES.map((rule) => ({ name: rule, rule, underpowered: 'warn' as const })),
  { name: 'lenient, underpowered: fail', rule: 'lenient', underpowered: 'fail' },
];

function run(holdouts: number): Cell[] {
  const cells: Cell[] = [];
  for (const rows of SIZES) {
    for (const gap of GAPS) {
      const next = seededRandom(rows * 101 + gap * 8);
      const cell: Cell = {
        rows,
        gap,
        failures: Object.fromEntries(VARIANTS.map((v) => [v.name, 0])),
        flagged: Object.fromEntries(VARIANTS.map((v) => [v.name, 0])),
        underpowered: 0,
        covered: 0,
        holdouts,
      };
      for (let h = 0; h < holdouts; h++) {
        const comparison = compare(simulate(rows, gap * TOLERANCE, next));
        const truth = -gap * TOLERANCE;
        if (comparison.ci_low! <= truth && truth <= comparison.ci_high!) cell.covered++;
        for (const variant of VARIANTS) {
          const gate = evaluateGate(
            [comparison],
            {
              significantOnly: true,
              rule: variant.rule,
              underpowered: variant.underpowered,
              metrics: { accuracy: { maxDrop: { value: TOLERANCE, relative: false } } },
            },
            { rows },
          );
          if (!gate.passed) cell.failures[variant.name]!++;
          if (!gate.passed || gate.checks[0]!.status === 'underpowered') cell.flagged[variant.name]!++;
          if (variant.name === 'lenient' && gate.checks[0]!.status === 'underpowered') cell.underpowered++;
        }
      }
      cells.push(cell);
    }
  }
  return cells;
}

/** The default policy's two gated metrics, with and without Holm's correction: a cell per size and gap. */
interface FamilyCell {
  rows: number;
  gap: number;
  holm: number;
  none: number;
  holdouts: number;
}

/**
 * A 3-class holdout for the default policy (accuracy and macro F1, each max-drop 0.01): the truth uniform, the
 * baseline right with probability 0.85 and the candidate as in simulate(), each wrong answer a random other class;
 * scored by compareModels, the whole of evaluate's metrics and bootstrap.
 */
function runFamily(holdouts: number): FamilyCell[] {
  const cells: FamilyCell[] = [];
  const here = (row: number) => `row ${row}`;
  for (const rows of SIZES) {
    const buckets = Uint32Array.from({ length: rows }, (_, r) => rowBucket(fileIdentity(0), r, BOOTSTRAP_BUCKETS));
    for (const gap of [1, 2]) {
      const next = seededRandom(rows * 103 + gap * 9);
      const cell: FamilyCell = { rows, gap, holm: 0, none: 0, holdouts };
      const candidateOnly = DISAGREEMENT / 2;
      const baselineOnly = DISAGREEMENT / 2 + gap * TOLERANCE;
      const both = BASELINE_ACCURACY - baselineOnly;
      for (let h = 0; h < holdouts; h++) {
        const truth = new Int32Array(rows);
        const baseline = new Int32Array(rows);
        const candidate = new Int32Array(rows);
        const wrong = (label: number) => (label + 1 + Math.floor(next() * 2)) % 3;
        for (let r = 0; r < rows; r++) {
          const label = Math.floor(next() * 3);
          const u = next();
          truth[r] = label;
          baseline[r] = u < both + baselineOnly ? label : wrong(label);
          candidate[r] =
            u < both || (u >= both + baselineOnly && u < both + baselineOnly + candidateOnly) ? label : wrong(label);
        }
        const predictions = [candidate, baseline].map((data) =>
          readPredictions({ data, width: 1, integer: true }, 'classification', 3, 'labels', here),
        );
        const { comparisons } = compareModels(truth, predictions[0]!, predictions[1]!, buckets, {
          replicates: REPLICATES,
          seed: SEED,
          bucketCount: BOOTSTRAP_BUCKETS,
        });
        for (const correction of ['holm', 'none'] as const) {
          if (!evaluateGate(comparisons, { ...defaultPolicy('classification'), correction }, { rows }).passed)
            cell[correction]++;
        }
      }
      cells.push(cell);
    }
  }
  return cells;
}

const holdouts = Number(process.argv[2] ?? 400);
process.stdout.write(
  JSON.stringify({
    holdouts,
    tolerance: TOLERANCE,
    variants: VARIANTS.map((v) => v.name),
    cells: run(holdouts),
    family: runFamily(holdouts),
  }),
);
