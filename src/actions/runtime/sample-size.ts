import { ConfigurationError } from '../../core/errors.js';
import { DEFAULT_SAMPLE_SIZE, SAMPLE_ALL } from '../../core/profile/profile.js';
import type { InputReader } from './inputs.js';

/** The `sample-size` inputs' description and default, shared by every step that profiles data. */
export const SAMPLE_SIZE_HELP = `a whole number, or all: every row (so does any number at least the row count); empty: ${DEFAULT_SAMPLE_SIZE}`;

/**
 * A `sample-size` input: rows kept in a profile's seeded sample. `all`, or any number at least the row count, keeps
 * every row (memory follows the rows kept, not the number); empty means DEFAULT_SAMPLE_SIZE; 0 keeps none.
 */
export function parseSampleSize(inputs: InputReader, name = 'sample-size'): number {
  const value = inputs.get(name).trim();
  if (value === '') return DEFAULT_SAMPLE_SIZE;
  if (value.toLowerCase() === 'all') return SAMPLE_ALL;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ConfigurationError(`${inputs.label(name)} must be a whole number of rows, or all for every row (got "${value}")`);
  }
  return Number(value);
}
