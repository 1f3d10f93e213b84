import type { DataContract } from '../../core/contract/contract.js';
import type { PartialDocument, PartialValidation, RulesFile } from '../../core/documents.js';
import type { Profile } from '../../core/profile/profile.js';
import type { ValidatorPart } from '../../core/validate/dataset-validator.js';
import { bitsetValues } from '../../core/validate/unique-tracker.js';
import { decodeFloat64, decodeUint32, encodeArray, packSamples, type PartialPayload } from '../partial-documents.js';

/** What a shard of validate-data checked: its validator's state, its profile, and the contract it applied. */
export interface ValidationShardState {
  contract: DataContract;
  /** Where the shards read the contract, for the report. */
  contractPath: string;
  /** Which version of the contract the shards applied (on a pull request), for the report. */
  origin: RulesFile | undefined;
  part: ValidatorPart;
  /** The shard's profile, finished as a part (see ProfileBuilder.finish). */
  profile: Profile;
}

/** A shard's validation as its partial report holds it: the profile with its samples packed, then the checks. */
export function encodeValidation(state: ValidationShardState): PartialPayload {
  return {
    ...packSamples(state.profile),
    validation: {
      contract: state.contract,
      contract_path: state.contractPath,
      ...(state.origin ? { contract_origin: state.origin } : {}),
      ...encodeValidatorPart(state.part),
    },
  };
}

/**
 * A shard's validation from its partial report, as read by readPartials (the profile's samples put back already);
 * `source` names the file in messages.
 */
export function decodeValidation(
  document: Pick<PartialDocument, 'profile' | 'validation'>,
  source: string,
): ValidationShardState {
  const validation = document.validation!;
  return {
    contract: validation.contract as DataContract,
    contractPath: validation.contract_path,
    origin: validation.contract_origin,
    part: decodeValidatorPart(validation, source),
    profile: document.profile!,
  };
}

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
      unique.push([
        name,
        {
          values: encodeArray(numbers.values),
          ...(bitset ? { bitset: { min: bitset.min, bits: encodeArray(bitset.bits) } } : {}),
        },
      ]);
    }
  }
  return { tallies: part.tallies, unique: Object.fromEntries(unique) };
}

/** A validator's state from a partial report (see encodeValidatorPart); `source` names the file in messages. */
export function decodeValidatorPart(
  validation: Pick<PartialValidation, 'tallies' | 'unique'>,
  source: string,
): ValidatorPart {
  const unique = Object.fromEntries(
    Object.entries(validation.unique).map(([name, numbers]) => [
      name,
      {
        values: decodeFloat64(numbers.values, source),
        ...(numbers.bitset
          ? { bitset: { min: numbers.bitset.min, bits: decodeUint32(numbers.bitset.bits, source) } }
          : {}),
      },
    ]),
  );
  return { tallies: validation.tallies, unique };
}
