import { VALUE } from '../data/batch.js';
import { sortValues } from '../stats/sort-values.js';
import { DECIMAL_CHUNK, restoreNegativeZeros, SortedDecimals } from './sorted-decimals.js';

/** Decimals tried before a value is kept as float64. */
const MAX_DECIMALS = 9;
const TWO_31 = 2_147_483_648;
const POWERS_OF_TEN = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/**
 * A run of values: integers of `decimals` decimals (number = integer / 10^decimals exactly), or float64 where one
 * of them is not such a short decimal (`decimals` −1).
 */
export interface NumberChunk {
  values: Int32Array | Float64Array;
  decimals: number;
  /** The largest |integer| (0 for float64): whether the chunk can be rescaled to more decimals. */
  largest: number;
}

/** What EveryRowNumbers holds, as plain data and typed arrays, to move to another thread (see transferables). */
export interface EveryRowNumbersState {
  chunks: NumberChunk[];
  /** Values that were −0 (a CSV's "-0.0000"): integers cannot tell them from 0. */
  negativeZeros: number;
}

/**
 * Every value of a numeric column, in no order, for a profile that is only compared (see ProfileBuilder's
 * `sortedOnly`) and keeps every row: what KS, Wasserstein and the quantile bins read once sorted, and nothing else (no
 * per-row status, no row order, no priorities). Short decimals, what a CSV holds, are kept as 32-bit integers,
 * checked to give back exactly the same double: 4 bytes a value, not the 9 of the row sample's float64 and status.
 * Values come in chunks, so that a thread's part is handed over as its chunks (see absorb), never copied or grown by
 * doubling. The plain twin is the row sample that finishSorted sorts; a test holds the two to the same numbers.
 */
export class EveryRowNumbers {
  private chunks: NumberChunk[] = [];
  /** The chunk being filled, and how many values it holds. */
  private current: NumberChunk | undefined;
  private filled = 0;
  private negativeZeros = 0;

  /** Values kept so far. */
  get length(): number {
    let n = this.filled;
    for (const chunk of this.chunks) n += chunk.values.length;
    return n;
  }

  /** Adds a batch's values: those whose status is VALUE and that are finite (as the row sample keeps them; NaN too). */
  add(values: Float64Array, status: Uint8Array, length: number): void {
    let r = 0;
    while (r < length) {
      const chunk = this.current;
      if (!chunk || chunk.decimals < 0 || this.filled === chunk.values.length) {
        // A new chunk, a float64 one, or a value the fast loop below stopped at: one value the general way.
        const v = values[r]!;
        if (status[r] === VALUE && Number.isFinite(v)) this.push(v);
        r++;
        continue;
      }
      // The common case, a run of short decimals into an integer chunk, with its state in locals.
      const integers = chunk.values as Int32Array;
      const scale = POWERS_OF_TEN[chunk.decimals]!;
      let filled = this.filled;
      let largest = chunk.largest;
      for (; r < length && filled < integers.length; r++) {
        if (status[r] !== VALUE) continue;
        const v = values[r]!;
        const m = Math.round(v * scale);
        // Not such a decimal (or ±Infinity, NaN, or too large): the general way, at the top of the outer loop.
        if (m / scale !== v || !(Math.abs(m) < TWO_31)) break;
        if (m === 0 && 1 / v < 0) this.negativeZeros++;
        integers[filled++] = m;
        if (Math.abs(m) > largest) largest = Math.abs(m);
      }
      this.filled = filled;
      chunk.largest = largest;
      if (r < length && filled < integers.length && status[r] === VALUE) {
        const v = values[r]!;
        if (Number.isFinite(v)) this.push(v);
        r++;
      }
    }
  }

  private push(v: number): void {
    let chunk = this.current;
    if (!chunk || this.filled === chunk.values.length) {
      if (chunk) this.chunks.push(chunk);
      chunk = this.current = { values: new Int32Array(DECIMAL_CHUNK), decimals: 0, largest: 0 };
      this.filled = 0;
    }
    if (v === 0 && 1 / v < 0) this.negativeZeros++;
    if (chunk.decimals >= 0) {
      const scale = POWERS_OF_TEN[chunk.decimals]!;
      const m = Math.round(v * scale);
      if (m / scale === v && Math.abs(m) < TWO_31) {
        chunk.values[this.filled++] = m;
        if (Math.abs(m) > chunk.largest) chunk.largest = Math.abs(m);
        return;
      }
      widen(chunk, v, this.filled);
      if (chunk.decimals >= 0) {
        const m = Math.round(v * POWERS_OF_TEN[chunk.decimals]!);
        chunk.values[this.filled++] = m;
        if (Math.abs(m) > chunk.largest) chunk.largest = Math.abs(m);
        return;
      }
    }
    chunk.values[this.filled++] = v;
  }

  /** The values as plain data, for another EveryRowNumbers to absorb; this one is spent. */
  state(): EveryRowNumbersState {
    const chunks = this.chunks;
    if (this.current && this.filled > 0)
      chunks.push({ ...this.current, values: this.current.values.subarray(0, this.filled) });
    this.chunks = [];
    this.current = undefined;
    this.filled = 0;
    return { chunks, negativeZeros: this.negativeZeros };
  }

