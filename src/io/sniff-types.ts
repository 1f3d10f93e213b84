import { INVALID, TextDictionary, VALUE } from '../core/data/batch.js';
import type { DataContract } from '../core/contract/contract.js';
import { inferTextType } from '../core/profile/infer-type.js';
import { readDataset, type DatasetFile } from './readers/dataset.js';

/** Rows of a Parquet file sniffed: its first batch is a whole row group, often the whole file. */
const SNIFF_ROWS = 10_000;

/**
 * Column types guessed from the first batch of a dataset (about 1 MiB of text, or 10,000 rows of Parquet): a column whose every cell there is
 * a number is read as float from then on, and a text column gets the type its values suggest (category, string,
 * bool, datetime). Without a contract every column would otherwise be read both as numbers and as dictionary-encoded
 * text, and a numeric column of a million distinct values costs a million strings. A later cell that does not fit
 * the guess is counted as invalid in the profile.
 */
export async function sniffNumericColumns(files: readonly DatasetFile[], delimiter?: string): Promise<DataContract> {
  const dictionaries = new Map<string, TextDictionary>();
  const columns: DataContract['columns'] = {};
  for await (const event of readDataset(files.slice(0, 1), {
    delimiter,
    headRows: SNIFF_ROWS,
    decodeAs: (names) => names.map(() => 'auto'),
    dictionary: (name) => dictionaries.get(name) ?? dictionaries.set(name, new TextDictionary()).get(name)!,
  })) {
    if (event.type !== 'batch') continue;
    for (const column of event.batch.columns) {
      let values = 0;
      let numeric = true;
      for (let r = 0; r < event.batch.length && numeric; r++) {
        if (column.status[r] === INVALID) numeric = false;
        else if (column.status[r] === VALUE) values++;
      }
      if (numeric && values > 0) {
        columns[column.name] = { type: 'float' };
      } else if (column.ids && column.dictionary) {
        const seen = new Set<number>();
        let present = 0;
        for (let r = 0; r < event.batch.length; r++) {
          if (column.ids[r]! < 0) continue;
          seen.add(column.ids[r]!);
          present++;
        }
        columns[column.name] = { type: inferTextType([...seen].map((id) => column.dictionary!.values[id]!), present) };
      }
    }
    break;
  }
  return { columns };
}
