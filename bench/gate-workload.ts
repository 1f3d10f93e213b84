// The gate's own benchmark, bundled by bench/gate.mjs with esbuild: thousands of simulated holdouts with known true
// accuracies, each put through the project's own Poisson bootstrap (the buckets, weights and percentile interval
// that evaluate uses) and the gate's decision rules, to measure how often each rule fails a candidate at a given true
// gap, how often the interval covers the true difference, and how often a holdout is marked underpowered.
import { seededRandom } from '../src/core/data/seeded-random.js';
import type { MetricComparison } from '../src/core/documents.js';
import { allReplicateTotals, BOOTSTRAP_BUCKETS, fileIdentity, percentileInterval, rowBucket } from '../src/core/evaluate/poisson-bootstrap.js';
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
  return { metric: 'accuracy', higher_is_better: true, baseline: baseline / rows, candidate: candidate / rows, difference: (candidate - baseline) / rows, ci_low: low, ci_high: high };
}

/** The variants measured: each decision rule, and lenient with underpowered: fail. */
const VARIANTS: { name: string; rule: DecisionRule; underpowered: 'warn' | 'fail' }[] = [...DECISION_RULES.map((rule) => ({ name: rule, rule, underpowered: 'warn' as const })), { name: 'lenient, underpowered: fail', rule: 'lenient', underpowered: 'fail' }];

function run(holdouts: number): Cell[] {
  const cells: Cell[] = [];
  for (const rows of SIZES) {
    for (const gap of GAPS) {
      const next = seededRandom(rows * 101 + gap * 8);
      const cell: Cell = { rows, gap, failures: Object.fromEntries(VARIANTS.map((v) => [v.name, 0])), flagged: Object.fromEntries(VARIANTS.map((v) => [v.name, 0])), underpowered: 0, covered: 0, holdouts };
      for (let h = 0; h < holdouts; h++) {
        const comparison = compare(simulate(rows, gap * TOLERANCE, next));
        const truth = -gap * TOLERANCE;
        if (comparison.ci_low! <= truth && truth <= comparison.ci_high!) cell.covered++;
        for (const variant of VARIANTS) {
          const gate = evaluateGate([comparison], { significantOnly: true, rule: variant.rule, underpowered: variant.underpowered, metrics: { accuracy: { maxDrop: { value: TOLERANCE, relative: false } } } }, { rows });
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

const holdouts = Number(process.argv[2] ?? 400);
process.stdout.write(JSON.stringify({ holdouts, tolerance: TOLERANCE, variants: VARIANTS.map((v) => v.name), cells: run(holdouts) }));
