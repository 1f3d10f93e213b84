/**
 * The documents mlgate steps exchange. Each mirrors a JSON Schema in src/schemas/ and carries
 * `"schema": "mlgate/<kind>@<major>"`, so a reader can tell what it holds before trusting it.
 */

import type { Profile } from './profile/profile.js';
import type { ShardPiece } from './shard/shard-pieces.js';
import type { TallyState } from './validate/violations.js';
import type { WeakSliceSearch } from './evaluate/weak-slices.js';

/** Document kinds with their current major version. */
export const DOCUMENT_KINDS = {
  'validation-report': 1,
  'eval-report': 1,
  'drift-report': 1,
  'train-report': 1,
  profile: 2,
  partial: 1,
} as const;

/** Older major versions a reader still accepts, per kind: profiles are released assets, read back as references. */
export const READABLE_MAJORS: Readonly<Partial<Record<DocumentKind, readonly number[]>>> = { profile: [1, 2] };

/** The kinds that are reports of a step's outcome (shown in the pull-request comment). */
export const REPORT_KINDS = ['validation-report', 'eval-report', 'drift-report', 'train-report'] as const;

export type DocumentKind = keyof typeof DOCUMENT_KINDS;

/** A file a document refers to. */
export interface FileRef {
  path: string;
  sha256?: string;
  bytes?: number;
  rows?: number;
}

/** A metric value with its confidence interval; null where it could not be computed. */
export interface Estimate {
  value: number | null;
  ci_low?: number | null;
  ci_high?: number | null;
  /** The most the value can differ from the exact one (rank metrics merged from the histograms of shards). */
  bound?: number;
}

export type Metrics = Record<string, Estimate>;

export interface ViolationExample {
  file: string;
  line?: number;
  value?: unknown;
}

export interface Violation {
  column?: string | null;
  rule: string;
  severity: 'error' | 'warning';
  count: number;
  fraction?: number;
  message: string;
  examples?: ViolationExample[];
}

/**
 * A rules file (the data contract, the gate policy) as a step applied it. On a pull request the rules are read at
 * the base commit, so that a pull request cannot loosen the rules it is judged by: these fields say which version
 * applied and whether the pull request changes the file.
 */
export interface RulesFile {
  /** The file's path as the input gave it. */
  path?: string;
  /** SHA-256 of the version applied. */
  sha256?: string;
  /** Which version applied: the pull request's base commit's, or the checked-out (head) one. */
  applied?: 'base' | 'head';
  /** The base commit the file was looked up at. */
  base_sha?: string;
  /** The pull request's head commit. */
  head_sha?: string;
  /** The base commit has no such file: the pull request adds it, and the head's version applied. */
  new_in_pull_request?: boolean;
  /** The head's version differs from the base's (or the head deletes the file). */
  head_differs?: boolean;
  base_sha256?: string;
  /** Absent when the head deletes the file. */
  head_sha256?: string;
  /** A short line-based diff from the base's version to the head's, bounded in size. */
  diff?: string;
}

export interface ValidationReport {
  schema: 'mlgate/validation-report@1';
  created_at: string;
  passed: boolean;
  fail_on?: 'error' | 'warning';
  contract?: RulesFile & { inferred?: boolean };
  dataset: { files?: FileRef[]; rows: number; columns: number };
  summary: { errors: number; warnings: number; rules_checked?: number };
  violations: Violation[];
}

export interface ModelResult {
  path: string;
  source?: string;
  sha256?: string;
  bytes?: number;
  metrics: Metrics;
  /**
   * Classification: k×k counts, row = true class, column = predicted class, classes in the report's `classes` order.
   */
  confusion_matrix?: number[][];
  /** Classification: each class's precision, recall and F1 against the rest, and its rows (support). */
  per_class?: { precision: number; recall: number; f1: number; support: number }[];
}

export interface MetricComparison {
  metric: string;
  slice?: string | null;
  higher_is_better: boolean;
  baseline: number | null;
  candidate: number | null;
  difference: number | null;
  ci_low?: number | null;
  ci_high?: number | null;
  significant?: boolean;
}

export interface SliceResult {
  column: string;
  value: string;
  rows: number;
  candidate: Metrics;
  baseline?: Metrics | null;
  /**
   * The paired test of the two models on the slice's rows: McNemar's (classification) or a paired z-test of the
   * absolute errors (regression).
   */
  test?: { method: 'mcnemar' | 'paired-z'; p_value: number };
}

/** The search for slices where the candidate is significantly worse (src/core/evaluate/weak-slices.ts). */
export type WeakSliceReport = WeakSliceSearch;

