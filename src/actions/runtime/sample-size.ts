import { ConfigurationError } from '../../core/errors.js';
import { DEFAULT_SAMPLE_SIZE, SAMPLE_ALL } from '../../core/profile/profile.js';
import type { InputReader, InputSpec } from './inputs.js';

/** What a `sample-size` input accepts, for its description. */
const SAMPLE_SIZE_HELP = `a whole number, or all: every row (so does any number at least the row count); empty: ${DEFAULT_SAMPLE_SIZE}`;

/**
 * The `sample-size` input of a step that profiles data, its default written once: `what` says what the rows are
 * kept for, `after` ends the description.
 */
export function sampleSizeInput(what: string, after: string): InputSpec {
  return { description: `${what}: ${SAMPLE_SIZE_HELP}${after}`, default: String(DEFAULT_SAMPLE_SIZE) };
}

/**
 * A `sample-size` input: rows kept in a profile's seeded sample. `all`, or any number at least the row count, keeps
 * every row (memory follows the rows kept, not the number); 0 keeps none. Read through withDefaults, an empty input
 * is the declared default, DEFAULT_SAMPLE_SIZE.
 */
export function parseSampleSize(inputs: InputReader, name = 'sample-size'): number {
  const value = inputs.get(name).trim();
  if (value.toLowerCase() === 'all') return SAMPLE_ALL;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ConfigurationError(
      `${inputs.label(name)} must be a whole number of rows, or all for every row (got "${value}")`,
    );
  }
  return Number(value);
}
