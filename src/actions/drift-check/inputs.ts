import { ConfigurationError } from '../../core/errors.js';
import {
  checkTestServes,
  checkThreshold,
  DRIFT_TESTS,
  isColumnKind,
  isDriftTest,
  type DriftTest,
} from '../../core/drift/drift-tests.js';
import {
  parseBoolean,
  parseChoice,
  parseList,
  requireInput,
  withDefaults,
  type InputReader,
  type InputSpecs,
  type OutputSpecs,
} from '../runtime/inputs.js';
import { parseSampleSize, sampleSizeInput } from '../runtime/sample-size.js';
import { parseSharding, shardInputs, type Sharding } from '../runtime/sharding.js';
import { parseReadSettings, readInputs } from '../runtime/read-inputs.js';
import type { ReadSettings } from '../../io/readers/read-settings.js';

/** The inputs of the drift-check action, which are also the options of `mlgate drift-check`. */
export const INPUTS = {
  reference: {
    description:
      'The reference: data files (paths or globs), a profile written by validate-data, or release:latest (the profile of the latest mlgate release).',
    required: true,
  },
  current: {
    description:
      'The current data files: paths or globs (CSV, TSV, JSON Lines, Parquet, optionally .gz). Required unless merge is set.',
    default: '',
  },
  columns: {
    description: 'Columns to check, one per line or comma-separated. Default: every column of the reference.',
    default: '',
  },
  tests: {
    description:
      "Tests instead of the defaults, as name=test pairs: a column or a kind = a test it can serve. numeric: ks, wasserstein, chi2, psi, jensenshannon (the last three on the reference's decile bins); categorical: chi2, psi, jensenshannon; binary: ztest, chi2, psi, jensenshannon.",
    default: '',
  },
  thresholds: {
    description:
      'Thresholds instead of the defaults, as name=value pairs: a test or a column. p-value tests (ks, chi2, ztest) drift below it, in (0, 1); distances (psi, jensenshannon, wasserstein) at or above it, 0 or more.',
    default: '',
  },
  'drift-share': {
    description:
      'The dataset drifts when at least this share of the tested features drift, and at least one does; any: one drifted feature is enough.',
    default: 'any',
  },
  'sample-size': sampleSizeInput(
    "Rows of each side's data kept for the tests on numeric columns",
    '. Category counts always cover every row. A reference given as a profile keeps the sample it was written with.',
  ),
  correction: {
    description:
      "none, or bh: Benjamini-Hochberg adjustment of the features' p-values (the raw p-value is kept beside the adjusted one).",
    default: 'bh',
  },
  'new-categories': {
    description:
      'Values of a text column that the reference never had: drift (drift by themselves when more appear than chance explains) or note (named in the report only).',
    default: 'drift',
  },
  ids: {
    description:
      'Identifier columns to skip, one per line or comma-separated, besides those found unique per row (text or whole numbers).',
    default: '',
  },
  label: {
    description: 'The label (target) column: its drift is reported as label drift, apart from the features.',
    default: '',
  },
  'fail-on-drift': { description: 'Fail the step when the dataset drifts.', default: 'false' },
  mode: {
    description:
      'check: report only; issue (for schedules): keep one issue open while the data drifts, commented each run, closed when drift is gone.',
    default: 'check',
  },
  'issue-label': { description: 'In issue mode, the label that marks the drift issue.', default: 'mlgate-drift' },
  'issue-author': {
    description:
      "In issue mode, the login whose issue is kept; anyone else's issue with the same label and marker is left alone. Default: the token's user for a personal token, else github-actions[bot]; for a GitHub App's token, its <app-slug>[bot].",
    default: '',
  },
  model: {
    description:
      'An ONNX model: also compare its predictions on the reference data with those on the current data (prediction drift). Needs the reference as data files.',
    default: '',
  },
  'model-features': {
    description: "The model's input columns in order. Default: its metadata mlgate.features.",
    default: '',
  },
  'onnxruntime-path': {
    description: 'A preinstalled onnxruntime-node, for runners without internet (see evaluate).',
    default: '',
  },
  'tag-prefix': {
    description: 'With reference release:latest, the tag prefix of mlgate releases.',
    default: 'model-v',
    keepEmpty: true,
  },
  ...readInputs(),
  report: { description: 'Where to write the drift report.', default: 'mlgate-reports/drift-report.json' },
  'github-token': {
    description:
      'Token used to read releases (release:latest, contents: read) and, in issue mode, to keep the issue (issues: write).',
    default: '${{ github.token }}',
  },
  ...shardInputs('drift-check'),
} satisfies InputSpecs;

export const OUTPUTS = {
  drifted: { description: 'true when the dataset drifted.' },
  'drifted-columns': { description: 'The columns that drifted, as a JSON array.' },
  report: { description: 'The path of the drift report.' },
  'issue-number': { description: 'In issue mode, the number of the drift issue (opened, updated or closed).' },
  'issue-url': { description: 'In issue mode, the address of the drift issue.' },
  'prediction-drifted': {
    description: 'With a model: true when its predictions drifted, else false; empty without a model.',
  },
  partial: { description: 'With shard: the path of the partial report this shard wrote.' },
  'label-drifted': { description: 'With label: true when the label drifted, else false; empty without a label.' },
} satisfies OutputSpecs;

