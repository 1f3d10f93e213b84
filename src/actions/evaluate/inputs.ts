import { ConfigurationError } from '../../core/errors.js';
import { OUTPUT_KINDS, type OutputKind } from '../../core/evaluate/model-output.js';
import {
  parseBoolean,
  parseChoice,
  parseInteger,
  parseList,
  requireInput,
  withDefaults,
  type InputReader,
  type InputSpecs,
  type OutputSpecs,
} from '../runtime/inputs.js';
import { RULES_FROM, rulesFromInput, type RulesFrom } from '../runtime/rules-files.js';
import { parseSharding, shardInputs, type Sharding } from '../runtime/sharding.js';
import { parseReadSettings, readInputs } from '../runtime/read-inputs.js';
import type { ReadSettings } from '../../io/readers/read-settings.js';

/** The inputs of the evaluate action, which are also the options of `mlgate evaluate`. */
export const INPUTS = {
  model: { description: 'The candidate ONNX model (required unless merge is set).', default: '' },
  baseline: {
    description:
      'The baseline to compare with: an ONNX file, release:latest (the model of the latest mlgate release), artifact:<run id>/<artifact name>[/<path>] (a model uploaded by a run of the default branch or of this pull request), or none. With none, or before the first release, only value thresholds apply.',
    default: 'release:latest',
    keepEmpty: true,
  },
  data: {
    description:
      'The evaluation data: paths or globs (CSV, TSV, JSON Lines, Parquet, optionally .gz), scored by both models (required unless merge is set).',
    default: '',
  },
  label: {
    description:
      'The column holding the true label: a class, or the target value for regression (required unless merge is set).',
    default: '',
  },
  features: {
    description:
      "The feature columns in the model's input order, one per line or comma-separated. Default: the model's metadata mlgate.features, else the columns of contract (in its order) but the label.",
    default: '',
  },
  contract: {
    description:
      "A data contract whose columns, in order and without the label, are the model's features when neither features nor the model's metadata names them.",
    default: '',
  },
  task: {
    description:
      'auto, classification or regression. auto: classification when the model outputs several scores, integer labels, or has mlgate.classes.',
    default: 'auto',
  },
  classes: {
    description:
      "The class labels in the order of the model's outputs, comma-separated. Default: the model's metadata mlgate.classes, else the class labels its graph names (a converter's ZipMap or classifier node), else 0..k-1 when the labels are those integers, else the labels sorted.",
    default: '',
  },
  output: {
    description:
      "How to read the model's output: auto (from its shape and values), probabilities, logits, labels or values.",
    default: 'auto',
  },
  policy: {
    description:
      'The gate policy file (YAML or JSON): per metric min, max, max-drop or max-rise, and significant-only. Default: accuracy and macro F1 may not drop significantly by more than 0.01 (RMSE may not rise by more than 2% for regression).',
    default: '',
  },
  'rules-from': rulesFromInput('the policy'),
  slices: {
    description:
      'Columns to slice the metrics by, one per line or comma-separated; a numeric column with many values is cut into quartiles.',
    default: '',
  },
  'min-slice-rows': { description: 'Slices with fewer rows are left out of the report.', default: '30' },
  'weak-slices': {
    description:
      "With a baseline, search the data for slices where the candidate is significantly worse: every value of each text column (up to 50 values), quartiles of numeric columns and features, and pairs with a text column from 20,000 rows; McNemar's test (a paired z-test of the absolute errors for regression) per slice, Holm-corrected at 0.05 over every slice searched. Sharded runs search the slices columns only.",
    default: 'true',
  },
  'permutation-importance': {
    description:
      "Also measure which features each model relies on: permutation importance (scikit-learn's) on a uniform random sample of the rows, each feature's column shuffled in turn, the same shuffles for both models, and the drop in accuracy (R² for regression). Off by default: it scores the sample once more per feature and repeat (its cost is in the README, under Feature importance). Not in sharded runs.",
    default: 'false',
  },
  'importance-rows': {
    description: 'With permutation-importance: the rows of its sample (all rows when the data has fewer).',
    default: '10000',
  },
  'importance-repeats': {
    description:
      "With permutation-importance: shuffles per feature; the report gives the drops' mean and standard deviation.",
    default: '5',
  },
  'batch-size': { description: 'Rows per onnxruntime call.', default: '8192' },
  bootstrap: { description: 'Bootstrap replicates for the confidence intervals (0 turns them off).', default: '1000' },
  seed: {
    description:
      "The seed of the bootstrap, and of permutation-importance's sample and shuffles: the same seed and data give the same intervals and importances.",
    default: '20240101',
  },
  'fail-on-gate': { description: 'Fail the step when the gate fails.', default: 'true' },
  'override-label': {
    description: 'A pull-request label that turns a failed gate into a recorded pass.',
    default: 'mlgate-override',
    keepEmpty: true,
  },
  'onnxruntime-path': {
    description:
      'A preinstalled onnxruntime-node (the package folder, or a folder with node_modules/onnxruntime-node), for runners without internet. Default: the pinned version, downloaded once per runner into the tool cache.',
    default: '',
  },
  'tag-prefix': {
    description: 'With baseline release:latest, the tag prefix of mlgate releases.',
    default: 'model-v',
    keepEmpty: true,
  },
  ...readInputs(),
  report: { description: 'Where to write the eval report.', default: 'mlgate-reports/eval-report.json' },
  'github-token': {
    description:
      "Token used to read the baseline from releases (contents: read) or from another run's artifacts (actions: read), and the policy at a pull request's base commit (contents: read).",
    default: '${{ github.token }}',
  },
  ...shardInputs('evaluate'),
} satisfies InputSpecs;