  /** Adds another part's values: its chunks are taken as they are, not copied. */
  absorb(part: EveryRowNumbersState): void {
    // The chunk being filled stays last: a part's chunks go before it.
    this.chunks.push(...part.chunks);
    this.negativeZeros += part.negativeZeros;
    part.chunks = [];
  }

  /** Whether sorted gives SortedDecimals: every chunk's integers fit 32 bits at the decimals of the one with most. */
  private get sortsAsDecimals(): boolean {
    const chunks = this.current ? [...this.chunks, this.current] : this.chunks;
    const decimals = Math.max(0, ...chunks.map((chunk) => chunk.decimals));
    return chunks.every(
      (chunk) => chunk.decimals >= 0 && chunk.largest * POWERS_OF_TEN[decimals - chunk.decimals]! < TWO_31,
    );
  }

  /**
   * The values in ascending order (−0 before +0): as SortedDecimals when they fit (see sortsAsDecimals), else as
   * float64 sorted by sortValues. Decimals are sorted by a two-pass radix sort on 16-bit digits from the chunks
   * into `scratch` (at least the values' count, as finishSorted passes the priorities' memory) and back into the
   * chunks' own memory: no new memory for them at all, where a sorted copy took 64 MB a million rows of 16 columns,
   * and its garbage as much until collected. The instance is spent.
   */
  sorted(scratch?: Uint32Array): SortedDecimals | Float64Array {
    const fits = this.sortsAsDecimals;
    const chunks = this.state().chunks;
    const n = chunks.reduce((sum, chunk) => sum + chunk.values.length, 0);
    if (!fits) {
      const values = new Float64Array(n);
      let at = 0;
      for (const chunk of chunks) {
        const scale = chunk.decimals >= 0 ? POWERS_OF_TEN[chunk.decimals]! : 1;
        const from = chunk.values;
        for (let i = 0; i < from.length; i++) values[at + i] = from[i]! / scale;
        at += from.length;
      }
      return restoreNegativeZeros(sortValues(values, scratch), this.negativeZeros);
    }
    const decimals = Math.max(0, ...chunks.map((chunk) => chunk.decimals));
    // Keys: the integers at the common decimals with the sign bit flipped, which sort as unsigned as the numbers do.
    const lowCounts = new Uint32Array(65_537);
    const highCounts = new Uint32Array(65_537);
    for (const chunk of chunks) {
      const factor = POWERS_OF_TEN[decimals - chunk.decimals]!;
      const from = chunk.values;
      for (let i = 0; i < from.length; i++) {
        const key = ((from[i]! * factor) ^ 0x80000000) >>> 0;
        lowCounts[(key & 0xffff) + 1]!++;
        highCounts[(key >>> 16) + 1]!++;
      }
    }
    for (let d = 1; d <= 65_536; d++) {
      lowCounts[d]! += lowCounts[d - 1]!;
      highCounts[d]! += highCounts[d - 1]!;
    }
    const middle = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Uint32Array(n);
    for (const chunk of chunks) {
      const factor = POWERS_OF_TEN[decimals - chunk.decimals]!;
      const from = chunk.values;
      for (let i = 0; i < from.length; i++) {
        const key = ((from[i]! * factor) ^ 0x80000000) >>> 0;
        middle[lowCounts[key & 0xffff]!++] = key;
      }
    }
    // Every value is in `middle` now: the chunks' memory (each DECIMAL_CHUNK integers, part-filled or not) takes
    // them back in order.
    const count = Math.ceil(n / DECIMAL_CHUNK);
    const out = chunks
      .slice(0, count)
      .map(
        (chunk, c) => new Int32Array(chunk.values.buffer, 0, c === count - 1 ? n - c * DECIMAL_CHUNK : DECIMAL_CHUNK),
      );
    for (let i = 0; i < n; i++) {
      const key = middle[i]!;
      const at = highCounts[key >>> 16]!++;
      out[Math.floor(at / DECIMAL_CHUNK)]![at % DECIMAL_CHUNK] = key ^ 0x80000000;
    }
    return new SortedDecimals(out, n, POWERS_OF_TEN[decimals]!, this.negativeZeros);
  }
}

/**
 * Makes room in a chunk for a value its decimals cannot hold: more decimals, its integers rescaled, when the value
 * and they still fit 32 bits; else float64 for the whole chunk (decimals −1), its integers turned back into numbers.
 */
function widen(chunk: NumberChunk, v: number, filled: number): void {
  for (let d = chunk.decimals + 1; d <= MAX_DECIMALS; d++) {
    const scale = POWERS_OF_TEN[d]!;
    const m = Math.round(v * scale);
    if (!(Math.abs(m) < TWO_31)) break;
    if (m / scale !== v) continue;
    const factor = POWERS_OF_TEN[d - chunk.decimals]!;
    if (chunk.largest * factor >= TWO_31) break;
    const values = chunk.values;
    for (let i = 0; i < filled; i++) values[i] = values[i]! * factor;
    chunk.largest *= factor;
    chunk.decimals = d;
    return;
  }
  const scale = POWERS_OF_TEN[chunk.decimals]!;
  const numbers = new Float64Array(chunk.values.length);
  for (let i = 0; i < filled; i++) numbers[i] = chunk.values[i]! / scale;
  chunk.values = numbers;
  chunk.decimals = -1;
  chunk.largest = 0;
}
