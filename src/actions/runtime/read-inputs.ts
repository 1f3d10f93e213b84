import { ConfigurationError } from '../../core/errors.js';
import { DATA_FORMATS } from '../../io/readers/dataset.js';
import { DECIMALS, QUOTE_MODES, READ_DEFAULTS, type ReadSettings } from '../../io/readers/read-settings.js';
import { parseChoice, type InputReader, type InputSpecs } from './inputs.js';

/**
 * The inputs that say how data files are read, shared by every step that reads data. Each left empty (or `auto`)
 * falls back to the contract's `dataset` setting, where the step has a contract, then to the default.
 */
export function readInputs() {
  return {
    format: {
      description:
        "auto, csv, tsv, jsonl or parquet. auto: the contract's dataset.format when it sets one, else each file's name (.csv, .tsv, .jsonl, .parquet, optionally .gz).",
      default: 'auto',
    },
    delimiter: {
      description:
        "The delimiter of CSV files (one character, or \\t for tab). Default: the contract's dataset.delimiter, else ',' (tab for .tsv).",
      default: '',
    },
    decimal: {
      description: `The decimal separator of numbers in CSV and TSV files: . or , (a decimal comma needs another delimiter, such as ;). Default: the contract's dataset.decimal, else "${READ_DEFAULTS.decimal}".`,
      default: '',
    },
    quote: {
      description: `How quotes are read: strict (RFC 4180: a quote inside an unquoted field is an error) or lenient (such a quote is text). Text after a closing quote is an error either way. Default: the contract's dataset.quote, else ${READ_DEFAULTS.quote}.`,
      default: '',
    },
  } satisfies InputSpecs;
}

/** The read settings the inputs give; unset ones stay undefined, for the contract or the defaults to fill. */
export function parseReadSettings(inputs: InputReader): ReadSettings {
  // Empty means the default, as for every input.
  const format =
    inputs.get('format').trim() === '' ? 'auto' : parseChoice(inputs, 'format', ['auto', ...DATA_FORMATS] as const);
  const delimiter = inputs.get('delimiter');
  if (delimiter !== '' && delimiter.length !== 1 && delimiter !== '\\t')
    throw new ConfigurationError(
      `${inputs.label('delimiter')} must be one character, or \\t for tab (got "${delimiter}")`,
    );
  if (
    delimiter !== '' &&
    delimiter !== '\\t' &&
    (delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
  ) {
    throw new ConfigurationError(
      `${inputs.label('delimiter')} must be one ASCII character other than a quote or a newline (got "${delimiter}")`,
    );
  }
  const decimal = inputs.get('decimal').trim() === '' ? undefined : parseChoice(inputs, 'decimal', DECIMALS);
  const quote = inputs.get('quote').trim() === '' ? undefined : parseChoice(inputs, 'quote', QUOTE_MODES);
  const settings: ReadSettings = {
    ...(format === 'auto' ? {} : { format }),
    ...(delimiter === '' ? {} : { delimiter: delimiter === '\\t' ? '\t' : delimiter }),
    ...(decimal ? { decimal } : {}),
    ...(quote ? { quote } : {}),
  };
  return settings;
}
