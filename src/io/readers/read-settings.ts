import { ConfigurationError } from '../../core/errors.js';
import type { DatasetContract } from '../../core/contract/contract.js';
import type { DataFormat, DatasetFile } from './dataset.js';

/** The decimal separators a number column may use. */
export const DECIMALS = ['.', ','] as const;
export type Decimal = (typeof DECIMALS)[number];

/**
 * How strictly quotes are read. `strict` follows RFC 4180: a quote may only open a field (and is then doubled
 * inside it), so a quote inside an unquoted field is an error. `lenient` reads such a quote as text, as Python's csv
 * module does. Text after a closing quote is an error either way: the value it belongs to cannot be known.
 */
export const QUOTE_MODES = ['strict', 'lenient'] as const;
export type QuoteMode = (typeof QUOTE_MODES)[number];

/**
 * How to read a dataset's files, as the user or the contract set it: a field left undefined falls back to the
 * contract's `dataset` setting, then to the default (the format from each file's name, ',' for CSV and tab for TSV,
 * a decimal point, strict quotes).
 */
export interface ReadSettings {
  format?: DataFormat;
  delimiter?: string;
  decimal?: Decimal;
  quote?: QuoteMode;
}

/** The defaults of the settings that do not depend on the file, written once. */
export const READ_DEFAULTS = { decimal: '.', quote: 'strict' } as const satisfies Required<
  Pick<ReadSettings, 'decimal' | 'quote'>
>;

/** How one delimited file is read, every setting resolved. */
export interface DelimitedSettings {
  delimiter: string;
  decimal: Decimal;
  quote: QuoteMode;
}

/** The explicit settings, each completed from the contract's `dataset` section where the user left it unset. */
export function withContractSettings(explicit: ReadSettings, dataset: DatasetContract | undefined): ReadSettings {
  return {
    format: explicit.format ?? dataset?.format,
    delimiter: explicit.delimiter ?? dataset?.delimiter,
    decimal: explicit.decimal ?? dataset?.decimal,
    quote: explicit.quote ?? dataset?.quote,
  };
}

/**
 * The one place the delimiter, decimal separator and quote mode of a CSV or TSV file are decided: the setting when
 * given, else ',' (tab for a .tsv file), '.' and strict. A decimal comma needs another delimiter.
 */
export function delimitedSettings(
  file: Pick<DatasetFile, 'name' | 'format'>,
  settings: ReadSettings = {},
): DelimitedSettings {
  const delimiter = settings.delimiter ?? (file.format === 'tsv' ? '\t' : ',');
  const decimal = settings.decimal ?? READ_DEFAULTS.decimal;
  if (decimal === ',' && delimiter === ',') {
    throw new ConfigurationError(
      `${file.name}: decimal ',' needs another delimiter than ','; set delimiter (for example ';', as spreadsheets write decimal-comma files)`,
      { file: file.name },
    );
  }
  return { delimiter, decimal, quote: settings.quote ?? READ_DEFAULTS.quote };
}

/** A delimiter as messages name it. */
export function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`;
}
