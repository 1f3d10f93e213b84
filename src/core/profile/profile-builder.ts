import {
  INVALID,
  NULL,
  TextDictionary,
  VALUE,
  type ColumnData,
  type ColumnType,
  type DecodeAs,
  type RecordBatch,
} from '../data/batch.js';
import { parseDatetimeText } from '../data/cell-text.js';
import type { DeferredArray } from '../data/deferred-array.js';
import { resized } from '../data/typed-arrays.js';
import { hashRowKey, hashText } from '../hashing.js';
import { sortValues } from '../stats/sort-values.js';
import { BottomK, PRIORITY_LOW, rowPriority } from './bottom-k-sample.js';
import {
  contiguousPrefix,
  copyAbsorbed,
  copySampled,
  EMPTY_IDS,
  EMPTY_NUMBERS,
  EMPTY_STATUS,
  type ColumnState,
  type ColumnStateData,
} from './column-tallies.js';
import { finishColumn } from './finish-column.js';
import { EveryRowNumbers } from './every-row-numbers.js';
import { emptyMoments, finiteMoments, mergeMoments, SATURATED_M2 } from './moments.js';
import { DEFAULT_SAMPLE_SEED, DEFAULT_SAMPLE_SIZE, kthSmallest, type Profile, type SampleValue } from './profile.js';
import type { SampleCeiling, SampleReservation } from './sample-bounds.js';
import { orderedPriorities } from './sampled-values.js';
import { SortedDecimals } from './sorted-decimals.js';

/** How a ProfileBuilder samples, and what its document says of itself. */
export interface ProfileOptions {
  /** Rows the dataset's sample keeps (Infinity: every row). @default DEFAULT_SAMPLE_SIZE */
  sampleSize?: number;
  /** The seed of the rows' priorities: parts of one dataset must share it. @default DEFAULT_SAMPLE_SEED */
  seed?: number;
  /**
   * For a shard expected to hold this share of the dataset's rows: keep only as many sampled rows as the merged
   * sample can need from it (see shardSampleCapacity). The document still states the dataset's sample size.
   */
  shardShare?: number;
  /** The time written into the document (passed in: core reads no clock). */
  createdAt: string;
  /**
   * The profile will only be compared (finished with finishSorted, never finish): with every row kept (sampleSize
   * Infinity), columns are then kept apart and there is no row sample (no priorities either): their numbers
   * compactly and in no order (see EveryRowNumbers), their texts as the counts kept anyway, less than half the
   * memory. Parts of one dataset must share it. @default false
   */
  sortedOnly?: boolean;
}

/**
 * A builder's state as plain data and typed arrays, to be absorbed by the builder of another part of the same
 * dataset (see ProfileBuilder.state and absorb): what a thread that read part of a file hands back, without the cost
 * of a profile document's sample arrays.
 */
export interface ProfileState {
  files: { path: string; rows: number }[];
  rows: number;
  /** Rows the sample could keep: fewer than the dataset's sample size for a shard-sized sample. */
  capacity: number;
  /** Priorities of the sampled rows, in slot order: each column's sample arrays are aligned with it. */
  priorities: Float64Array;
  /** Rows above this priority may have been passed over by the ceiling (see limitSample); Infinity if none. */
  passedAbove: number;
  columns: ColumnStateData[];
}

/**
 * Builds a dataset's profile from column batches: per column the counts, nulls, moments and extremes, category
 * counts, and a seeded bottom-k sample of rows, from which quantiles and histograms are taken. Everything it keeps
 * merges exactly across shards (see mergeProfiles). It knows nothing of files: what a reader can tell of the rows to
 * come (for a delimited file, from its bytes) it tells through a SampleCeiling and a SampleReservation.
 */
export class ProfileBuilder {
  private sample: BottomK;
  private readonly sampleSeed: number;
  private readonly columns = new Map<string, ColumnState>();
  private readonly files: { path: string; rows: number }[] = [];
  private rows = 0;
  private ceiling: SampleCeiling | undefined;
  /** The lowest ceiling any row was passed over under: rows above it may be missing from the sample. */
  private passedAbove = Number.POSITIVE_INFINITY;
  private reservation: SampleReservation | undefined;

