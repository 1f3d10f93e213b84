import type { DataContract } from '../../core/contract/contract.js';
import type { PartialValidation, ValidationReport } from '../../core/documents.js';
import { mergeProfiles } from '../../core/profile/merge-profiles.js';
import type { Profile } from '../../core/profile/profile.js';
import { lineOffsets } from '../../core/shard/shard-pieces.js';
import { DatasetValidator, type ValidationOptions, type ValidatorPart } from '../../core/validate/dataset-validator.js';
import { bitsetValues } from '../../core/validate/unique-tracker.js';
import { VALUE_RULES } from '../../core/validate/violations.js';
import { decodeFloat64, decodeUint32, encodeArray, readPartials } from '../../io/partial-documents.js';
import type { ActionEnvironment } from '../runtime/host.js';

/** A validator's state as a partial report holds it (typed arrays in base64). */
export function encodeValidatorPart(part: ValidatorPart): Pick<PartialValidation, 'tallies' | 'unique'> {
  // Keyed by column name: built from entries, so that a column named __proto__ is a key like any other.
  const unique: [string, PartialValidation['unique'][string]][] = [];
  for (const [name, numbers] of Object.entries(part.unique)) {
    const { bitset } = numbers;
    // A shard sees a slice of the ids: its bitset over the whole id range is mostly zeros, and 1 bit per possible
    // value costs less than 64 per value seen only above one value in 64. Carried the smaller way.
    const set = bitset ? bitsetValues(bitset) : undefined;
    if (bitset && set && set.length * 64 < bitset.bits.length * 32) {
      const values = new Float64Array(numbers.values.length + set.length);
      values.set(numbers.values);
      values.set(set, numbers.values.length);
      unique.push([name, { values: encodeArray(values) }]);
    } else {
      unique.push([name, { values: encodeArray(numbers.values), ...(bitset ? { bitset: { min: bitset.min, bits: encodeArray(bitset.bits) } } : {}) }]);
    }
  }
  return { tallies: part.tallies, unique: Object.fromEntries(unique) };
}

function decodeValidatorPart(validation: PartialValidation, source: string): ValidatorPart {
  const unique = Object.fromEntries(
    Object.entries(validation.unique).map(([name, numbers]) => [name, { values: decodeFloat64(numbers.values, source), ...(numbers.bitset ? { bitset: { min: numbers.bitset.min, bits: decodeUint32(numbers.bitset.bits, source) } } : {}) }]),
  );
  return { tallies: validation.tallies, unique };
}

/**
 * The validation report and profile of the whole dataset from the partial reports of its shards: the shards'
 * row checks absorbed in shard order (their lines made the file's, the first examples kept), unique numbers
 * checked across shards, the profiles merged, and the rules on whole columns and the row count judged on the
 * merged profile, as one run would.
 */
export async function mergeValidation(env: ActionEnvironment, patterns: readonly string[], options: ValidationOptions): Promise<{ report: ValidationReport; profile: Profile }> {
  const partials = await readPartials(patterns, env.cwd, 'validate-data', env.inputs.label('merge'));
  const first = partials[0]!.document;
  const contract = first.validation!.contract as DataContract;
  const validator = new DatasetValidator(contract);
  const files = first.files.map((f) => f.path);
  const fileOrder = (file: string) => files.indexOf(file);
  const offsets = new Map(files.map((file) => [file, lineOffsets(partials, file)]));
  partials.forEach((partial, s) => {
    const part = decodeValidatorPart(partial.document.validation!, partial.source);
    // Rows are numbered from the shard's start; header checks (line 1) are the file's already.
    const rows = part.tallies.filter((t) => VALUE_RULES.has(t.rule));
    const others = part.tallies.filter((t) => !VALUE_RULES.has(t.rule));
    validator.absorb({ tallies: rows, unique: part.unique }, (file) => offsets.get(file)?.[s] ?? 0, fileOrder);
    validator.absorb({ tallies: others, unique: {} }, 0, fileOrder);
  });
  // Rows split by a key's hash keep every repeat of that key in one shard: its uniqueness is checked exactly.
  const keyPiece = first.shard.pieces.find((p) => p.split === 'key');
  const key = keyPiece?.split === 'key' ? keyPiece.key : undefined;
  const textUnique = Object.entries(contract.columns).filter(([name, c]) => c.unique && c.type !== 'int' && c.type !== 'float' && name !== key).map(([name]) => name);
  if (textUnique.length > 0) env.host.warning(`unique on ${textUnique.join(', ')} (text) was checked within each shard only: a value repeated in two shards is not found; check it unsharded, or make it a number`);
  const profile = mergeProfiles(partials.map((p) => p.document.profile!), options.createdAt, (message) => env.host.warning(message));
  validator.noteColumns(profile.columns.map((c) => c.name));
  env.host.info(`Merged ${partials.length} shards: ${profile.dataset.rows} rows`);
  const report = validator.finish(profile, { ...options, contractPath: first.validation!.contract_path });
  const origin = first.validation!.contract_origin;
  if (origin) report.contract = { ...origin, ...report.contract };
  return { report, profile };
}
