/**
 * Values of an array that a document holds empty, built a range at a time on request, for a writer that writes them
 * a range at a time (see writeDocument's `deferred`): a profile's samples are written straight from the builder's
 * typed arrays (see ProfileBuilder.finishDeferred), never held whole as JS values. The one contract between what
 * defers values and what writes them.
 */
export interface DeferredArray<T> {
  readonly length: number;
  /** Values [start, end), in a new array or, given one, in `into` (a writer reuses one: no garbage per range). */
  slice(start: number, end: number, into?: T[]): T[];
  /**
   * For an array of numbers and nulls only: values [start, end) into `into` (at least that long) as numbers, NaN
   * for null, so that a writer formats them from typed memory without making JS values of them (a profile encodes
   * them, see profile-encoding.ts).
   */
  numbers?(start: number, end: number, into: Float64Array): Float64Array;
  /**
   * For an array of texts and nulls only: values [start, end) into `into` as ids of `texts`, -1 for null, so that a
   * writer encodes each distinct text once instead of once a value.
   */
  ids?(start: number, end: number, into: Int32Array): Int32Array;
  /** The texts that `ids` stand for. */
  texts?: readonly string[];
}
