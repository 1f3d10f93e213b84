import { ConfigurationError } from '../../core/errors.js';
import { DRIFT_TESTS, type DriftTest } from '../../core/drift/detect-drift.js';
import { parseBoolean, parseChoice, parseList, requireInput, type InputReader, type InputSpecs, type OutputSpecs } from '../runtime/inputs.js';
import { parseSampleSize, SAMPLE_SIZE_HELP } from '../runtime/sample-size.js';
import { parseSharding, shardInputs, type Sharding } from '../runtime/sharding.js';
import { DEFAULT_SAMPLE_SIZE } from '../../core/profile/profile.js';

/** The inputs of the drift-check action, which are also the options of `mlgate drift-check`. */
export const INPUTS = {
  reference: { description: 'The reference: data files (paths or globs), a profile written by validate-data, or release:latest (the profile of the latest mlgate release).', required: true },
  current: { description: 'The current data files: paths or globs (CSV, TSV, JSON Lines, Parquet, optionally .gz). Required unless merge is set.', default: '' },
  columns: { description: 'Columns to check, one per line or comma-separated. Default: every column of the reference.', default: '' },
  tests: { description: 'Tests instead of the defaults, as name=test pairs: a column or a kind (numeric, categorical, binary) = ks, chi2, ztest, psi, jensenshannon or wasserstein.', default: '' },
  thresholds: { description: 'Thresholds instead of the defaults, as name=value pairs: a test or a column (p-value tests drift below it, distances at or above).', default: '' },
  'sample-size': {
    description: `Rows of each side's data kept for the tests on numeric columns: ${SAMPLE_SIZE_HELP}. Category counts always cover every row. A reference given as a profile keeps the sample it was written with.`,
    default: String(DEFAULT_SAMPLE_SIZE),
  },
  'drift-share': { description: 'The dataset drifts when at least this share of the checked columns drift.', default: '0.5' },
  correction: { description: 'none, or bh: Benjamini-Hochberg adjustment of p-values across columns.', default: 'none' },
  'fail-on-drift': { description: 'Fail the step when the dataset drifts.', default: 'false' },
  mode: { description: 'check: report only; issue (for schedules): keep one issue open while the data drifts, commented each run, closed when drift is gone.', default: 'check' },
  'issue-label': { description: 'In issue mode, the label that marks the drift issue.', default: 'mlgate-drift' },
  'issue-author': {
    description: "In issue mode, the login whose issue is kept; anyone else's issue with the same label and marker is left alone. Default: the token's user for a personal token, else github-actions[bot]; for a GitHub App's token, its <app-slug>[bot].",
    default: '',
  },
  model: { description: 'An ONNX model: also compare its predictions on the reference data with those on the current data (prediction drift). Needs the reference as data files.', default: '' },
  'model-features': { description: 'The model\'s input columns in order. Default: its metadata mlgate.features.', default: '' },
  'onnxruntime-path': { description: 'A preinstalled onnxruntime-node, for runners without internet (see evaluate).', default: '' },
  'tag-prefix': { description: 'With reference release:latest, the tag prefix of mlgate releases.', default: 'model-v' },
  report: { description: 'Where to write the drift report.', default: 'mlgate-reports/drift-report.json' },
  'github-token': { description: 'Token used to read releases (release:latest, contents: read) and, in issue mode, to keep the issue (issues: write).', default: '${{ github.token }}' },
  ...shardInputs('drift-check'),
} satisfies InputSpecs;

export const OUTPUTS = {
  drifted: { description: 'true when the dataset drifted.' },
  'drifted-columns': { description: 'The columns that drifted, as a JSON array.' },
  report: { description: 'The path of the drift report.' },
  'issue-number': { description: 'In issue mode, the number of the drift issue (opened, updated or closed).' },
  'issue-url': { description: 'In issue mode, the address of the drift issue.' },
  'prediction-drifted': { description: 'With a model: true when its predictions drifted, else false; empty without a model.' },
  partial: { description: 'With shard: the path of the partial report this shard wrote.' },
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
  failOnDrift: boolean;
  mode: 'check' | 'issue';
  issueLabel: string;
  /** The login whose drift issue is mlgate's; empty: found from the token. */
  issueAuthor: string;
  model: string;
  modelFeatures: string[] | undefined;
  onnxruntimePath: string;
  tagPrefix: string;
  report: string;
  token: string;
  sharding: Sharding;
}

export function parseDriftCheckOptions(inputs: InputReader): DriftCheckOptions {
  const sharding = parseSharding(inputs, 'drift-check');
  requireInput(inputs, 'reference');
  if (!sharding.merge) requireInput(inputs, 'current');
  if ((sharding.shard || sharding.merge) && inputs.get('model').trim()) {
    throw new ConfigurationError(`${inputs.label('model')} (prediction drift) scores the reference and the current data in one job: leave it out of sharded runs and check predictions unsharded`);
  }
  const columns = parseList(inputs, 'columns');
  const driftShare = Number(inputs.get('drift-share'));
  if (!(driftShare > 0 && driftShare <= 1)) throw new ConfigurationError(`${inputs.label('drift-share')} must be a share above 0 and at most 1 (got "${inputs.get('drift-share')}")`);
  return {
    reference: parseList(inputs, 'reference'),
    current: parseList(inputs, 'current'),
    columns: columns.length > 0 ? columns : undefined,
    tests: Object.fromEntries(
      pairs(inputs, 'tests').map(([name, value]) => {
        if (!(DRIFT_TESTS as readonly string[]).includes(value)) throw new ConfigurationError(`${inputs.label('tests')}: "${value}" for ${name} is not a test; use one of ${DRIFT_TESTS.join(', ')}`);
        return [name, value as DriftTest];
      }),
    ),
    thresholds: Object.fromEntries(
      pairs(inputs, 'thresholds').map(([name, value]) => {
        const number = Number(value);
        if (!Number.isFinite(number) || number < 0) throw new ConfigurationError(`${inputs.label('thresholds')}: "${value}" for ${name} is not a non-negative number`);
        return [name, number];
      }),
    ),
    sampleSize: parseSampleSize(inputs),
    driftShare,
    correction: parseChoice(inputs, 'correction', ['none', 'bh'] as const),
    failOnDrift: parseBoolean(inputs, 'fail-on-drift'),
    mode: parseChoice(inputs, 'mode', ['check', 'issue'] as const),
    issueLabel: inputs.get('issue-label').trim() || INPUTS['issue-label'].default,
    issueAuthor: inputs.get('issue-author').trim(),
    model: inputs.get('model').trim(),
    modelFeatures: parseList(inputs, 'model-features').length > 0 ? parseList(inputs, 'model-features') : undefined,
    onnxruntimePath: inputs.get('onnxruntime-path').trim(),
    tagPrefix: inputs.get('tag-prefix').trim(),
    report: inputs.get('report').trim() || INPUTS.report.default,
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
