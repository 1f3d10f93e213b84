/**
 * A seeded, mergeable uniform sample of rows: each row gets a pseudo-random priority from a hash of (seed, file,
 * row number), and the sample is the k rows of lowest priority (bottom-k sampling). Because a row's priority depends
 * only on the row, the sample of a union is the bottom k of the shards' samples: merging is exact, whatever the
 * split. Cohen & Kaplan (2007), "Summarizing data using bottom-k sketches".
 */

import { hashRowKey } from '../hashing.js';

/**
 * The priority of one row: 53 well-mixed bits from two hashes of (seed, file hash, row number), so that ties,
 * which would make the sample depend on the order rows arrive in, practically never happen.
 */
export function rowPriority(seed: number, fileHash: number, row: number): number {
  return hashRowKey(seed, fileHash, row) * PRIORITY_LOW + (hashRowKey(seed ^ 0x5bd1e995, fileHash, row) >>> 11);
}

/** A priority is high * PRIORITY_LOW + low, with low < PRIORITY_LOW: the high part alone can rule a row out. */
export const PRIORITY_LOW = 2097152;

/** Priorities are 53-bit integers (see rowPriority): all lie in [0, PRIORITY_RANGE). */
export const PRIORITY_RANGE = 2 ** 53;

/** Slots below this pack beside a 32-bit high part into one exact double (32 + 21 bits). */
const PACKED_SLOTS = 2097152;

/**
 * Slots allocated at first: a sample grows by doubling up to its capacity, so a large capacity costs nothing unused.
 */
const INITIAL_SLOTS = 65536;

/**
 * The k lowest-priority rows seen so far, kept in a max-heap of slots so a new row replaces the current maximum.
 * Callers store each row's values under the slot `offer` returns, in arrays at least `allocated` long. A row whose
 * priority equals the maximum's does not enter (53-bit priorities practically never tie). The capacity may be
 * Infinity (every row is kept) or larger than the data: memory follows the rows kept, not the capacity.
 */
export class BottomK {
  /** Priorities by slot; grows with the sample (see allocated). */
  priorities: Float64Array;
  /** heap[i] is a slot; the slot with the highest priority is at the root. Built when the sample fills. */
  private heap = new Int32Array(0);
  size = 0;
  /** Slots reserved for the rows a caller expects (see reserve); 0 when none were. */
  private reserved = 0;

  constructor(readonly capacity: number) {
    this.priorities = new Float64Array(Math.min(capacity, INITIAL_SLOTS));
  }

  /** Slots that per-slot arrays must hold: grows (by doubling) as rows enter, never past the capacity. */
  get allocated(): number {
    return this.priorities.length;
  }

  /**
   * Makes room for `slots` rows at once (never past the capacity), for a caller that can tell how many rows are
   * coming: on every row of a million, doubling left the last half-size arrays of every column as garbage beside
   * the full ones. Past a reservation the sample grows by an eighth, as the estimate is then only a little short.
   */
  reserve(slots: number): void {
    const length = Math.min(this.capacity, Math.ceil(slots));
    if (length > this.priorities.length) this.priorities = grown(this.priorities, length);
    this.reserved = Math.max(this.reserved, length);
  }

  /** The slot to store the row in, or -1 when the row is not in the sample. */
  offer(priority: number): number {
    if (this.capacity === 0) return -1;
    if (this.size < this.capacity) {
      // Until the sample is full every row enters: the heap is built once, when it fills (Floyd, O(k)).
      if (this.size === this.priorities.length)
        this.priorities = grown(this.priorities, Math.min(this.capacity, this.grownLength()));
      const slot = this.size++;
      this.priorities[slot] = priority;
      if (this.size === this.capacity) {
        this.heap = Int32Array.from({ length: this.size }, (_, i) => i);
        for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
      }
      return slot;
    }
    const top = this.heap[0]!;
    if (priority >= this.priorities[top]!) return -1;
    this.priorities[top] = priority;
    this.siftDown(0);
    return top;
  }

