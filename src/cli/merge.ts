import { resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import { mergeProfiles } from '../core/profile/merge-profiles.js';
import type { Profile } from '../core/profile/profile.js';
import { readDocumentOfKind, writeDocument } from '../io/documents.js';
import { resolveReportFiles } from '../io/report-files.js';
import type { ActionEnvironment } from '../actions/runtime/host.js';
import { parseList, type InputSpecs } from '../actions/runtime/inputs.js';

export const MERGE_INPUTS = {
  profiles: { description: 'The partial profiles of every shard: paths or globs.', required: true },
  output: { description: 'Where to write the merged profile.', default: 'mlgate-reports/profile.json' },
} satisfies InputSpecs;

/** `mlgate merge`: combines the profiles of a dataset's shards into the profile of the whole. */
export async function mergeCommand(env: ActionEnvironment): Promise<void> {
  const { inputs, cwd, host } = env;
  const patterns = parseList(inputs, 'profiles');
  if (patterns.length === 0) throw new ConfigurationError(`${inputs.label('profiles')} is required: the profiles to merge`);
  const { files } = await resolveReportFiles(patterns, cwd);
  const profiles: Profile[] = [];
  for (const file of files) {
    profiles.push(await readDocumentOfKind<Profile>(resolve(cwd, file.path), file.path, 'profile'));
  }
  const merged = mergeProfiles(profiles, new Date().toISOString());
  const output = inputs.get('output') || MERGE_INPUTS.output.default;
  await writeDocument(resolve(cwd, output), merged, { compact: true });
  host.print(`profile ${output}: ${profiles.length} profiles, ${merged.dataset.rows} rows`);
}
