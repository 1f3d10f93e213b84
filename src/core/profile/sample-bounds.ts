import type { RecordBatch } from '../data/batch.js';

/**
 * A priority ceiling for the rows of one file, told batch by batch by what knows how many rows the file holds (for a
 * delimited file, its bytes: see src/io/profile/byte-offset-bounds.ts). Rows above it do not compete for the sample:
 * most rows that would enter it only to be replaced are never copied. A row passed over may still have been needed;
 * the builder remembers the lowest ceiling it passed rows over under (see ProfileBuilder.canAbsorbExactly).
 */
export interface SampleCeiling {
  /** The file whose rows it bounds: other files' rows are not bounded. */
  readonly file: string;
  /**
   * The ceiling for this batch of the file's rows, for a dataset sample of `sampleSize` rows: a priority, Infinity
   * while there is none. Called once a batch, before its rows are offered.
   */
  priorityFor(batch: RecordBatch, sampleSize: number): number;
}

/**
 * How many sample slots to make room for at once, told by what knows how many rows one file holds: on every row of a
 * million, growing by doubling left the last half-size arrays of every column as garbage beside the full ones.
 */
export interface SampleReservation {
  /** The file whose rows it counts. */
  readonly file: string;
  /**
   * The slots to reserve, given the rows the builder holds (`rows`, this batch included); undefined until the rows
   * read tell. The builder asks once a batch of the file, until it has an answer.
   */
  slotsFor(batch: RecordBatch, rows: number): number | undefined;
}
