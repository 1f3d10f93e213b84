import type { RecordBatch } from '../../core/data/batch.js';
import { PRIORITY_RANGE } from '../../core/profile/bottom-k-sample.js';
import type { SampleCeiling, SampleReservation } from '../../core/profile/sample-bounds.js';

/** Rows read before the bytes per row are trusted. */
const MIN_MEASURED_ROWS = 4096;

/**
 * The ceiling is the expected final threshold times this: rows may be up to a third shorter where the rate is
 * measured than on average before a row the sample needs is passed over (which sends the read back to one piece).
 */
const CEILING_MARGIN = 1.5;

/** Rows reserved for are the estimate times this: rows may be a little shorter where the rate is measured. */
const RESERVE_MARGIN = 1.02;

/**
 * The sample ceiling for the rows of a delimited file of `dataBytes` bytes of rows, whose row ids are byte offsets:
 * the bottom-k threshold the whole file is expected to end with, times a margin, from the bytes per row read so far.
 * Until the threshold itself falls that low, this spares the copying of most rows that would enter the sample only to
 * be replaced (on a 1e6-row file with a 1e5-row sample, about 2.2e5 of the 3.3e5 that enter). The caller reads the
 * file again without it when ProfileBuilder.canAbsorbExactly finds that a row passed over was needed.
 */
export class ByteOffsetCeiling implements SampleCeiling {
  /** Byte offsets (row ids) of the first and last rows seen, and how many rows. */
  private firstRow = -1;
  private lastRow = -1;
  private rows = 0;
  /** The ceiling: a priority, Infinity while there is none. */
  private value = Number.POSITIVE_INFINITY;

  constructor(
    readonly file: string,
    private readonly dataBytes: number,
  ) {}

  /**
   * None until a few thousand rows tell the bytes per row; then the sample's share of the rows the file's bytes hold
   * at that rate, times a margin, as a priority.
   */
  priorityFor(batch: RecordBatch, sampleSize: number): number {
    if (batch.length === 0) return this.value;
    if (this.firstRow < 0) this.firstRow = batch.rowIds[0]!;
    this.lastRow = batch.rowIds[batch.length - 1]!;
    this.rows += batch.length;
    if (this.rows < MIN_MEASURED_ROWS || this.lastRow <= this.firstRow) return this.value;
    const bytesPerRow = (this.lastRow - this.firstRow) / (this.rows - 1);
    const expectedRows = this.dataBytes / bytesPerRow;
    const share = (CEILING_MARGIN * sampleSize) / expectedRows;
    this.value = share >= 1 ? Number.POSITIVE_INFINITY : share * PRIORITY_RANGE;
    return this.value;
  }
}

/**
 * The sample slots to reserve for `dataBytes` bytes of rows of a delimited file (row ids are byte offsets): once a
 * few thousand rows tell the bytes per row, room for the rows before the file and all of the file's at once (see
 * BottomK.reserve) instead of doubling the sample's arrays on the way.
 */
export class ByteOffsetReservation implements SampleReservation {
  /** Byte offset (row id) of the first row seen, and how many rows. */
  private firstRow = -1;
  private rows = 0;

  constructor(
    readonly file: string,
    private readonly dataBytes: number,
  ) {}

  slotsFor(batch: RecordBatch, rows: number): number | undefined {
    if (batch.length === 0) return undefined;
    if (this.firstRow < 0) this.firstRow = batch.rowIds[0]!;
    const lastRow = batch.rowIds[batch.length - 1]!;
    this.rows += batch.length;
    if (this.rows < MIN_MEASURED_ROWS || lastRow <= this.firstRow) return undefined;
    const bytesPerRow = (lastRow - this.firstRow) / (this.rows - 1);
    return rows - this.rows + (this.dataBytes / bytesPerRow) * RESERVE_MARGIN;
  }
}
