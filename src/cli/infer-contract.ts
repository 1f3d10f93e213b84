import { resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { writeContract } from '../io/contract-file.js';
import { draftContract } from '../io/draft-contract.js';
import { resolveDataFiles } from '../io/readers/dataset.js';
import type { ActionEnvironment } from '../actions/runtime/host.js';
import { parseList, withDefaults, type InputSpecs } from '../actions/runtime/inputs.js';
import { parseReadSettings, readInputs } from '../actions/runtime/read-inputs.js';
import { parseSampleSize, sampleSizeInput } from '../actions/runtime/sample-size.js';

export const INFER_CONTRACT_INPUTS = {
  data: {
    description: 'Reference data: paths or globs (CSV, TSV, JSON Lines, Parquet, optionally .gz).',
    required: true,
  },
  output: { description: 'Where to write the drafted contract.', default: 'mlgate-contract.yml' },
  margin: { description: 'Widen observed ranges by this share of their width on each side.', default: '0.1' },
  ...readInputs(),
  'sample-size': sampleSizeInput('Rows sampled to judge types and uniqueness candidates', '.'),
} satisfies InputSpecs;

/** `mlgate infer-contract`: drafts a contract from reference data for a person to review. */
export async function inferContractCommand(env: ActionEnvironment): Promise<void> {
  const { cwd, host } = env;
  const inputs = withDefaults(env.inputs, INFER_CONTRACT_INPUTS);
  const data = parseList(inputs, 'data');
  if (data.length === 0) throw new ConfigurationError(`${inputs.label('data')} is required: the reference data`);
  const margin = Number(inputs.get('margin'));
  if (!Number.isFinite(margin) || margin < 0 || margin > 10)
    throw new ConfigurationError(
      `${inputs.label('margin')} must be a number from 0 to 10 (got "${inputs.get('margin')}")`,
    );
  const settings = parseReadSettings(inputs);
  const files = await resolveDataFiles(data, cwd, settings.format ?? 'auto', inputs.label('data'));
  const createdAt = new Date().toISOString();
  const { contract, profile } = await draftContract(files, {
    margin,
    sampleSize: parseSampleSize(inputs),
    settings,
    createdAt,
  });
  const output = inputs.get('output');
  await writeContract(
    resolve(cwd, output),
    contract,
    `Drafted by mlgate infer-contract from ${files.map((f) => f.name).join(', ')} (${profile.dataset.rows} rows) on ${createdAt.slice(0, 10)}.\nReview it before relying on it: ranges are the observed ones widened by ${margin * 100}%.`,
  );
  host.print(`contract ${output}: ${Object.keys(contract.columns).length} columns from ${profile.dataset.rows} rows`);
}
