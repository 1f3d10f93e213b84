import { resolve } from 'node:path';
import type { PartialDocument } from '../core/documents.js';
import { ConfigurationError } from '../core/errors.js';
import { mergeProfiles } from '../core/profile/merge-profiles.js';
import type { Profile } from '../core/profile/profile.js';
import { readDocument } from '../io/documents.js';
import { MAX_PARTIAL_BYTES } from '../io/partial-documents.js';
import { resolveReportFiles } from '../io/report-files.js';
import { RunReports } from '../io/run-reports.js';
import type { ActionEnvironment } from '../actions/runtime/host.js';
import { parseList, withDefaults, type InputSpecs } from '../actions/runtime/inputs.js';
import { INPUTS as EVALUATE_INPUTS } from '../actions/evaluate/inputs.js';
import { evaluate } from '../actions/evaluate/run.js';
import { INPUTS as VALIDATE_DATA_INPUTS } from '../actions/validate-data/inputs.js';
import { validateData } from '../actions/validate-data/run.js';
import { cliInputReader } from './args.js';

export const MERGE_INPUTS = {
  profiles: {
    description: 'The profiles, or the partial reports of validate-data or evaluate, of every shard: paths or globs.',
    required: true,
  },
  output: {
    description:
      "Where to write the merged profile (for partial reports: the merged report; default the step's report path).",
    default: 'mlgate-reports/profile.json',
  },
} satisfies InputSpecs;

/**
 * `mlgate merge`: combines the profiles of a dataset's shards into the profile of the whole, or the partial
 * reports of a sharded validate-data or evaluate into its report (the step's own merge, with its defaults:
 * `mlgate <step> --merge ...` takes the step's other options too).
 */
export async function mergeCommand(env: ActionEnvironment): Promise<void> {
  const { cwd, host } = env;
  const inputs = withDefaults(env.inputs, MERGE_INPUTS);
  const patterns = parseList(inputs, 'profiles');
  if (patterns.length === 0)
    throw new ConfigurationError(`${inputs.label('profiles')} is required: the profiles to merge`);
  const { files } = await resolveReportFiles(patterns, cwd);
  if (files.length === 0)
    throw new ConfigurationError(`${inputs.label('profiles')}: no file matches ${patterns.join(', ')}`);
  const first = await readDocument<Profile | PartialDocument>(
    resolve(cwd, files[0]!.path),
    files[0]!.path,
    MAX_PARTIAL_BYTES,
  );
  if (first.kind === 'partial') return mergePartials(env, (first.document as PartialDocument).step, patterns);
  const output = inputs.get('output');
  // The output is claimed (a previous run's removed) before the profiles are read: it cannot be one of them.
  if (files.some((f) => resolve(cwd, f.path) === resolve(cwd, output)))
    throw new ConfigurationError(
      `${inputs.label('output')} ${output} is also one of the profiles to merge; write the merged profile elsewhere`,
    );
  const reports = await RunReports.claim([resolve(cwd, output)]);
  await reports.guard(async () => {
    const profiles: Profile[] = [];
    for (const file of files) {
      const loaded = await readDocument<Profile>(resolve(cwd, file.path), file.path);
      if (loaded.kind !== 'profile')
        throw new ConfigurationError(
          `${file.path}: is a ${loaded.kind}, not a profile; merge profiles with profiles, and partial reports with partial reports`,
          { file: file.path },
        );
      profiles.push(loaded.document);
    }
    const merged = mergeProfiles(profiles, new Date().toISOString());
    await reports.write(resolve(cwd, output), merged, { compact: true });
    host.print(`profile ${output}: ${profiles.length} profiles, ${merged.dataset.rows} rows`);
  });
}

/** Runs the step's merge with its default options (the report at --output when given). */
async function mergePartials(env: ActionEnvironment, step: PartialDocument['step'], patterns: string[]): Promise<void> {
  if (step === 'drift-check') {
    throw new ConfigurationError(
      `drift-check partial reports are merged against the reference: run mlgate drift-check --reference <reference> --merge '${patterns.join(',')}'`,
    );
  }
  const output = env.inputs.get('output');
  const values = new Map([
    ['merge', patterns],
    ...(output && output !== MERGE_INPUTS.output.default ? [['report', [output]] as [string, string[]]] : []),
  ]);
  const [specs, run] = step === 'evaluate' ? [EVALUATE_INPUTS, evaluate] : [VALIDATE_DATA_INPUTS, validateData];
  await run({ ...env, inputs: cliInputReader({ values, help: false }, specs, process.env) });
}