export interface GateCheck {
  metric: string;
  slice?: string | null;
  rule: string;
  threshold?: number | null;
  observed?: number | null;
  passed: boolean;
  reason: string;
  /** Change rules judged by an interval: how (see DecisionRule). */
  decision?: 'lenient' | 'non-inferiority' | 'point';
  /** Change rules judged by an interval: passed, failed, or underpowered (the holdout cannot detect the tolerance). */
  status?: 'passed' | 'failed' | 'underpowered';
  /** The smallest change this holdout detects with 80% power, in the metric's units. */
  detectable?: number;
  /** The rows a holdout would need to detect the tolerance with 80% power. */
  rows_needed?: number;
  /** The Holm-adjusted one-sided p-value, where several gated metrics were corrected together. */
  p_adjusted?: number;
}

/**
 * The workflow run and job that wrote a document (GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB,
 * GITHUB_SHA).
 */
export interface ReportProvenance {
  repository?: string;
  id: number;
  attempt: number;
  job: string;
  sha?: string;
  /** The run's page. */
  url?: string;
}

export interface EvalReport {
  schema: 'mlgate/eval-report@1';
  created_at: string;
  task: 'classification' | 'regression';
  data?: { files?: FileRef[]; rows?: number; sha256?: string; label?: string; shards?: number };
  candidate: ModelResult;
  baseline: ModelResult | null;
  comparisons: MetricComparison[];
  slices?: SliceResult[];
  /** The model's input columns, in its input order (absent in reports merged from shards). */
  features?: string[];
  /** Classification: the class names, in the model's output order (the order of confusion_matrix and per_class). */
  classes?: string[];
  /** Where the candidate is significantly worse than the baseline, searched over the data's columns. */
  weak_slices?: WeakSliceReport;
  /** Which features each model relies on: permutation importance on a sample (input permutation-importance). */
  permutation_importance?: PermutationImportanceReport;
  /** Tests of the difference beyond the bootstrap: McNemar's on the rows the two classifiers disagree on. */
  tests?: {
    mcnemar?: { baseline_only: number; candidate_only: number; p_value: number; method: 'exact' | 'chi-square' };
  };
  /** The gate policy file applied; absent when the default policy applied. */
  policy?: RulesFile;
  /** Results that look like a setup mistake (class order, output kind), each with its likely cause and fix. */
  warnings?: string[];
  /**
   * How the models were run where mlgate adapted to them: a ZipMap read as its probability tensor, a fixed batch size.
   */
  notes?: string[];
  /** Where the report was written, inside GitHub Actions: absent for a report written outside a workflow run. */
  run?: ReportProvenance;
  gate: {
    passed: boolean;
    baseline_missing?: boolean;
    override?: { label: string; applied_by?: string } | null;
    checks: GateCheck[];
  };
}

/** A feature's permutation importance to a model: the mean drop in score over the repeats, and its standard deviation. */
export interface FeatureImportance {
  mean: number;
  /** The population standard deviation (ddof 0) of the drops, as scikit-learn reports it. */
  std: number;
}

/**
 * Permutation importance of both models on a uniform random sample of the rows: each feature's column shuffled in
 * turn (the same shuffles for both models), and the drop in each model's score.
 */
export interface PermutationImportanceReport {
  /** Rows in the sample. */
  rows: number;
  /** Shuffles per feature. */
  repeats: number;
  /** The seed of the sample and the shuffles. */
  seed: number;
  /** The score that drops: accuracy for classifiers, R² for regressors (scikit-learn's estimators' `score`). */
  score: 'accuracy' | 'r2';
  /** Each model's score on the sample as it is. */
  candidate_score: number;
  baseline_score: number | null;
  /** Every feature either model takes, the one more important to either model first; null: a model not fed it. */
  features: { feature: string; candidate: FeatureImportance | null; baseline: FeatureImportance | null }[];
}

export interface FeatureDrift {
  column: string;
  kind?: 'numeric' | 'categorical' | 'binary' | 'prediction';
  /** The label column is judged apart from the features; identifiers are skipped. */
  role?: 'label' | 'id';
  /** The test that ran (fisher: a constant reference column, judged by Fisher's exact test). */
  test: string;
  statistic?: number | null;
  /** The test's own p-value, never adjusted; for a distance, the p-value of its significance_test. */
  p_value?: number | null;
  /** For a distance (wasserstein, psi, jensenshannon): the test that must also find the change significant. */
  significance_test?: 'ks' | 'chi2';
  /** The p-value adjusted across the features (report `correction`), which the verdict used. */
  p_adjusted?: number | null;
  effect_size?: number | null;
  threshold?: number | null;
  status: 'ok' | 'drift' | 'insufficient_data' | 'skipped';
  /** Why: every drifted, skipped or untested feature has one. */
  reason?: string;
  /** The inner edges of the reference's quantile bins a numeric column was counted in (chi2, psi, jensenshannon). */
  bin_edges?: number[];
  /** Values of the current data that the reference never had, most frequent first. */
  new_categories?: { value: string; count: number }[];
  /** Shares of the values on each side over common bins or the top categories, for charts. */
  distribution?: { labels: string[]; reference: number[]; current: number[] };
}