  /** Rows the sample keeps, and its seed: parts of one dataset must share both. */
  get sampleSize(): number {
    return this.sample.capacity;
  }

  /** The seed of the sample's row priorities (see rowPriority). */
  get seed(): number {
    return this.sampleSeed;
  }

  /** Whether the profile is only compared (see ProfileOptions.sortedOnly): parts of the dataset must be read so. */
  get sortedOnly(): boolean {
    return this.options.sortedOnly ?? false;
  }

  /** Columns are kept apart from the row sample (see ProfileOptions.sortedOnly and ColumnTallies.apart). */
  private get keepsColumnsApart(): boolean {
    return this.sortedOnly && this.sample.capacity === Number.POSITIVE_INFINITY;
  }

  constructor(private readonly options: ProfileOptions) {
    const size = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
    this.sample = new BottomK(options.shardShare === undefined ? size : shardSampleCapacity(size, options.shardShare));
    this.sampleSeed = options.seed ?? DEFAULT_SAMPLE_SEED;
  }

  /** True until a column is declared or a row added. */
  get isEmpty(): boolean {
    return this.rows === 0 && this.files.length === 0 && this.columns.size === 0;
  }

  /** Forgets every column and row: the builder is as new (a read that is started again starts from here). */
  reset(): void {
    this.columns.clear();
    this.files.length = 0;
    this.rows = 0;
    this.sample = new BottomK(this.sample.capacity);
    this.ceiling = undefined;
    this.passedAbove = Number.POSITIVE_INFINITY;
    this.reservation = undefined;
  }

  /**
   * Tells how many rows of a file are coming (see SampleReservation): once it can say, the sample makes room for all
   * of them at once (see BottomK.reserve) instead of doubling its arrays on the way.
   */
  reserveSample(reservation: SampleReservation): void {
    this.reservation = reservation;
  }

  /**
   * From here on, rows of the ceiling's file compete for the sample only below the priority it gives for their batch
   * (see SampleCeiling). The caller reads the file again without it when canAbsorbExactly finds that a row passed
   * over was needed.
   */
  limitSample(ceiling: SampleCeiling): void {
    this.ceiling = ceiling;
  }

  /** Ends limitSample, once canAbsorbExactly has held for what was read under it. */
  endSampleLimit(): void {
    this.ceiling = undefined;
    this.passedAbove = Number.POSITIVE_INFINITY;
  }

  /**
   * Declares a column before data arrives, with its contract type (undefined: infer it). Columns met only in
   * batches are added then.
   */
  declare(name: string, decodeAs: DecodeAs, type: ColumnType | undefined): void {
    if (this.columns.has(name)) return;
    const k = this.sample.allocated;
    const apart = this.keepsColumnsApart;
    this.columns.set(name, {
      name,
      decodeAs,
      type,
      nulls: 0,
      invalid: 0,
      infinite: 0,
      textual: 0,
      moments: emptyMoments(),
      integral: true,
      dictionary: undefined,
      counts: new Int32Array(16),
      // Only what the column's decoding produces is kept per sampled row; nothing for a column kept apart.
      sampleNumbers: decodeAs === 'text' || apart ? EMPTY_NUMBERS : new Float64Array(k).fill(Number.NaN),
      sampleIds: (decodeAs === 'text' || decodeAs === 'auto') && !apart ? new Int32Array(k).fill(-1) : EMPTY_IDS,
      sampleStatus: apart ? EMPTY_STATUS : new Uint8Array(k).fill(NULL),
      ...(apart ? { apart, ...(decodeAs === 'text' ? {} : { everyRow: new EveryRowNumbers() }) } : {}),
    });
  }

