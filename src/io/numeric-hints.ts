import type { DataContract } from '../core/contract/contract.js';
import type { DecodeAs } from '../core/data/batch.js';
import { ownValue } from '../core/own-value.js';
import { ProfileBuilder } from '../core/profile/profile-builder.js';
import type { Profile } from '../core/profile/profile.js';
import type { DatasetFile } from './readers/dataset.js';
import { withContractSettings, type ReadSettings } from './readers/read-settings.js';
import { scanDataset } from './scan-dataset.js';
import { sniffNumericColumns } from './sniff-types.js';

/**
 * How to read the columns a contract does not type: as numbers only, those the first rows of the data show as all
 * numbers. Read as numbers and text (`auto`), a numeric column keeps the text of every distinct number, and a million
 * distinct floats cost a million strings (on the benchmark's 1M-row table, 20 s and 1.5 GB against 3 s and 150 MB).
 */
export async function numericHints(
  files: readonly DatasetFile[],
  contract: DataContract | undefined,
  settings: ReadSettings = {},
): Promise<Record<string, DecodeAs>> {
  // Columns the contract types are neither sniffed nor hinted.
  const sniffed = await sniffNumericColumns(
    files,
    withContractSettings(settings, contract?.dataset),
    (column) => contract !== undefined && Object.hasOwn(contract.columns, column),
  );
  return Object.fromEntries(
    Object.entries(sniffed.columns).flatMap(([name, column]): [string, DecodeAs][] =>
      column.type === 'float' && !(contract && Object.hasOwn(contract.columns, name)) ? [[name, 'number']] : [],
    ),
  );
}

/**
 * The profile, with the columns that hints had read as numbers but that held text after the first rows (counted
 * invalid) profiled again as numbers and text, as they would have been without the hint. The other columns are not
 * read; the sample holds the same rows (a row's place in it depends on the row, not on the columns read).
 */
export async function reprofileMisread(
  profile: Profile,
  hints: Readonly<Record<string, DecodeAs>>,
  files: readonly DatasetFile[],
  options: { sampleSize?: number; settings?: ReadSettings; dataset?: DataContract['dataset']; createdAt: string },
): Promise<Profile> {
  const misread = new Set(
    profile.columns.filter((c) => ownValue(hints, c.name) === 'number' && c.invalid > 0).map((c) => c.name),
  );
  if (misread.size === 0) return profile;
  const builder = new ProfileBuilder({ sampleSize: options.sampleSize, createdAt: options.createdAt });
  // The contract's dataset settings (null texts) apply as in the first read; its columns are not read again.
  const contract = options.dataset ? { columns: {}, dataset: options.dataset } : undefined;
  await scanDataset({
    files,
    contract,
    profile: builder,
    decodeHints: skipAllBut(profile, misread),
    settings: options.settings,
    createdAt: options.createdAt,
  });
  const reread = new Map(builder.finish().columns.map((c) => [c.name, c]));
  return { ...profile, columns: profile.columns.map((c) => reread.get(c.name) ?? c) };
}

/** Hints that skip every column of the profile but those kept: for a pass that needs a few columns only. */
export function skipAllBut(profile: Profile, kept: ReadonlySet<string>): Record<string, DecodeAs> {
  return Object.fromEntries(
    profile.columns.filter((c) => !kept.has(c.name)).map((c): [string, DecodeAs] => [c.name, 'skip']),
  );
}
