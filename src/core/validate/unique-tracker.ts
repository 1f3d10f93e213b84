/**
 * Finds repeated values online, so each repeat is reported on the row where it happens. Integers within a known
 * range use a paged bitset (a bit per possible value where values fall: 1M ids cost 125 KB); other numbers an
 * open-addressing hash set of doubles; texts a count per dictionary id.
 */
export interface UniqueTracker {
  /** True when the value was seen before. */
  seenNumber(value: number): boolean;
  seenText(id: number): boolean;
  /** The numbers seen, to check another part of the data against (texts are not carried). */
  exportNumbers(): UniqueNumbers;
  /** Adds the numbers another part saw; returns how many of them this tracker had seen already. */
  absorbNumbers(numbers: UniqueNumbers): number;
}

/** The numbers one tracker has seen: a bitset over a range, and any others as a list. */
export interface UniqueNumbers {
  bitset?: { min: number; bits: Uint32Array };
  values: Float64Array;
}

const MAX_BITSET_RANGE = 1 << 28;

export function createUniqueTracker(range?: { min: number; max: number }): UniqueTracker {
  if (
    range &&
    Number.isInteger(range.min) &&
    Number.isInteger(range.max) &&
    range.max - range.min < MAX_BITSET_RANGE &&
    range.max >= range.min
  ) {
    return new BitsetTracker(range.min, range.max);
  }
  return new HashTracker();
}

/** Bits a page of the bitset holds (2^16: 8 KB). */
const PAGE_SHIFT = 16;
const PAGE_WORDS = 1 << (PAGE_SHIFT - 5);

/**
 * A bitset over [min, max] in pages allocated when a value first falls in them: a contract's range is often far
 * wider than the values (ids bounded by 1e8, 1e6 of them seen), and a dense bitset over it cost 12.5 MB per thread.
 */
class BitsetTracker implements UniqueTracker {
  private readonly pages: (Uint32Array | undefined)[];
  private readonly fallback = new HashTracker();

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.pages = new Array<Uint32Array | undefined>(Math.floor((max - min) / 2 ** PAGE_SHIFT) + 1).fill(undefined);
  }

  seenNumber(value: number): boolean {
    // Values outside the range (already reported by min/max) or fractional ones go to the hash set.
    if (value < this.min || value > this.max || value !== Math.floor(value)) return this.fallback.seenNumber(value);
    const offset = value - this.min;
    const page = this.pages[offset >>> PAGE_SHIFT] ?? (this.pages[offset >>> PAGE_SHIFT] = new Uint32Array(PAGE_WORDS));
    const word = (offset >>> 5) & (PAGE_WORDS - 1);
    const bit = 1 << (offset & 31);
    const seen = (page[word]! & bit) !== 0;
    page[word]! |= bit;
    return seen;
  }

  seenText(id: number): boolean {
    return this.fallback.seenText(id);
  }

  /** A dense bitset from the first page holding a value to the last (its min is where that first page starts). */
  exportNumbers(): UniqueNumbers {
    const values = this.fallback.exportNumbers().values;
    const used = this.pages.flatMap((page, p) => (page ? [p] : []));
    if (used.length === 0) return { values };
    const first = used[0]!;
    const bits = new Uint32Array((used.at(-1)! - first + 1) * PAGE_WORDS);
    for (const p of used) bits.set(this.pages[p]!, (p - first) * PAGE_WORDS);
    return { bitset: { min: this.min + first * 2 ** PAGE_SHIFT, bits }, values };
  }

  absorbNumbers(numbers: UniqueNumbers): number {
    let repeats = 0;
    const incoming = numbers.bitset;
    const shift = incoming ? incoming.min - this.min : 0;
    // A bitset over this range, word-aligned with it (any this tracker or one like it exported), is ORed in a word
    // at a time; any other is taken value by value.
    if (incoming && shift >= 0 && shift % 32 === 0 && incoming.min + incoming.bits.length * 32 - 1 <= this.max + 31) {
      const { bits } = incoming;
      for (let w = 0; w < bits.length; w++) {
        const word = bits[w]!;
        if (word === 0) continue;
        const offset = shift + w * 32;
        const page =
          this.pages[offset >>> PAGE_SHIFT] ?? (this.pages[offset >>> PAGE_SHIFT] = new Uint32Array(PAGE_WORDS));
        const at = (offset >>> 5) & (PAGE_WORDS - 1);
        repeats += popcount(page[at]! & word);
        page[at]! |= word;
      }
    } else if (incoming) {
      repeats += this.absorbList(bitsetValues(incoming));
    }
    return repeats + this.absorbList(numbers.values);
  }

  private absorbList(values: Float64Array): number {
    let repeats = 0;
    for (const v of values) if (this.seenNumber(v)) repeats++;
    return repeats;
  }
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function bitsetValues(bitset: { min: number; bits: Uint32Array }): Float64Array {
  const values: number[] = [];
  bitset.bits.forEach((word, w) => {
    for (let b = 0; word !== 0 && b < 32; b++) if (word & (1 << b)) values.push(bitset.min + w * 32 + b);
  });
  return Float64Array.from(values);
}

class HashTracker implements UniqueTracker {
  private table = new Float64Array(1024).fill(Number.NaN);
  private size = 0;
  private counts = new Uint8Array(1024);

  seenNumber(value: number): boolean {
    const v = value === 0 ? 0 : value; // -0 and 0 are one value
    let mask = this.table.length - 1;
    for (let slot = hashNumber(v) & mask; ; slot = (slot + 1) & mask) {
      const held = this.table[slot]!;
      if (held === v) return true;
      if (held !== held) {
        this.table[slot] = v;
        if (++this.size * 2 > this.table.length) {
          this.grow();
          mask = this.table.length - 1;
        }
        return false;
      }
    }
  }

  seenText(id: number): boolean {
    if (id >= this.counts.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    const seen = this.counts[id] !== 0;
    this.counts[id] = 1;
    return seen;
  }

  exportNumbers(): UniqueNumbers {
    return { values: this.table.filter((v) => v === v) };
  }

  absorbNumbers(numbers: UniqueNumbers): number {
    let repeats = 0;
    const all = numbers.bitset ? [bitsetValues(numbers.bitset), numbers.values] : [numbers.values];
    for (const values of all) for (const v of values) if (this.seenNumber(v)) repeats++;
    return repeats;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2).fill(Number.NaN);
    const mask = this.table.length - 1;
    for (const v of old) {
      if (v !== v) continue;
      let slot = hashNumber(v) & mask;
      while (this.table[slot] === this.table[slot]) slot = (slot + 1) & mask;
      this.table[slot] = v;
    }
  }
}

const scratch = new Float64Array(1);
const halves = new Uint32Array(scratch.buffer);

function hashNumber(value: number): number {
  scratch[0] = value;
  let h = Math.imul(halves[0]! ^ 0x9e3779b9, 0x85ebca6b) ^ halves[1]!;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return (h ^ (h >>> 13)) >>> 0;
}
