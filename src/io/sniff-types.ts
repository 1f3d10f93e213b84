import { INVALID, TextDictionary, VALUE } from '../core/data/batch.js';
import type { DataContract } from '../core/contract/contract.js';
import { resized } from '../core/data/typed-arrays.js';
import { inferTextType } from '../core/profile/infer-type.js';
import { readDataset, type DatasetFile } from './readers/dataset.js';
import type { ReadSettings } from './readers/read-settings.js';

/** Rows sniffed at most (a Parquet file's first batch, a whole row group and often the whole file, is cut to it). */
const SNIFF_ROWS = 10_000;
/** Cells sniffed at most in a text file (about 1 MiB of text at 8 bytes a cell), whatever its batches hold. */
const SNIFF_CELLS = 1 << 17;

/**
 * Column types guessed from the first rows of a dataset (up to 10,000 rows, or about 1 MiB of text): a column whose
 * every cell there is a number is read as float from then on, and a text column gets the type its values suggest
 * (category, string, bool, datetime). Without a contract every column would otherwise be read both as numbers and as
 * dictionary-encoded text, and a numeric column of a million distinct values costs a million strings. A later cell
 * that does not fit the guess is counted as invalid in the profile. Columns `known` says are typed already (by a
 * contract) are not sniffed.
 */
export async function sniffNumericColumns(
  files: readonly DatasetFile[],
  settings?: ReadSettings,
  known?: (column: string) => boolean,
): Promise<DataContract> {
  const dictionaries = new Map<string, TextDictionary>();
  const tallies = new Map<
    string,
    { values: number; numeric: boolean; present: number; counts: Int32Array; dictionary: TextDictionary | undefined }
  >();
  let rows = 0;
  let cells = 0;
  for await (const event of readDataset(files.slice(0, 1), {
    settings,
    headRows: SNIFF_ROWS,
    decodeAs: (names) => names.map((name) => (known?.(name) ? 'skip' : 'auto')),
    dictionary: (name) => dictionaries.get(name) ?? dictionaries.set(name, new TextDictionary()).get(name)!,
  })) {
    if (event.type !== 'batch') continue;
    const { batch } = event;
    // Every column typed already: nothing to sniff.
    if (batch.columns.length === 0) break;
    for (const column of batch.columns) {
      let tally = tallies.get(column.name);
      if (!tally)
        tallies.set(
          column.name,
          (tally = { values: 0, numeric: true, present: 0, counts: new Int32Array(16), dictionary: column.dictionary }),
        );
      for (let r = 0; r < batch.length; r++) {
        if (column.status[r] === INVALID) tally.numeric = false;
        else if (column.status[r] === VALUE) tally.values++;
      }
      if (column.ids && column.dictionary) {
        if (tally.counts.length < column.dictionary.size)
          tally.counts = resized(tally.counts, Math.max(column.dictionary.size, tally.counts.length * 2));
        for (let r = 0; r < batch.length; r++) {
          const id = column.ids[r]!;
          if (id < 0) continue;
          tally.counts[id]!++;
          tally.present++;
        }
      }
    }
    rows += batch.length;
    cells += batch.length * batch.columns.length;
    if (rows >= SNIFF_ROWS || cells >= SNIFF_CELLS) break;
  }
  // Built from entries: a column named __proto__ is then a key like any other, not the object's prototype.
  const columns: [string, DataContract['columns'][string]][] = [];
  for (const [name, tally] of tallies) {
    if (tally.numeric && tally.values > 0) columns.push([name, { type: 'float' }]);
    else if (tally.dictionary) {
      const texts = tally.dictionary.values.filter((_, id) => (tally.counts[id] ?? 0) > 0);
      columns.push([name, { type: inferTextType(texts, tally.present) }]);
    }
  }
  return { columns: Object.fromEntries(columns) };
}