  /** Counts a batch's rows into each column's tallies, and offers its rows to the sample. */
  addBatch(batch: RecordBatch): void {
    let file = this.files.at(-1);
    if (!file || file.path !== batch.file) {
      file = { path: batch.file, rows: 0 };
      this.files.push(file);
    }
    file.rows += batch.length;
    this.rows += batch.length;
    const present = new Set<string>();
    for (const column of batch.columns) {
      this.declare(column.name, column.decodeAs, undefined);
      present.add(column.name);
      const state = this.columns.get(column.name)!;
      this.addColumn(state, column, batch.length);
      this.dropUnneededNumbers(state);
    }
    for (const state of this.columns.values()) if (!present.has(state.name)) state.nulls += batch.length;
    // Columns kept apart take every row as it comes: no row is chosen, no slot reserved.
    if (this.keepsColumnsApart) return;
    if (this.reservation?.file === batch.file) this.reserveFor(this.reservation, batch);
    this.addToSample(batch, present);
  }

  /** Reserves the sample's slots for the rows of the reservation's file, once it can tell how many. */
  private reserveFor(reservation: SampleReservation, batch: RecordBatch): void {
    const slots = reservation.slotsFor(batch, this.rows);
    if (slots === undefined) return;
    this.sample.reserve(slots);
    this.makeRoom();
    this.reservation = undefined;
  }

  /**
   * Once an `auto` column (of no declared type) has met a value that is not a number it can no longer be typed a
   * number (see inferredType): its sampled numbers are never read, and are let go (8 bytes a sampled row).
   */
  private dropUnneededNumbers(state: ColumnState): void {
    if (state.decodeAs === 'auto' && state.type === undefined && state.textual > 0) {
      state.sampleNumbers = EMPTY_NUMBERS;
      state.everyRow = undefined;
    }
  }

  private addColumn(state: ColumnState, column: ColumnData, length: number): void {
    const { status } = column;
    // Rows that are not values are counted on the way, by the numbers' first pass when there is one.
    let nulls = 0;
    let invalid = 0;
    let counted = false;
    if (column.numbers && column.decodeAs !== 'text') {
      const values = column.numbers;
      let n = 0;
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let integral = state.integral;
      for (let r = 0; r < length; r++) {
        const s = status[r];
        if (s !== VALUE) {
          if (s === NULL) nulls++;
          else invalid++;
          continue;
        }
        const v = values[r]!;
        n++;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
        if (integral && v !== Math.floor(v)) integral = false;
      }
      if (n > 0 && !Number.isFinite(sum)) {
        // ±Infinity among the values (written inf or Infinity), counted apart and kept out of the moments; or
        // finite values whose sum overflows (1e308 + 1e308). Both take the careful path.
        const finite = finiteMoments(values, status, length, VALUE);
        if (finite.moments.count > 0) state.moments = mergeMoments(state.moments, finite.moments);
        state.infinite += finite.nonFinite;
        // No int is infinite.
        if (finite.nonFinite > 0) integral = false;
      } else if (n > 0) {
        const mean = sum / n;
        let m2 = 0;
        for (let r = 0; r < length; r++) {
          if (status[r] !== VALUE) continue;
          const d = values[r]! - mean;
          m2 += d * d;
        }
        state.moments = mergeMoments(state.moments, {
          count: n,
          mean,
          m2: m2 <= SATURATED_M2 ? m2 : SATURATED_M2,
          min,
          max,
        });
      }
      state.integral = integral;
      state.everyRow?.add(values, status, length);
      counted = true;
    }
    if (column.ids) {
      state.dictionary = column.dictionary;
      if (state.counts.length < column.dictionary!.size)
        state.counts = resized(state.counts, Math.max(column.dictionary!.size, state.counts.length * 2));
      const { ids } = column;
      for (let r = 0; r < length; r++) {
        const id = ids[r]!;
        if (id >= 0) state.counts[id]!++;
      }
    }
    if (!counted) {
      for (let r = 0; r < length; r++) {
        const s = status[r];
        if (s === NULL) nulls++;
        else if (s === INVALID) invalid++;
      }
    }
    state.nulls += nulls;
    if (column.decodeAs === 'auto') state.textual += invalid;
    else state.invalid += invalid;
  }

