import { INVALID, NULL, TextDictionary, VALUE, type ColumnData, type ColumnType, type DecodeAs, type RecordBatch } from '../data/batch.js';
import { resized } from '../data/typed-arrays.js';
import { BottomK, hashText, mix32, PRIORITY_LOW, rowPriority } from './bottom-k-sample.js';
import { emptyMoments, finiteMoments, mergeMoments, SATURATED_M2, sampleVariance, type Moments } from './moments.js';
import {
  DEFAULT_SAMPLE_SEED,
  DEFAULT_SAMPLE_SIZE,
  histogramOf,
  histogramOfSorted,
  MAX_CATEGORIES,
  PROFILE_QUANTILES,
  kthSmallest,
  selectQuantiles,
  sampleNumbers,
  sortedQuantiles,
  topCategories,
  type CategorySummary,
  type ColumnProfile,
  type Profile,
  type SampleValue,
} from './profile.js';
import { parseBoolText, parseDatetimeText } from '../data/cell-text.js';
import { inferTextType } from './infer-type.js';
import { sortValues } from '../stats/sort-values.js';

/** Values of an array built a range at a time on request, for a writer that writes them a range at a time. */
export interface DeferredArray<T> {
  readonly length: number;
  /** Values [start, end), in a new array or, given one, in `into` (a writer reuses one: no garbage per range). */
  slice(start: number, end: number, into?: T[]): T[];
  /**
   * For an array of numbers and nulls only: values [start, end) into `into` (at least that long) as numbers, NaN
   * for null, so that a writer formats them from typed memory without making JS values of them.
   */
  numbers?(start: number, end: number, into: Float64Array): Float64Array;
  /**
   * For an array of texts and nulls only: values [start, end) into `into` as ids of `texts`, -1 for null, so that a
   * writer encodes each distinct text once instead of once a value.
   */
  ids?(start: number, end: number, into: Int32Array): Int32Array;
  texts?: readonly string[];
}

export interface ProfileOptions {
  sampleSize?: number;
  seed?: number;
  /**
   * For a shard expected to hold this share of the dataset's rows: keep only as many sampled rows as the merged
   * sample can need from it (see shardSampleCapacity). The document still states the dataset's sample size.
   */
  shardShare?: number;
  /** The time written into the document (passed in: core reads no clock). */
  createdAt: string;
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
  /** Rows above this priority may have been passed over by the ceiling (see limitSampleByBytes); Infinity if none. */
  passedAbove: number;
  columns: ColumnStateData[];
}

/** What the builder keeps of a column, but for its texts: counts, moments, and the sampled rows' values by slot. */
interface ColumnTallies {
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
}

/** One column of a ProfileState, with the texts its ids stand for in place of the reader's dictionary. */
export interface ColumnStateData extends ColumnTallies {
  /** Absent for a column with no text. */
  texts: string[] | undefined;
}

interface ColumnState extends ColumnTallies {
  dictionary: TextDictionary | undefined;
}