  /** Slots after a growth: double until a reservation, an eighth more past one. */
  private grownLength(): number {
    const length = this.priorities.length;
    return this.reserved > 0 && length >= this.reserved ? length + Math.max(INITIAL_SLOTS, length >> 3) : length * 2;
  }

  /** Priorities at or above this cannot enter (Infinity until the sample is full). */
  get threshold(): number {
    return this.size < this.capacity || this.capacity === 0
      ? this.capacity === 0
        ? -1
        : Number.POSITIVE_INFINITY
      : this.priorities[this.heap[0]!]!;
  }

  /**
   * Slots ordered by priority, lowest first (equal priorities by slot): the sample's canonical order. Up to 2^21
   * slots, each slot's priority's high part and the slot are packed into one double and the doubles sorted by the
   * engine's own sort, then rows whose high parts tie are put in order by their low parts: this runs once per
   * profile, before the JIT has warmed to a loop of ours (about 15 ms for 1e5 slots where a radix sort of our own
   * took 40-60 ms). Larger samples take the radix sort.
   */
  orderedSlots(): Int32Array {
    if (this.size > PACKED_SLOTS) return this.radixOrderedSlots();
    const n = this.size;
    const { priorities } = this;
    const keys = new Float64Array(n);
    for (let slot = 0; slot < n; slot++)
      keys[slot] = Math.floor(priorities[slot]! / PRIORITY_LOW) * PACKED_SLOTS + slot;
    keys.sort();
    const slots = new Int32Array(n);
    for (let i = 0; i < n; i++) slots[i] = keys[i]! % PACKED_SLOTS;
    // A run of equal high parts (a few pairs in 1e5 rows) is ordered by the whole priority, then by slot.
    for (let i = 0; i < n; ) {
      const high = Math.floor(keys[i]! / PACKED_SLOTS);
      let end = i + 1;
      while (end < n && Math.floor(keys[end]! / PACKED_SLOTS) === high) end++;
      if (end - i > 1) slots.subarray(i, end).sort((a, b) => priorities[a]! - priorities[b]! || a - b);
      i = end;
    }
    return slots;
  }

  /**
   * orderedSlots by a radix sort on the priorities' two parts (low 21 bits, then the high 32, 11 and 16 bits a
   * pass), for samples too large to pack.
   */
  private radixOrderedSlots(): Int32Array {
    const n = this.size;
    let slots = Int32Array.from({ length: n }, (_, i) => i);
    let next = new Int32Array(n);
    const high = new Uint32Array(n);
    const low = new Uint32Array(n);
    for (let slot = 0; slot < n; slot++) {
      const priority = this.priorities[slot]!;
      high[slot] = Math.floor(priority / PRIORITY_LOW);
      low[slot] = priority % PRIORITY_LOW;
    }
    for (const [keys, shift, bits] of [
      [low, 0, 11],
      [low, 11, 10],
      [high, 0, 16],
      [high, 16, 16],
    ] as const) {
      const mask = (1 << bits) - 1;
      const counts = new Int32Array(mask + 2);
      for (let i = 0; i < n; i++) counts[((keys[slots[i]!]! >>> shift) & mask) + 1]!++;
      for (let d = 1; d < counts.length; d++) counts[d]! += counts[d - 1]!;
      for (let i = 0; i < n; i++) {
        const slot = slots[i]!;
        next[counts[(keys[slot]! >>> shift) & mask]!++] = slot;
      }
      [slots, next] = [next, slots];
    }
    return slots;
  }

  private siftDown(index: number): void {
    const { heap, priorities } = this;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < this.size && priorities[heap[left]!]! > priorities[heap[largest]!]!) largest = left;
      if (right < this.size && priorities[heap[right]!]! > priorities[heap[largest]!]!) largest = right;
      if (largest === i) return;
      const swap = heap[largest]!;
      heap[largest] = heap[i]!;
      heap[i] = swap;
      i = largest;
    }
  }
}

/** A copy of `array` with room for `length` values, its own first. */
function grown(array: Float64Array, length: number): Float64Array {
  const next = new Float64Array(length);
  next.set(array);
  return next;
}