  private addToSample(batch: RecordBatch, present: ReadonlySet<string>): void {
    const fileHash = hashText(batch.file);
    const { sample, sampleSeed: seed } = this;
    const ceiling =
      this.ceiling?.file === batch.file
        ? this.ceiling.priorityFor(batch, this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE)
        : Number.POSITIVE_INFINITY;
    // First choose the rows (in order: a slot taken twice keeps the later row), then copy values column by column.
    const slots: number[] = [];
    const rows: number[] = [];
    // The threshold changes only when a row enters: read once, and again after each entry.
    let threshold = Math.min(sample.threshold, ceiling);
    if (ceiling < sample.threshold) this.passedAbove = Math.min(this.passedAbove, ceiling);
    for (let r = 0; r < batch.length; r++) {
      const row = batch.rowIds[r]!;
      // Once the sample is full most rows are ruled out by the high half of their priority alone.
      if (hashRowKey(seed, fileHash, row) * PRIORITY_LOW > threshold) continue;
      const slot = sample.offer(rowPriority(seed, fileHash, row));
      if (slot < 0) continue;
      threshold = Math.min(sample.threshold, ceiling);
      slots.push(slot);
      rows.push(r);
    }
    if (slots.length === 0) return;
    this.makeRoom();
    const run = contiguousPrefix(slots, rows);
    const byName = new Map(batch.columns.map((c) => [c.name, c]));
    for (const state of this.columns.values()) {
      if (state.apart) continue;
      const column = present.has(state.name) ? byName.get(state.name) : undefined;
      copySampled(state, column, slots, rows, run);
    }
  }

  /** Grows every column's per-slot arrays to the slots the sample has allocated (it grows as rows enter). */
  private makeRoom(): void {
    const k = this.sample.allocated;
    for (const state of this.columns.values()) {
      if (state.apart || state.sampleStatus.length >= k) continue;
      // The new slots are past the sample's size: each is written when a row enters it, never read before. Left
      // unfilled, memory reserved for rows to come (see reserveSample) costs nothing until they do.
      if (state.sampleNumbers.length > 0) state.sampleNumbers = resized(state.sampleNumbers, k);
      if (state.sampleIds.length > 0) state.sampleIds = resized(state.sampleIds, k);
      state.sampleStatus = resized(state.sampleStatus, k);
    }
  }

  /**
   * The builder's state, for another builder to absorb (the arrays are handed over: this builder is spent). Pass
   * `transferables(state)` (src/io/profile/transferables.ts) to postMessage to move it between threads without a copy.
   */
  state(): ProfileState {
    const size = this.sample.size;
    return {
      files: this.files,
      rows: this.rows,
      capacity: this.sample.capacity,
      priorities: this.sample.priorities.subarray(0, size),
      passedAbove: this.passedAbove,
      columns: [...this.columns.values()].map((state) => ({
        name: state.name,
        decodeAs: state.decodeAs,
        type: state.type,
        nulls: state.nulls,
        invalid: state.invalid,
        infinite: state.infinite,
        textual: state.textual,
        moments: state.moments,
        integral: state.integral,
        texts: state.dictionary?.values,
        counts: state.counts.subarray(0, state.dictionary?.size ?? 0),
        sampleNumbers: state.sampleNumbers.subarray(0, state.sampleNumbers.length > 0 ? size : 0),
        sampleIds: state.sampleIds.subarray(0, state.sampleIds.length > 0 ? size : 0),
        sampleStatus: state.sampleStatus.subarray(0, state.apart ? 0 : size),
        ...(state.apart ? { apart: true } : {}),
        ...(state.everyRow ? { everyRow: state.everyRow.state() } : {}),
      })),
    };
  }