/**
 * Builds a dataset's profile from column batches: per column the counts, nulls, moments and extremes, category
 * counts, and a seeded bottom-k sample of rows, from which quantiles and histograms are taken. Everything it keeps
 * merges exactly across shards (see mergeProfiles).
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
  private sizeHint: SizeHint | undefined;

  /** Rows the sample keeps, and its seed: parts of one dataset must share both. */
  get sampleSize(): number {
    return this.sample.capacity;
  }

  get seed(): number {
    return this.sampleSeed;
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
    this.sizeHint = undefined;
  }

  /**
   * Tells that `dataBytes` bytes of rows of `file` (a delimited file, whose row ids are byte offsets) are coming: once
   * a few thousand rows tell the bytes per row, the sample makes room for all of them at once (see BottomK.reserve)
   * instead of doubling its arrays on the way.
   */
  expectBytes(file: string, dataBytes: number): void {
    this.sizeHint = { file, dataBytes, firstRow: -1, rows: 0 };
  }

  /**
   * From here on, rows of `file` (a delimited file of `dataBytes` bytes of rows, whose row ids are byte offsets)
   * compete for the sample only below a priority ceiling: the bottom-k threshold the whole file is expected to end
   * with, times a margin, from the bytes per row read so far. Until the threshold itself falls that low, this spares
   * the copying of most rows that would enter the sample only to be replaced (on a 1e6-row file with a 1e5-row
   * sample, about 2.2e5 of the 3.3e5 that enter). The caller reads the file again without it when
   * sampleIsExact finds that a row passed over was needed.
   */
  limitSampleByBytes(file: string, dataBytes: number): void {
    this.ceiling = { file, dataBytes, firstRow: -1, lastRow: -1, rows: 0, value: Number.POSITIVE_INFINITY };
  }

  /** Ends limitSampleByBytes, once sampleIsExact has held for what was read under it. */
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
      // Only what the column's decoding produces is kept per sampled row.
      sampleNumbers: decodeAs === 'text' ? EMPTY_NUMBERS : new Float64Array(k).fill(Number.NaN),
      sampleIds: decodeAs === 'text' || decodeAs === 'auto' ? new Int32Array(k).fill(-1) : EMPTY_IDS,
      sampleStatus: new Uint8Array(k).fill(NULL),
    });
  }

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
    if (this.sizeHint?.file === batch.file) this.reserveFor(this.sizeHint, batch);
    this.addToSample(batch, present);
  }

  /** Reserves the sample's slots for the rows of the hint's file, once its bytes per row are measured. */
  private reserveFor(hint: SizeHint, batch: RecordBatch): void {
    if (batch.length === 0) return;
    if (hint.firstRow < 0) hint.firstRow = batch.rowIds[0]!;
    const lastRow = batch.rowIds[batch.length - 1]!;
    hint.rows += batch.length;
    if (hint.rows < CEILING_MIN_ROWS || lastRow <= hint.firstRow) return;
    const bytesPerRow = (lastRow - hint.firstRow) / (hint.rows - 1);
    this.sample.reserve(this.rows - hint.rows + (hint.dataBytes / bytesPerRow) * RESERVE_MARGIN);
    this.makeRoom();
    this.sizeHint = undefined;
  }

  /**
   * Once an `auto` column (of no declared type) has met a value that is not a number it can no longer be typed a
   * number (see inferredType): its sampled numbers are never read, and are let go (8 bytes a sampled row).
   */
  private dropUnneededNumbers(state: ColumnState): void {
    if (state.decodeAs === 'auto' && state.type === undefined && state.textual > 0) state.sampleNumbers = EMPTY_NUMBERS;
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
        state.moments = mergeMoments(state.moments, { count: n, mean, m2: m2 <= SATURATED_M2 ? m2 : SATURATED_M2, min, max });
      }
      state.integral = integral;
      counted = true;
    }
    if (column.ids) {
      state.dictionary = column.dictionary;
      if (state.counts.length < column.dictionary!.size) state.counts = resized(state.counts, Math.max(column.dictionary!.size, state.counts.length * 2));
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
    const ceiling = this.ceiling?.file === batch.file ? this.ceilingFor(this.ceiling, batch) : Number.POSITIVE_INFINITY;
    // First choose the rows (in order: a slot taken twice keeps the later row), then copy values column by column.
    const slots: number[] = [];
    const rows: number[] = [];
    // The threshold changes only when a row enters: read once, and again after each entry.
    let threshold = Math.min(sample.threshold, ceiling);
    if (ceiling < sample.threshold) this.passedAbove = Math.min(this.passedAbove, ceiling);
    for (let r = 0; r < batch.length; r++) {
      const row = batch.rowIds[r]!;
      // Once the sample is full most rows are ruled out by the high half of their priority alone.
      if (mix32(seed, fileHash, row) * PRIORITY_LOW > threshold) continue;
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
      const column = present.has(state.name) ? byName.get(state.name) : undefined;
      copySampled(state, column, slots, rows, run);
    }
  }

  /** Grows every column's per-slot arrays to the slots the sample has allocated (it grows as rows enter). */
  private makeRoom(): void {
    const k = this.sample.allocated;
    for (const state of this.columns.values()) {
      if (state.sampleStatus.length >= k) continue;
      // The new slots are past the sample's size: each is written when a row enters it, never read before. Left
      // unfilled, memory reserved for rows to come (see expectBytes) costs nothing until they do.
      if (state.sampleNumbers.length > 0) state.sampleNumbers = resized(state.sampleNumbers, k);
      if (state.sampleIds.length > 0) state.sampleIds = resized(state.sampleIds, k);
      state.sampleStatus = resized(state.sampleStatus, k);
    }
  }

  /**
   * The ceiling for this batch of the ceiling's file: none until a few thousand rows tell the bytes per row; then
   * the sample's share of the rows the file's bytes hold at that rate, times a margin, as a priority.
   */
  private ceilingFor(ceiling: SampleCeiling, batch: RecordBatch): number {
    if (batch.length === 0) return ceiling.value;
    if (ceiling.firstRow < 0) ceiling.firstRow = batch.rowIds[0]!;
    ceiling.lastRow = batch.rowIds[batch.length - 1]!;
    ceiling.rows += batch.length;
    if (ceiling.rows < CEILING_MIN_ROWS || ceiling.lastRow <= ceiling.firstRow) return ceiling.value;
    const bytesPerRow = (ceiling.lastRow - ceiling.firstRow) / (ceiling.rows - 1);
    const expectedRows = ceiling.dataBytes / bytesPerRow;
    const share = (CEILING_MARGIN * (this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE)) / expectedRows;
    ceiling.value = share >= 1 ? Number.POSITIVE_INFINITY : share * PRIORITY_RANGE;
    return ceiling.value;
  }

  /**
   * The builder's state, for another builder to absorb (the arrays are handed over: this builder is spent). Pass
   * `transferables(state)` to postMessage to move it between threads without a copy.
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
        sampleStatus: state.sampleStatus.subarray(0, size),
      })),
    };
  }

  /**
   * Whether absorbing these parts gives exactly the sample one read of all the rows would. Rows were dropped by a
   * part whose sample was shard-sized and full, and passed over under a ceiling (limitSampleByBytes) by a part or by
   * this builder: each such row must rank above the merged sample's last row. With shardSampleCapacity's margin and
   * the ceiling's, this practically always holds; a caller that finds it does not reads in one piece.
   */
  canAbsorbExactly(parts: readonly ProfileState[]): boolean {
    // Below this priority, nothing of a part or of this builder is missing.
    const complete = (part: ProfileState) => Math.min(part.passedAbove, part.capacity < this.sample.capacity && part.priorities.length === part.capacity && part.rows > part.capacity ? maxOf(part.priorities) : Number.POSITIVE_INFINITY);
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
      if (state.counts.length < dictionary.size) state.counts = resized(state.counts, Math.max(dictionary.size, state.counts.length * 2));
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
      copyAbsorbed(this.columns.get(column.name)!, column, idMaps[c], slots, rows);
      // The part is spent: each column's arrays go as soon as they are copied, not when the last one is.
      column.sampleNumbers = EMPTY_NUMBERS;
      column.sampleIds = EMPTY_IDS;
      column.sampleStatus = EMPTY_STATUS;
    });
    for (const state of this.columns.values()) if (!present.has(state.name)) copySampled(state, undefined, slots, rows);
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
      column.sample = sample.numbers ? sample.numbers(0, sample.length, new Float64Array(sample.length)) : sample.slice(0, sample.length);
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
   * every distribution test reads them in), other columns' samples are in no particular order (empty where category counts cover them), and `sample.sorted`
   * marks that rows are not aligned across columns and priorities are left out. On every row of a million this
   * spares putting each column in priority order (a random gather that was a fifth of an every-row drift check),
   * selecting quantiles (read from the sorted values instead) and a second, sorted copy of each sample.
   */
  finishSorted(): Profile {
    const order = Int32Array.from({ length: this.sample.size }, (_, i) => i);
    // The priorities are not needed: their memory (8 bytes a row) is the sorts' working arrays, then goes with the
    // builder, even if a caller keeps it.
    const scratch = new Uint32Array(this.sample.priorities.buffer);
    this.sample = new BottomK(0);
    const states = [...this.columns.values()];
    const columns = states.map((state) => {
      const { column, sample, sortedNumbers } = finishColumn(state, order, false, true, scratch);
      // Texts with category counts are compared by those counts (every row): their sampled values are not needed.
      column.sample = sortedNumbers ?? (column.categories ? [] : sample.slice(0, sample.length));
      state.sampleNumbers = EMPTY_NUMBERS;
      state.sampleIds = EMPTY_IDS;
      state.sampleStatus = new Uint8Array(0);
      return column;
    });
    return {
      schema: 'mlgate/profile@2',
      created_at: this.options.createdAt,
      dataset: { files: this.files, rows: this.rows },
      sample: { size: this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE, seed: this.sampleSeed, priorities: new Float64Array(0), sorted: true },
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
  finishDeferred(options: { part?: boolean } = {}): { profile: Profile; samples: Map<SampleValue[], DeferredArray<SampleValue>> } {
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

/** A priority ceiling in force for one file's rows (see limitSampleByBytes), and the rows it has measured. */
interface SampleCeiling {
  file: string;
  dataBytes: number;
  /** Byte offsets (row ids) of the first and last rows seen, and how many rows. */
  firstRow: number;
  lastRow: number;
  rows: number;
  /** The ceiling: a priority, Infinity while there is none. */
  value: number;
}

/** Bytes of rows a builder is told to expect (see expectBytes), and the rows of them seen so far. */
interface SizeHint {
  file: string;
  dataBytes: number;
  firstRow: number;
  rows: number;
}

/** Rows reserved for are the estimate times this: rows may be a little shorter where the rate is measured. */
const RESERVE_MARGIN = 1.02;

/** Rows read before the bytes per row are trusted. */
const CEILING_MIN_ROWS = 4096;
/**
 * The ceiling is the expected final threshold times this: rows may be up to a third shorter where the rate is
 * measured than on average before a row the sample needs is passed over (which sends the read back to one piece).
 */
const CEILING_MARGIN = 1.5;
/** Priorities are 53-bit integers (see rowPriority). */
const PRIORITY_RANGE = 2 ** 53;

const EMPTY_NUMBERS = new Float64Array(0);
const EMPTY_IDS = new Int32Array(0);
const EMPTY_STATUS = new Uint8Array(0);

/** The buffers behind a state's arrays, to move it to another thread without a copy (each buffer once). */
export function transferables(state: ProfileState): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (array: ArrayBufferView) => {
    // Empty arrays may share one buffer across builders: only buffers with bytes are moved.
    if (array.buffer.byteLength > 0 && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  };
  add(state.priorities);
  for (const column of state.columns) [column.counts, column.sampleNumbers, column.sampleIds, column.sampleStatus].forEach(add);
  return [...buffers];
}

function maxOf(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/**
 * How many of the first chosen rows go to consecutive slots from consecutive rows: while the sample fills, whole
 * batches do, and their values are copied a block at a time.
 */
function contiguousPrefix(slots: readonly number[], rows: readonly number[]): number {
  let run = 1;
  while (run < slots.length && slots[run] === slots[0]! + run && rows[run] === rows[0]! + run) run++;
  return run;
}

/** Copies the chosen rows' values into their slots: the first `run` as blocks (see contiguousPrefix), the rest one by one. */
function copySampled(state: ColumnState, column: ColumnData | undefined, slots: readonly number[], rows: readonly number[], run = 0): void {
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
function copyAbsorbed(state: ColumnState, column: ColumnStateData, idMap: Int32Array | undefined, slots: readonly number[], rows: readonly number[]): void {
  const { sampleStatus, sampleNumbers, sampleIds } = state;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const r = rows[i]!;
    sampleStatus[slot] = column.sampleStatus[r]!;
    if (sampleNumbers.length > 0) sampleNumbers[slot] = column.sampleNumbers.length > 0 ? column.sampleNumbers[r]! : Number.NaN;
    if (sampleIds.length > 0) {
      const id = column.sampleIds.length > 0 ? column.sampleIds[r]! : -1;
      sampleIds[slot] = id < 0 || !idMap ? -1 : idMap[id]!;
    }
  }
}

function finishColumn(state: ColumnState, order: Int32Array, part: boolean, sorted = false, scratch?: Uint32Array): { column: ColumnProfile; sample: DeferredArray<SampleValue>; sortedNumbers?: Float64Array } {
  const type = state.type ?? inferredType(state);
  const numeric = type === 'int' || type === 'float' || type === 'bool' || type === 'datetime';
  const numbers = part ? EMPTY_NUMBERS : sampledNumberSet(state, order, type, numeric, sorted);
  if (sorted) sortValues(numbers, scratch);
  // Bool and datetime columns found by inference were read as text: their counts come from the texts.
  const fromNumbers = numeric && !(state.decodeAs === 'auto' && (type === 'bool' || type === 'datetime'));
  const valueCount = fromNumbers ? state.moments.count : countTexts(state);
  const profile: ColumnProfile = {
    name: state.name,
    type,
    count: valueCount,
    nulls: state.nulls,
    invalid: fromNumbers ? state.invalid + state.textual : state.invalid,
    ...(fromNumbers && state.infinite > 0 ? { infinite: state.infinite } : {}),
    sample: [],
  };
  const moments = fromNumbers ? state.moments : textMoments(state, type);
  if (numeric && moments.count > 0) profile.numeric = numericSummary(moments, fromNumbers ? state.integral : type === 'bool', numbers, sorted);
  // Texts typed bool or datetime by inference keep their counts: the datetime range is read from them.
  if (state.dictionary && (!numeric || type === 'bool' || (type === 'datetime' && state.decodeAs === 'auto'))) profile.categories = categorySummary(state, valueCount);
  const sample: DeferredArray<SampleValue> = { length: order.length, slice: (start, end, into) => sampleValues(state, order, type, numeric, start, Math.min(end, order.length), into) };
  // What sampleValues gives numbers for (not bools, not datetimes found in text): the numbers, NaN for null.
  const numbersOnly = numeric && type !== 'bool' && !(state.decodeAs === 'auto' && type === 'datetime');
  if (numbersOnly && state.sampleNumbers.length >= order.length) {
    sample.numbers = (start, end, into) => sampledNumbers(state, order, start, Math.min(end, order.length), into);
  }
  // What sampleValues gives texts for: columns that are neither numeric nor read as numbers.
  if (!numeric && state.sampleIds.length >= order.length) {
    sample.ids = (start, end, into) => sampledIds(state, order, start, Math.min(end, order.length), into);
    sample.texts = state.dictionary?.values ?? [];
  }
  return { column: profile, sample, ...(sorted && numbersOnly ? { sortedNumbers: numbers } : {}) };
}

/**
 * The column's sampled numbers in no particular order, for its histogram and quantiles; nulls and values that are
 * not numbers are left out. `inPlace` (for finishSorted, after which the builder's arrays are never read) moves them
 * to the front of the builder's own array instead of a new one: on every row of a million, the new arrays of one
 * file, while the old were not yet collected, held some 130 MB more.
 */
function sampledNumberSet(state: ColumnState, order: Int32Array, type: ColumnType, numeric: boolean, inPlace = false): Float64Array {
  if (!numeric || type === 'bool') return EMPTY_NUMBERS;
  if (state.decodeAs === 'auto' && type === 'datetime') return sampleNumbers(sampleValues(state, order, type, numeric, 0, order.length));
  // Histograms and quantiles do not depend on the order: the slots are read as they lie, not in sample order.
  const { sampleStatus: status, sampleNumbers: values } = state;
  // Writing slot `count` after reading slot `slot` >= count leaves every slot still to read as it was.
  const numbers = inPlace && values.length >= order.length ? values : new Float64Array(order.length);
  let count = 0;
  for (let slot = 0; slot < order.length; slot++) {
    const n = values[slot]!;
    if (status[slot] !== NULL && !Number.isNaN(n)) numbers[count++] = n;
  }
  return numbers.subarray(0, count);
}

/** Sampled values [start, end) of a column read as numbers, in sample order, NaN for null, into `into`. */
function sampledNumbers(state: ColumnState, order: Int32Array, start: number, end: number, into: Float64Array): Float64Array {
  const { sampleStatus: status, sampleNumbers: values } = state;
  for (let i = start; i < end; i++) {
    const slot = order[i]!;
    into[i - start] = status[slot] === NULL ? Number.NaN : values[slot]!;
  }
  return into.subarray(0, end - start);
}

/** Sampled values [start, end) of a text column, in sample order, as dictionary ids, -1 for null, into `into`. */
function sampledIds(state: ColumnState, order: Int32Array, start: number, end: number, into: Int32Array): Int32Array {
  const { sampleStatus: status, sampleIds: ids } = state;
  for (let i = start; i < end; i++) {
    const slot = order[i]!;
    into[i - start] = status[slot] === NULL ? -1 : ids[slot]!;
  }
  return into.subarray(0, end - start);
}

/** The type of a column read as `auto`: numeric when every value parsed as a number, else from its texts. */
function inferredType(state: ColumnState): ColumnType {
  if (state.decodeAs !== 'auto') return state.decodeAs === 'number' ? (state.integral ? 'int' : 'float') : state.decodeAs === 'bool' ? 'bool' : state.decodeAs === 'datetime' ? 'datetime' : 'string';
  if (state.textual === 0 && state.moments.count > 0) return state.integral ? 'int' : 'float';
  const texts = state.dictionary ? state.dictionary.values.filter((_, id) => (state.counts[id] ?? 0) > 0) : [];
  return inferTextType(texts, countTexts(state));
}

/** Moments of a column read as text and typed bool or datetime by inference: each distinct text parsed once. */
function textMoments(state: ColumnState, type: ColumnType): Moments {
  let moments = emptyMoments();
  const parse = type === 'bool' ? parseBoolText : parseDatetimeText;
  state.dictionary?.values.forEach((text, id) => {
    const count = state.counts[id] ?? 0;
    const value = parse(text);
    if (count > 0 && !Number.isNaN(value)) moments = mergeMoments(moments, { count, mean: value, m2: 0, min: value, max: value });
  });
  return moments;
}

function countTexts(state: ColumnState): number {
  let total = 0;
  for (let i = 0; i < state.counts.length; i++) total += state.counts[i]!;
  return total;
}

/**
 * The column's sampled values [start, end) in sample order: one loop per kind of column over typed arrays, as this
 * runs for every column of every profile.
 */
function sampleValues(state: ColumnState, order: Int32Array, type: ColumnType, numeric: boolean, start: number, end: number, into?: SampleValue[]): SampleValue[] {
  const { sampleStatus: status, sampleNumbers: values, sampleIds: ids } = state;
  // Sized once and filled in place: pushing grew each array through a series of copies, all garbage.
  const sample: SampleValue[] = into ?? new Array<SampleValue>(Math.max(0, end - start));
  sample.length = Math.max(0, end - start);
  if (state.decodeAs === 'auto' && (type === 'bool' || type === 'datetime')) {
    for (let i = start; i < end; i++) sample[i - start] = status[order[i]!] === NULL ? null : parsedSampleValue(state, order[i]!, type);
  } else if (type === 'bool') {
    for (let i = start; i < end; i++) {
      const slot = order[i]!;
      const n = values[slot]!;
      sample[i - start] = status[slot] === NULL || Number.isNaN(n) ? null : n === 1;
    }
  } else if (numeric) {
    for (let i = start; i < end; i++) {
      const slot = order[i]!;
      const n = values[slot]!;
      sample[i - start] = status[slot] === NULL || Number.isNaN(n) ? null : n;
    }
  } else {
    const texts = state.dictionary?.values ?? [];
    for (let i = start; i < end; i++) {
      const slot = order[i]!;
      const id = ids[slot]!;
      sample[i - start] = status[slot] === NULL || id < 0 ? null : texts[id]!;
    }
  }
  return sample;
}

/** A sampled value of a column read as text but typed bool or datetime by inference. */
function parsedSampleValue(state: ColumnState, slot: number, type: ColumnType): SampleValue {
  const id = state.sampleIds[slot]!;
  if (id < 0) return null;
  const parsed = (type === 'bool' ? parseBoolText : parseDatetimeText)(state.dictionary!.values[id]!);
  return Number.isNaN(parsed) ? null : type === 'bool' ? parsed === 1 : parsed;
}

/** The sample's priorities in sample order, built a range at a time (see DeferredArray). */
function orderedPriorities(priorities: Float64Array, order: Int32Array): DeferredArray<SampleValue> {
  const numbers = (start: number, end: number, into: Float64Array) => {
    const stop = Math.min(end, order.length);
    for (let i = start; i < stop; i++) into[i - start] = priorities[order[i]!]!;
    return into.subarray(0, Math.max(0, stop - start));
  };
  return {
    length: order.length,
    numbers,
    slice: (start, end) => Array.from(numbers(start, end, new Float64Array(Math.max(0, Math.min(end, order.length) - start)))),
  };
}

function numericSummary(moments: Moments, integral: boolean, values: Float64Array, sorted: boolean): ColumnProfile['numeric'] {
  return {
    min: moments.min,
    max: moments.max,
    mean: moments.mean,
    m2: moments.m2,
    variance: sampleVariance(moments),
    integral,
    histogram: sorted ? histogramOfSorted(values, moments.min, moments.max) : histogramOf(values, moments.min, moments.max),
    quantiles: sorted ? sortedQuantiles(values, PROFILE_QUANTILES) : selectQuantiles(values, PROFILE_QUANTILES),
  };
}

function categorySummary(state: ColumnState, total: number): CategorySummary {
  const { top, distinct } = topCategories(state.dictionary!.values, state.counts, MAX_CATEGORIES);
  const keptCount = top.reduce((sum, [, n]) => sum + n, 0);
  return { counts: top, distinct, other: Math.max(0, total - keptCount), truncated: distinct > MAX_CATEGORIES };
}
