import {
  INVALID,
  NULL,
  VALUE,
  type ColumnData,
  type ColumnType,
  type DecodeAs,
  type TextDictionary,
} from '../data/batch.js';
import type { EveryRowNumbers, EveryRowNumbersState } from './every-row-numbers.js';
import type { Moments } from './moments.js';

/**
 * What a profile builder keeps of each column while rows arrive, and how sampled rows' values are copied into its
 * per-slot arrays: from a batch as rows enter the sample, from another builder's state as its rows are absorbed.
 */

/** What the builder keeps of a column, but for its texts: counts, moments, and the sampled rows' values by slot. */
export interface ColumnTallies {
  name: string;
  decodeAs: DecodeAs;
  type: ColumnType | undefined;
  nulls: number;
  invalid: number;
  /** Values that are ±Infinity: floats, kept out of the moments (see ColumnProfile.infinite). */
  infinite: number;
  textual: number;
  moments: Moments;
  integral: boolean;
  /** Rows per text id. */
  counts: Int32Array;
  sampleNumbers: Float64Array;
  sampleIds: Int32Array;
  sampleStatus: Uint8Array;
  /**
   * The column is kept apart from the row sample (a profile that is only compared and keeps every row, see
   * ProfileBuilder's `sortedOnly`): its per-slot arrays are empty and never written; its numbers, if it has any, are
   * kept in `everyRow`, and its texts are their counts.
   */
  apart?: boolean;
}

/** One column of a ProfileState, with the texts its ids stand for in place of the reader's dictionary. */
export interface ColumnStateData extends ColumnTallies {
  /** Absent for a column with no text. */
  texts: string[] | undefined;
  /** The numbers of a column kept apart (see ColumnState). */
  everyRow?: EveryRowNumbersState;
}

/** What the builder keeps of a column: its tallies and the reader's dictionary, which its text ids index. */
export interface ColumnState extends ColumnTallies {
  dictionary: TextDictionary | undefined;
  /** The numbers of a column kept apart (see `apart`), while it may still turn out numeric. */
  everyRow?: EveryRowNumbers;
}

/** Stands for the sampled numbers of a column that keeps none, or has let them go. */
export const EMPTY_NUMBERS = new Float64Array(0);
/** Stands for the sampled text ids of a column that keeps none, or has let them go. */
export const EMPTY_IDS = new Int32Array(0);
/** Stands for the sampled rows' status of a column that has let it go. */
export const EMPTY_STATUS = new Uint8Array(0);

/**
 * How many of the first chosen rows go to consecutive slots from consecutive rows: while the sample fills, whole
 * batches do, and their values are copied a block at a time.
 */
export function contiguousPrefix(slots: readonly number[], rows: readonly number[]): number {
  let run = 1;
  while (run < slots.length && slots[run] === slots[0]! + run && rows[run] === rows[0]! + run) run++;
  return run;
}

/**
 * Copies the chosen rows' values into their slots: the first `run` as blocks (see contiguousPrefix), the rest one by
 * one.
 */
export function copySampled(
  state: ColumnState,
  column: ColumnData | undefined,
  slots: readonly number[],
  rows: readonly number[],
  run = 0,
): void {
  // One loop per array, each over one element type: V8 keeps such loops monomorphic and free of branches.
  const { sampleStatus, sampleNumbers, sampleIds } = state;
  const block = run > 1 ? run : 0;
  const slot0 = slots[0]!;
  const row0 = rows[0]!;
  const status = column?.status;
  if (status) {
    if (block > 0) sampleStatus.set(status.subarray(row0, row0 + block), slot0);
    for (let i = block; i < slots.length; i++) sampleStatus[slots[i]!] = status[rows[i]!]!;
  } else for (let i = 0; i < slots.length; i++) sampleStatus[slots[i]!] = NULL;
  if (sampleNumbers.length > 0) {
    const numbers = column?.numbers;
    if (numbers) {
      if (block > 0) sampleNumbers.set(numbers.subarray(row0, row0 + block), slot0);
      for (let i = block; i < slots.length; i++) sampleNumbers[slots[i]!] = numbers[rows[i]!]!;
      // ±Infinity is kept out of the sample as addColumn keeps it out of the moments (JSON has no Infinity).
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        if (sampleNumbers[slot] === Number.POSITIVE_INFINITY || sampleNumbers[slot] === Number.NEGATIVE_INFINITY) {
          sampleNumbers[slot] = Number.NaN;
          if (sampleStatus[slot] === VALUE) sampleStatus[slot] = INVALID;
        }
      }
    } else for (let i = 0; i < slots.length; i++) sampleNumbers[slots[i]!] = Number.NaN;
  }
  if (sampleIds.length > 0) {
    const ids = column?.ids;
    if (ids) {
      if (block > 0) sampleIds.set(ids.subarray(row0, row0 + block), slot0);
      for (let i = block; i < slots.length; i++) sampleIds[slots[i]!] = ids[rows[i]!]!;
    } else for (let i = 0; i < slots.length; i++) sampleIds[slots[i]!] = -1;
  }
}

/** The sampled values of another builder's column (its text ids mapped to this builder's) into the given slots. */
export function copyAbsorbed(
  state: ColumnState,
  column: ColumnStateData,
  idMap: Int32Array | undefined,
  slots: readonly number[],
  rows: readonly number[],
): void {
  const { sampleStatus, sampleNumbers, sampleIds } = state;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const r = rows[i]!;
    sampleStatus[slot] = column.sampleStatus[r]!;
    if (sampleNumbers.length > 0)
      sampleNumbers[slot] = column.sampleNumbers.length > 0 ? column.sampleNumbers[r]! : Number.NaN;
    if (sampleIds.length > 0) {
      const id = column.sampleIds.length > 0 ? column.sampleIds[r]! : -1;
      sampleIds[slot] = id < 0 || !idMap ? -1 : idMap[id]!;
    }
  }
}