  /**
   * Whether absorbing these parts gives exactly the sample one read of all the rows would. Rows were dropped by a
   * part whose sample was shard-sized and full, and passed over under a ceiling (limitSample) by a part or by
   * this builder: each such row must rank above the merged sample's last row. With shardSampleCapacity's margin and
   * the ceiling's, this practically always holds; a caller that finds it does not reads in one piece.
   */
  canAbsorbExactly(parts: readonly ProfileState[]): boolean {
    // Below this priority, nothing of a part or of this builder is missing.
    const complete = (part: ProfileState) =>
      Math.min(
        part.passedAbove,
        part.capacity < this.sample.capacity && part.priorities.length === part.capacity && part.rows > part.capacity
          ? maxOf(part.priorities)
          : Number.POSITIVE_INFINITY,
      );
    const bound = Math.min(this.passedAbove, ...parts.map(complete));
    if (bound === Number.POSITIVE_INFINITY) return true;
    const all = new Float64Array(this.sample.size + parts.reduce((n, p) => n + p.priorities.length, 0));
    all.set(this.sample.priorities.subarray(0, this.sample.size));
    let at = this.sample.size;
    for (const part of parts) {
      all.set(part.priorities, at);
      at += part.priorities.length;
    }
    // Fewer rows than the sample holds: it would have had room for the rows a part dropped.
    if (all.length < this.sample.capacity) return false;
    return bound >= kthSmallest(all, this.sample.capacity - 1);
  }

  /**
   * Adds another part of the dataset read by its own builder: counts, nulls and category counts add, moments merge,
   * and the part's sampled rows compete for this sample by priority, so that the result is the profile of both parts
   * read as one (moments up to rounding). Parts of one file add their rows to its entry. `dictionaryOf` gives the
   * dictionary the reader uses for a column, so that ids stay those of later batches. The part is spent: its
   * sampled rows' arrays are let go as they are copied (an every-row part of a file is some 90 MB).
   */
  absorb(part: ProfileState, dictionaryOf?: (column: string) => TextDictionary): void {
    for (const file of part.files) {
      const entry = this.files.find((f) => f.path === file.path);
      if (entry) entry.rows += file.rows;
      else this.files.push({ ...file });
    }
    this.rows += part.rows;
    const present = new Set<string>();
    const idMaps = part.columns.map((column) => {
      this.declare(column.name, column.decodeAs, column.type);
      present.add(column.name);
      const state = this.columns.get(column.name)!;
      state.nulls += column.nulls;
      state.invalid += column.invalid;
      state.infinite += column.infinite;
      state.textual += column.textual;
      state.moments = mergeMoments(state.moments, column.moments);
      state.integral &&= column.integral;
      if (!column.texts) return undefined;
      const dictionary = (state.dictionary ??= dictionaryOf?.(column.name) ?? new TextDictionary());
      const ids = Int32Array.from(column.texts, (text) => dictionary.idOf(text));
      if (state.counts.length < dictionary.size)
        state.counts = resized(state.counts, Math.max(dictionary.size, state.counts.length * 2));
      for (let id = 0; id < column.counts.length; id++) state.counts[ids[id]!]! += column.counts[id]!;
      return ids;
    });
    for (const state of this.columns.values()) {
      if (!present.has(state.name)) state.nulls += part.rows;
      this.dropUnneededNumbers(state);
    }
    // The part's rows at most: one growth, not several (see BottomK.reserve).
    this.sample.reserve(this.sample.size + part.priorities.length);
    // As in addToSample: the rows first (in order: a slot taken twice keeps the later row), then column by column.
    const slots: number[] = [];
    const rows: number[] = [];
    for (let row = 0; row < part.priorities.length; row++) {
      const slot = this.sample.offer(part.priorities[row]!);
      if (slot < 0) continue;
      slots.push(slot);
      rows.push(row);
    }
    this.makeRoom();
    part.priorities = EMPTY_NUMBERS;
    part.columns.forEach((column, c) => {
      const state = this.columns.get(column.name)!;
      if (state.apart || column.apart) {
        if (!state.apart || !column.apart)
          throw new Error(`column ${column.name}: parts of a dataset must all be read sortedOnly, or none`);
        // Numbers that one side let go (it met a text) are let go by both (see dropUnneededNumbers).
        if (state.everyRow && column.everyRow) state.everyRow.absorb(column.everyRow);
      } else copyAbsorbed(state, column, idMaps[c], slots, rows);
      // The part is spent: each column's arrays go as soon as they are copied, not when the last one is.
      column.sampleNumbers = EMPTY_NUMBERS;
      column.sampleIds = EMPTY_IDS;
      column.sampleStatus = EMPTY_STATUS;
    });
    for (const state of this.columns.values())
      if (!present.has(state.name) && !state.apart) copySampled(state, undefined, slots, rows);
  }