export interface DriftCheckOptions {
  reference: string[];
  current: string[];
  columns: string[] | undefined;
  tests: Record<string, DriftTest>;
  thresholds: Record<string, number>;
  /** Rows sampled from data files (SAMPLE_ALL: every row). */
  sampleSize: number;
  driftShare: number;
  correction: 'none' | 'bh';
  newCategories: 'drift' | 'note';
  label: string | undefined;
  ids: string[];
  failOnDrift: boolean;
  mode: 'check' | 'issue';
  issueLabel: string;
  /** The login whose drift issue is mlgate's; empty: found from the token. */
  issueAuthor: string;
  model: string;
  modelFeatures: string[] | undefined;
  onnxruntimePath: string;
  tagPrefix: string;
  /** How to read the reference and current data files. */
  read: ReadSettings;
  report: string;
  token: string;
  sharding: Sharding;
}

/** Turns the inputs into options, checking every value; an empty input means its default (see withDefaults). */
export function parseDriftCheckOptions(given: InputReader): DriftCheckOptions {
  const inputs = withDefaults(given, INPUTS);
  const sharding = parseSharding(inputs, 'drift-check');
  requireInput(inputs, 'reference');
  if (!sharding.merge) requireInput(inputs, 'current');
  if ((sharding.shard || sharding.merge) && inputs.get('model').trim()) {
    throw new ConfigurationError(
      `${inputs.label('model')} (prediction drift) scores the reference and the current data in one job: leave it out of sharded runs and check predictions unsharded`,
    );
  }
  const columns = parseList(inputs, 'columns');
  const share = inputs.get('drift-share').trim();
  const driftShare = share === 'any' ? 0 : Number(share);
  if (!(share === 'any' || (share !== '' && driftShare > 0 && driftShare <= 1)))
    throw new ConfigurationError(
      `${inputs.label('drift-share')} must be any, or a share above 0 and at most 1 (got "${share}")`,
    );
  return {
    reference: parseList(inputs, 'reference'),
    current: parseList(inputs, 'current'),
    columns: columns.length > 0 ? columns : undefined,
    tests: Object.fromEntries(
      pairs(inputs, 'tests').map(([name, value]) => {
        if (!isDriftTest(value))
          throw new ConfigurationError(
            `${inputs.label('tests')}: "${value}" for ${name} is not a test; use one of ${DRIFT_TESTS.join(', ')}`,
          );
        // A kind is known now; a column's kind only once the reference is read (detectDrift checks those).
        if (isColumnKind(name)) checkTestServes(value, name, `${name}=${value}`, inputs.label('tests'));
        return [name, value];
      }),
    ),
    thresholds: Object.fromEntries(
      pairs(inputs, 'thresholds').map(([name, value]) => {
        const number = Number(value);
        if (value === '' || !Number.isFinite(number))
          throw new ConfigurationError(`${inputs.label('thresholds')}: "${value}" for ${name} is not a number`);
        if (isDriftTest(name)) checkThreshold(name, number, `${name}=${value}`, inputs.label('thresholds'));
        return [name, number];
      }),
    ),
    sampleSize: parseSampleSize(inputs),
    driftShare,
    correction: parseChoice(inputs, 'correction', ['none', 'bh'] as const),
    newCategories: parseChoice(inputs, 'new-categories', ['drift', 'note'] as const),
    label: inputs.get('label').trim() || undefined,
    ids: parseList(inputs, 'ids'),
    failOnDrift: parseBoolean(inputs, 'fail-on-drift'),
    mode: parseChoice(inputs, 'mode', ['check', 'issue'] as const),
    issueLabel: inputs.get('issue-label').trim(),
    issueAuthor: inputs.get('issue-author').trim(),
    model: inputs.get('model').trim(),
    modelFeatures: parseList(inputs, 'model-features').length > 0 ? parseList(inputs, 'model-features') : undefined,
    onnxruntimePath: inputs.get('onnxruntime-path').trim(),
    tagPrefix: inputs.get('tag-prefix').trim(),
    read: parseReadSettings(inputs),
    report: inputs.get('report').trim(),
    token: inputs.get('github-token').trim(),
    sharding,
  };
}

/** `a=b, c=d` (or one pair per line) as [name, value] pairs. */
function pairs(inputs: InputReader, name: string): [string, string][] {
  return parseList(inputs, name).map((item) => {
    const at = item.lastIndexOf('=');
    if (at <= 0) throw new ConfigurationError(`${inputs.label(name)} takes name=value pairs (got "${item}")`);
    return [item.slice(0, at).trim(), item.slice(at + 1).trim()];
  });
}