export interface DriftReport {
  schema: 'mlgate/drift-report@1';
  created_at: string;
  reference?: { source?: string; rows?: number };
  current?: { source?: string; rows?: number };
  dataset_drift: boolean;
  /** drift, no_drift, or not_tested: no feature could be tested (too little data, all skipped). */
  verdict?: 'drift' | 'no_drift' | 'not_tested';
  /** The dataset drifts when at least this share of the tested features drift, and at least one does. */
  drift_share: number;
  /** The multiple-testing correction applied to the features' p-values. */
  correction?: 'none' | 'bh';
  features: FeatureDrift[];
}

export interface TrainReport {
  schema: 'mlgate/train-report@1';
  created_at: string;
  command: string;
  status: 'succeeded' | 'failed' | 'timed_out';
  exit_code?: number | null;
  duration_seconds: number;
  timeout_minutes?: number;
  runner?: { os?: string; arch?: string; cpu?: string; name?: string; environment?: string; labels?: string[] };
  gpu?: {
    devices: { name: string; memory_total_mib?: number; driver_version?: string }[];
    cuda_version?: string | null;
    utilization_percent?: { mean?: number; max?: number };
    memory_used_mib?: { mean?: number; max?: number };
    /** Readings over the run (averaged over the GPUs), thinned for a chart. */
    samples?: { seconds: number; utilization_percent: number; memory_used_mib: number }[];
  } | null;
  cache?: { key: string; restored_key: string | null; saved: boolean };
  metrics?: Record<string, number | null>;
  model?: FileRef | null;
  artifact?: { name: string; id?: number | null } | null;
}

/** The document kind named by a `schema` field such as `mlgate/eval-report@1`. */
export function parseSchemaId(schema: string): { kind: string; major: number } | null {
  const match = /^mlgate\/([a-z-]+)@(\d+)$/.exec(schema);
  return match ? { kind: match[1]!, major: Number(match[2]) } : null;
}

/** The steps that can run in shards and merge. */
export type ShardedStep = 'validate-data' | 'evaluate' | 'drift-check';

/**
 * What one shard computed (see src/schemas/partial.schema.json): the step's mergeable state, what the shard read
 * of each file, and a fingerprint of the inputs every shard must share.
 */
export interface PartialDocument {
  schema: 'mlgate/partial@1';
  created_at: string;
  step: ShardedStep;
  fingerprint: string;
  files: FileRef[];
  shard: { index: number; count: number; pieces: ShardPiece[] };
  profile?: Profile;
  /** The profile's numeric sample columns, packed (see packSamples in src/io/partial-documents.ts). */
  packed_samples?: Record<string, string>;
  validation?: PartialValidation;
  evaluation?: PartialEvaluation;
}

export interface PartialValidation {
  contract: unknown;
  /** Where the shards read the contract, for the report. */
  contract_path: string;
  /** Which version of the contract the shards applied (on a pull request), for the report. */
  contract_origin?: RulesFile;
  tallies: TallyState[];
  /** Per column with a unique rule, the numbers seen (float64 in base64; a bitset of integers in a range). */
  unique: Record<string, { values: string; bitset?: { min: number; bits: string } }>;
}

export interface PartialModel {
  path: string;
  source: string;
  sha256: string;
  bytes: number;
  batch_ms: number[];
  batch_rows: number[];
}

export interface PartialEvaluation {
  task: 'classification' | 'regression';
  label: string;
  classes: string[];
  candidate: PartialModel;
  baseline: PartialModel | null;
  state: PartialEvaluationState;
  /** Per slice column, the state of the rows of each of its values in this shard. */
  slices?: {
    column: string;
    values: { text: string | null; number: number | null; rows: number; state: PartialEvaluationState }[];
  }[];
}

/** An evaluation state (src/core/evaluate/evaluation-state.ts) with its bucket sums in base64. */
export interface PartialEvaluationState {
  rows: number;
  sums: {
    task: 'classification' | 'regression';
    k: number;
    models: number;
    stride: number;
    probabilities: boolean;
    shift: number;
    values: string;
  };
  ranking: ({ keys: number[]; positives: number[]; negatives: number[] }[] | null)[];
  calibration: ({ count: number[]; confidence: number[]; correct: number[] } | null)[];
  disagreements: { baseline_only: number; candidate_only: number } | null;
}