  /**
   * The profile document; the builder is spent afterwards. A `part` (one of several to be merged) skips the
   * quantiles and histograms, which the merge computes afresh from the merged sample.
   */
  finish(options: { part?: boolean } = {}): Profile {
    const { profile, samples } = this.finishDeferred(options);
    const priorities = samples.get(profile.sample.priorities as number[])!;
    profile.sample.priorities = priorities.numbers!(0, priorities.length, new Float64Array(priorities.length));
    const states = [...this.columns.values()];
    profile.columns.forEach((column, c) => {
      const sample = samples.get(column.sample as SampleValue[])!;
      // Columns read as numbers keep their sample in typed memory (NaN for null); others as values.
      column.sample = sample.numbers
        ? sample.numbers(0, sample.length, new Float64Array(sample.length))
        : sample.slice(0, sample.length);
      // The document now holds the sample: let the typed copy go before the next column is built.
      const state = states[c]!;
      state.sampleNumbers = EMPTY_NUMBERS;
      state.sampleIds = EMPTY_IDS;
      state.sampleStatus = new Uint8Array(0);
    });
    return profile;
  }

  /**
   * The profile for comparing distributions (drift-check), not for writing or merging; the builder is spent
   * afterwards. Each numeric column's sample is its sampled numbers sorted ascending, nulls left out (the order
   * every distribution test reads them in), or, for a builder made `sortedOnly` that keeps every row, the same
   * numbers held as sorted decimals where they are such (`sortedDecimals`: read samples with columnSample). Other
   * columns' samples are in no particular order (empty where category counts cover them), and `sample.sorted`
   * marks that rows are not aligned across columns and priorities are left out. On every row of a million this
   * spares putting each column in priority order (a random gather that was a fifth of an every-row drift check),
   * selecting quantiles (read from the sorted values instead) and a second, sorted copy of each sample.
   */
  finishSorted(): Profile {
    const order = Int32Array.from({ length: this.sample.size }, (_, i) => i);
    // The priorities are not needed: their memory (8 bytes a row) is the sorts' working arrays, then goes with the
    // builder, even if a caller keeps it. Without a row sample (columns kept apart), one such array serves them all.
    const longest = Math.max(0, ...[...this.columns.values()].map((state) => state.everyRow?.length ?? 0));
    const priorities = new Uint32Array(this.sample.priorities.buffer);
    const scratch = priorities.length >= 2 * longest ? priorities : new Uint32Array(2 * longest);
    this.sample = new BottomK(0);
    const states = [...this.columns.values()];
    const columns = states.map((state) => {
      let decimals: SortedDecimals | undefined;
      let bools: boolean[] | undefined;
      // A column kept apart gives its numbers sorted, as decimals where they are (its summaries read a few of them).
      const apart = state.apart
        ? (type: ColumnType) => {
            const numbers = apartNumbers(state, type, scratch);
            if (numbers instanceof SortedDecimals) decimals = numbers;
            // A bool's summary reads no sample (as the row sample gives it none), its comparison the values' counts.
            if (type !== 'bool' || state.decodeAs === 'auto') return numbers;
            bools = boolValues(numbers);
            decimals = undefined;
            return EMPTY_NUMBERS;
          }
        : undefined;
      const { column, sample, sortedNumbers } = finishColumn(state, order, false, true, scratch, apart);
      if (decimals) {
        column.sample = [];
        column.sortedDecimals = decimals;
      }
      // Texts with category counts are compared by those counts (every row): their sampled values are not needed.
      // A column kept apart without either holds its bools (false first, nulls left out, as no comparison counts
      // them), or no value at all: every row is null.
      else
        column.sample =
          sortedNumbers ??
          (column.categories
            ? []
            : state.apart
              ? (bools ?? new Array(this.rows).fill(null))
              : sample.slice(0, sample.length));
      state.sampleNumbers = EMPTY_NUMBERS;
      state.sampleIds = EMPTY_IDS;
      state.sampleStatus = new Uint8Array(0);
      return column;
    });
    return {
      schema: 'mlgate/profile@2',
      created_at: this.options.createdAt,
      dataset: { files: this.files, rows: this.rows },
      sample: {
        size: this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE,
        seed: this.sampleSeed,
        priorities: new Float64Array(0),
        sorted: true,
      },
      columns,
    };
  }

