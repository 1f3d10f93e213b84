import { ConfigurationError } from '../../core/errors.js';
import type { ReadSettings } from '../../io/readers/read-settings.js';
import {
  parseBoolean,
  parseChoice,
  parseInteger,
  parseList,
  withDefaults,
  type InputReader,
  type InputSpecs,
  type OutputSpecs,
} from '../runtime/inputs.js';
import { parseReadSettings, readInputs } from '../runtime/read-inputs.js';
import { RULES_FROM, rulesFromInput, type RulesFrom } from '../runtime/rules-files.js';
import { parseSampleSize, sampleSizeInput } from '../runtime/sample-size.js';
import { parseSharding, shardInputs, type Sharding } from '../runtime/sharding.js';

/** The inputs of the validate-data action, which are also the options of `mlgate validate-data`. */
export const INPUTS = {
  data: {
    description:
      'Data files to check: paths or globs (CSV, TSV, JSON Lines, Parquet, optionally .gz), one per line or comma-separated. Several files are one dataset. Required unless merge is set.',
    default: '',
  },
  contract: {
    description: 'The data contract (YAML or JSON). With infer: true, where the drafted contract is written.',
    default: '',
  },
  'rules-from': rulesFromInput('the contract'),
  infer: {
    description:
      'Draft a contract from this data (as reference data) instead of reading one, write it to contract, and check the data against it.',
    default: 'false',
  },
  ...readInputs(),
  'max-annotations': { description: 'Violations shown as annotations on their file and line, at most.', default: '50' },
  'fail-on': { description: 'error: fail on errors only; warning: fail on warnings too.', default: 'error' },
  report: { description: 'Where to write the validation report.', default: 'mlgate-reports/validation-report.json' },
  profile: {
    description: 'Where to write the profile of the data (for drift checks and releases).',
    default: 'mlgate-reports/profile.json',
  },
  'sample-size': sampleSizeInput(
    "Rows kept in the profile's seeded sample, for exact tests later",
    '; 0 writes a profile without a sample (drift checks against it then compare category counts only).',
  ),
  'github-token': {
    description:
      "Token used to read the contract at a pull request's base commit (contents: read; a fork's read-only token is enough).",
    default: '${{ github.token }}',
  },
  ...shardInputs('validate-data'),
} satisfies InputSpecs;

export const OUTPUTS = {
  passed: { description: 'true when the data meets the contract (under fail-on).' },
  violations: { description: 'The number of rules broken.' },
  report: { description: 'The path of the validation report.' },
  profile: { description: 'The path of the profile.' },
  contract: { description: 'The path of the contract used (or drafted).' },
  partial: { description: 'With shard: the path of the partial report this shard wrote.' },
} satisfies OutputSpecs;

export interface ValidateDataOptions {
  data: string[];
  contract: string;
  rulesFrom: RulesFrom;
  infer: boolean;
  /** How to read the data, as the inputs set it (the contract fills the rest). */
  read: ReadSettings;
  maxAnnotations: number;
  failOn: 'error' | 'warning';
  report: string;
  profile: string;
  sampleSize: number;
  token: string;
  sharding: Sharding;
}

/** Turns the inputs into options, checking every value; an empty input means its default (see withDefaults). */
export function parseValidateDataOptions(given: InputReader): ValidateDataOptions {
  const inputs = withDefaults(given, INPUTS);
  const sharding = parseSharding(inputs, 'validate-data');
  const data = parseList(inputs, 'data');
  if (data.length === 0 && !sharding.merge)
    throw new ConfigurationError(`${inputs.label('data')} is required: the data files to check`);
  const infer = parseBoolean(inputs, 'infer');
  if (infer && sharding.shard)
    throw new ConfigurationError(
      `${inputs.label('infer')} cannot draft one contract from shards: draft it once (mlgate infer-contract) and give it to every shard as ${inputs.label('contract')}`,
    );
  const contract = inputs.get('contract').trim();
  if (!contract && !infer && !sharding.merge)
    throw new ConfigurationError(
      `${inputs.label('contract')} is required (or set ${inputs.label('infer')} to true to draft one from the data)`,
    );
  return {
    data,
    contract: contract || 'mlgate-contract.yml',
    rulesFrom: parseChoice(inputs, 'rules-from', RULES_FROM),
    infer,
    read: parseReadSettings(inputs),
    maxAnnotations: parseInteger(inputs, 'max-annotations', 0, 10_000),
    failOn: parseChoice(inputs, 'fail-on', ['error', 'warning'] as const),
    report: inputs.get('report').trim(),
    profile: inputs.get('profile').trim(),
    sampleSize: parseSampleSize(inputs),
    token: inputs.get('github-token').trim(),
    sharding,
  };
}
