import { decodingOf, type DataContract } from '../core/contract/contract.js';
import { TextDictionary, type DecodeAs } from '../core/data/batch.js';
import type { ProfileBuilder } from '../core/profile/profile-builder.js';
import type { DatasetValidator } from '../core/validate/dataset-validator.js';
import { readDataset, type DatasetFile } from './readers/dataset.js';

export interface ScanOptions {
  files: readonly DatasetFile[];
  /** Gives columns their types; columns it does not name are read as `auto`. */
  contract?: DataContract;
  profile: ProfileBuilder;
  validator?: DatasetValidator;
  delimiter?: string;
}

/** Reads a dataset once, streaming every batch into the validator (if any) and the profile. */
export async function scanDataset(options: ScanOptions): Promise<void> {
  const dictionaries = new Map<string, TextDictionary>();
  const dictionary = (column: string) => {
    let d = dictionaries.get(column);
    if (!d) dictionaries.set(column, (d = new TextDictionary()));
    return d;
  };
  const decodeAs = (column: string): DecodeAs => {
    const type = options.contract?.columns[column]?.type;
    return type ? decodingOf(type) : 'auto';
  };
  const events = readDataset(options.files, {
    delimiter: options.delimiter ?? options.contract?.dataset?.delimiter,
    nullValues: options.contract?.dataset?.null_values,
    decodeAs: (columns) => columns.map(decodeAs),
    dictionary,
  });
  for await (const event of events) {
    if (event.type === 'file') {
      for (const column of event.header) options.profile.declare(column, decodeAs(column), options.contract?.columns[column]?.type);
      options.validator?.checkHeader(event.file.name, event.header);
    } else {
      options.validator?.checkBatch(event.batch);
      options.profile.addBatch(event.batch);
    }
  }
}