  /**
   * The profile document with every column's `sample` left empty, and the sampled values to fill them, built a
   * range at a time on request from the builder's typed arrays (keyed by each column's empty array). A document
   * that is only written (see writeDocument's `deferred`) then never holds a column's sampled values as JS values:
   * building them all took some 40 MB of heap for 22 columns of 1e5 rows, the peak of validate-data's memory.
   * The sample's priorities are deferred the same way.
   */
  finishDeferred(options: { part?: boolean } = {}): {
    profile: Profile;
    samples: Map<SampleValue[], DeferredArray<SampleValue>>;
  } {
    if (this.keepsColumnsApart) throw new Error('a profile built sortedOnly is finished with finishSorted');
    const order = this.sample.orderedSlots();
    const samples = new Map<SampleValue[], DeferredArray<SampleValue>>();
    const priorities: number[] = [];
    samples.set(priorities, orderedPriorities(this.sample.priorities, order));
    const profile: Profile = {
      schema: 'mlgate/profile@2',
      created_at: this.options.createdAt,
      dataset: { files: this.files, rows: this.rows },
      sample: { size: this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE, seed: this.sampleSeed, priorities },
      columns: [...this.columns.values()].map((state) => {
        const { column, sample } = finishColumn(state, order, options.part ?? false);
        samples.set(column.sample as SampleValue[], sample);
        return column;
      }),
    };
    return { profile, samples };
  }
}

/**
 * The numbers of a column kept apart (see ColumnTallies.apart), sorted, for a column of `type`: those it kept, or,
 * for a text column found to hold datetimes, its texts' times from their counts (every row's text is counted), as
 * the row sample's texts would give them; none for other columns, as the row sample gives none for them.
 */
function apartNumbers(state: ColumnState, type: ColumnType, scratch: Uint32Array): Float64Array | SortedDecimals {
  const kept = state.everyRow;
  state.everyRow = undefined;
  if (kept) return kept.sorted(scratch);
  if (state.decodeAs !== 'auto' || type !== 'datetime' || !state.dictionary) return EMPTY_NUMBERS;
  const times: number[] = [];
  const counts: number[] = [];
  state.dictionary.values.forEach((text, id) => {
    const time = parseDatetimeText(text);
    if ((state.counts[id] ?? 0) > 0 && !Number.isNaN(time)) {
      times.push(time);
      counts.push(state.counts[id]!);
    }
  });
  const numbers = new Float64Array(counts.reduce((n, count) => n + count, 0));
  let at = 0;
  times.forEach((time, i) => {
    numbers.fill(time, at, at + counts[i]!);
    at += counts[i]!;
  });
  return sortValues(numbers, scratch);
}

/** A bool column's sorted numbers (0 and 1) as its values, false first. */
function boolValues(numbers: Float64Array | SortedDecimals): boolean[] {
  const values = new Array<boolean>(numbers.length);
  for (let i = 0; i < numbers.length; i++)
    values[i] = (numbers instanceof SortedDecimals ? numbers.at(i) : numbers[i]!) === 1;
  return values;
}

/**
 * The rows a shard holding `share` of the dataset keeps for a merged sample of `size`: the rows of the merged
 * sample that fall in one shard are binomial(size, share), so its expectation plus ten standard deviations and a
 * margin for shares that are estimates (from bytes) leaves a shortfall practically impossible; a merge that finds
 * one anyway says so (see mergeProfiles).
 */
export function shardSampleCapacity(size: number, share: number): number {
  if (share >= 1) return size;
  const expected = size * share;
  return Math.min(size, Math.ceil(expected * 1.25 + 10 * Math.sqrt(expected * (1 - share)) + 64));
}

function maxOf(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}