export const OUTPUTS = {
  passed: { description: 'true when the gate passed (or was overridden).' },
  report: { description: 'The path of the eval report.' },
  metrics: { description: "The candidate's metrics as JSON: name to value." },
  partial: { description: 'With shard: the path of the partial report this shard wrote.' },
} satisfies OutputSpecs;

/** `none` as a baseline: evaluate the candidate alone. */
export const NO_BASELINE = 'none';

export interface EvaluateOptions {
  model: string;
  baseline: string;
  data: string[];
  label: string;
  features: string[] | undefined;
  contract: string;
  task: 'auto' | 'classification' | 'regression';
  classes: string[] | undefined;
  output: OutputKind;
  policy: string;
  rulesFrom: RulesFrom;
  slices: string[];
  minSliceRows: number;
  weakSlices: boolean;
  /** Permutation importance on a sample of `rows` rows, each feature shuffled `repeats` times; undefined: off. */
  permutationImportance: { rows: number; repeats: number } | undefined;
  batchSize: number;
  bootstrap: number;
  seed: number;
  failOnGate: boolean;
  overrideLabel: string;
  onnxruntimePath: string;
  tagPrefix: string;
  /** How to read the data files, as the inputs set it (the contract fills the rest). */
  read: ReadSettings;
  report: string;
  token: string;
  sharding: Sharding;
}

/** Turns the inputs into options, checking every value; an empty input means its default (see withDefaults). */
export function parseEvaluateOptions(given: InputReader): EvaluateOptions {
  const inputs = withDefaults(given, INPUTS);
  const sharding = parseSharding(inputs, 'evaluate');
  // A merge reads the shards' partial reports only: no model, data or label.
  const needed = (name: string) => (sharding.merge ? inputs.get(name).trim() : requireInput(inputs, name));
  const features = parseList(inputs, 'features');
  const classes = parseList(inputs, 'classes');
  const label = needed('label');
  if (features.includes(label))
    throw new ConfigurationError(
      `${inputs.label('features')} lists the label ${label}; a model cannot be fed its own answer`,
    );
  const model = needed('model');
  needed('data');
  // Checked even when off, so that a mistyped value is found before the day it is turned on.
  const importance = {
    rows: parseInteger(inputs, 'importance-rows', 10, 1_000_000),
    repeats: parseInteger(inputs, 'importance-repeats', 1, 100),
  };
  const permutationImportance = parseBoolean(inputs, 'permutation-importance') ? importance : undefined;
  if (permutationImportance && (sharding.shard || sharding.merge))
    throw new ConfigurationError(
      `${inputs.label('permutation-importance')} samples the rows of one run, which a shard or a merge does not have; set it to false in sharded runs, or evaluate in one job`,
    );
  return {
    model,
    baseline: inputs.get('baseline').trim() || NO_BASELINE,
    data: parseList(inputs, 'data'),
    label,
    features: features.length > 0 ? features : undefined,
    contract: inputs.get('contract').trim(),
    task: parseChoice(inputs, 'task', ['auto', 'classification', 'regression'] as const),
    classes: classes.length > 0 ? classes : undefined,
    output: parseChoice(inputs, 'output', OUTPUT_KINDS),
    policy: inputs.get('policy').trim(),
    rulesFrom: parseChoice(inputs, 'rules-from', RULES_FROM),
    slices: parseList(inputs, 'slices'),
    minSliceRows: parseInteger(inputs, 'min-slice-rows', 1, 1_000_000_000),
    weakSlices: parseBoolean(inputs, 'weak-slices'),
    permutationImportance,
    batchSize: parseInteger(inputs, 'batch-size', 1, 1_000_000),
    bootstrap: parseInteger(inputs, 'bootstrap', 0, 100_000),
    seed: parseInteger(inputs, 'seed', 0, 4_294_967_295),
    failOnGate: parseBoolean(inputs, 'fail-on-gate'),
    overrideLabel: inputs.get('override-label').trim(),
    onnxruntimePath: inputs.get('onnxruntime-path').trim(),
    tagPrefix: inputs.get('tag-prefix').trim(),
    read: parseReadSettings(inputs),
    report: inputs.get('report').trim(),
    token: inputs.get('github-token').trim(),
    sharding,
  };
}
