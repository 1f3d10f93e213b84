import type { DataContract } from '../../core/contract/contract.js';
import type { RulesFile, ValidationReport } from '../../core/documents.js';
import { mergeProfiles } from '../../core/profile/merge-profiles.js';
import type { Profile } from '../../core/profile/profile.js';
import { lineOffsets } from '../../core/shard/shard-pieces.js';
import { DatasetValidator, type ValidationOptions } from '../../core/validate/dataset-validator.js';
import { VALUE_RULES } from '../../core/validate/violations.js';
import { decodeValidation, encodeValidation, type ValidationShardState } from '../../io/partials/validation-payload.js';
import type { ShardedStepAdapter } from '../runtime/sharded-step.js';

/** The shards merged: the validator of the whole dataset, its profile, and the contract's facts for the report. */
export interface MergedValidation {
  validator: DatasetValidator;
  profile: Profile;
  contractPath: string;
  origin: RulesFile | undefined;
}

/**
 * validate-data in shards: each shard checks its rows and profiles them; the merge absorbs the shards' row checks
 * in shard order (their lines made the file's, the first examples kept), checks unique numbers across shards and
 * merges the profiles, so that finishValidation judges the rules on whole columns and the row count as one run would.
 */
export const validationShards: ShardedStepAdapter<'validate-data', ValidationShardState, MergedValidation> = {
  step: 'validate-data',
  encode: encodeValidation,
  decode: ({ document, source }) => decodeValidation(document, source),
  merge: (shards, { createdAt, warn }) => {
    // Every shard applied the same contract (it is in their fingerprint): the first's is the run's.
    const first = shards[0]!.document;
    const contract = first.validation!.contract as DataContract;
    const validator = new DatasetValidator(contract);
    const files = first.files.map((f) => f.path);
    const fileOrder = (file: string) => files.indexOf(file);
    const records = shards.map((s) => s.document);
    const offsets = new Map(files.map((file) => [file, lineOffsets(records, file)]));
    // One shard's state decoded at a time: the unique numbers of every shard are not held at once.
    shards.forEach((shard, s) => {
      const { part } = shard.state();
      // Rows are numbered from the shard's start; header checks (line 1) are the file's already.
      const rows = part.tallies.filter((t) => VALUE_RULES.has(t.rule));
      const others = part.tallies.filter((t) => !VALUE_RULES.has(t.rule));
      validator.absorb({ tallies: rows, unique: part.unique }, (file) => offsets.get(file)?.[s] ?? 0, fileOrder);
      validator.absorb({ tallies: others, unique: {} }, 0, fileOrder);
    });
    // Rows split by a key's hash keep every repeat of that key in one shard: its uniqueness is checked exactly.
    const keyPiece = first.shard.pieces.find((p) => p.split === 'key');
    const key = keyPiece?.split === 'key' ? keyPiece.key : undefined;
    const textUnique = Object.entries(contract.columns)
      .filter(([name, c]) => c.unique && c.type !== 'int' && c.type !== 'float' && name !== key)
      .map(([name]) => name);
    if (textUnique.length > 0)
      warn(
        `unique on ${textUnique.join(', ')} (text) was checked within each shard only: a value repeated in two shards is not found; check it unsharded, or make it a number`,
      );
    const profile = mergeProfiles(
      records.map((d) => d.profile!),
      createdAt,
      warn,
    );
    validator.noteColumns(profile.columns.map((c) => c.name));
    return {
      validator,
      profile,
      contractPath: first.validation!.contract_path,
      origin: first.validation!.contract_origin,
    };
  },
  rows: (merged) => merged.profile.dataset.rows,
};

/** The validation report of the merged shards, judged as one run judges it. */
export function finishValidation(merged: MergedValidation, options: ValidationOptions): ValidationReport {
  const report = merged.validator.finish(merged.profile, { ...options, contractPath: merged.contractPath });
  if (merged.origin) report.contract = { ...merged.origin, ...report.contract };
  return report;
}
