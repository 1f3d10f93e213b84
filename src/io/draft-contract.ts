import { inferContract, uniqueCandidates } from '../core/contract/infer-contract.js';
import type { DataContract } from '../core/contract/contract.js';
import { ProfileBuilder } from '../core/profile/profile-builder.js';
import type { Profile } from '../core/profile/profile.js';
import { DatasetValidator } from '../core/validate/dataset-validator.js';
import type { DatasetFile } from './readers/dataset.js';
import type { ReadSettings } from './readers/read-settings.js';
import { scanDataset } from './scan-dataset.js';
import { numericHints, reprofileMisread, skipAllBut } from './numeric-hints.js';

export interface DraftOptions {
  margin: number;
  sampleSize: number;
  /** How to read the files. */
  settings?: ReadSettings;
  createdAt: string;
}

/**
 * Drafts a contract from reference data: one pass profiles every column with its type inferred (columns whose first
 * batch is all numbers read as numbers only: reading them also as text would keep every distinct number's text);
 * a second pass, only when some int or string column's sample was all distinct, checks those columns' uniqueness
 * exactly, reading those columns only.
 */
export async function draftContract(
  files: readonly DatasetFile[],
  options: DraftOptions,
): Promise<{ contract: DataContract; profile: Profile }> {
  const builder = new ProfileBuilder({ sampleSize: options.sampleSize, createdAt: options.createdAt });
  const hints = await numericHints(files, undefined, options.settings);
  await scanDataset({
    files,
    profile: builder,
    decodeHints: hints,
    settings: options.settings,
    createdAt: options.createdAt,
  });
  const profile = await reprofileMisread(builder.finish(), hints, files, options);
  const candidates = uniqueCandidates(profile);
  const unique = new Set<string>();
  if (candidates.length > 0) {
    const types = new Map(profile.columns.map((c) => [c.name, c.type]));
    const check: DataContract = {
      columns: Object.fromEntries(candidates.map((name) => [name, { type: types.get(name)!, unique: true }])),
    };
    const validator = new DatasetValidator(check);
    const scratch = new ProfileBuilder({ sampleSize: 0, createdAt: options.createdAt });
    await scanDataset({
      files,
      contract: check,
      decodeHints: skipAllBut(profile, new Set(candidates)),
      profile: scratch,
      validator,
      settings: options.settings,
      createdAt: options.createdAt,
    });
    const report = validator.finish(scratch.finish(), { failOn: 'error', createdAt: options.createdAt });
    for (const name of candidates)
      if (!report.violations.some((v) => v.column === name && v.rule === 'unique')) unique.add(name);
  }
  const contract = inferContract(profile, { margin: options.margin, uniqueColumns: unique });
  // The settings the data needed are the contract's: validate-data then reads the data the same way unasked.
  const { format, delimiter, decimal, quote } = options.settings ?? {};
  const read = {
    ...(format ? { format } : {}),
    ...(delimiter ? { delimiter } : {}),
    ...(decimal ? { decimal } : {}),
    ...(quote ? { quote } : {}),
  };
  if (Object.keys(read).length > 0) contract.dataset = { ...contract.dataset, ...read };
  return { contract, profile };
}
