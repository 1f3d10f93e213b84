/**
 * Finds repeated values online, so each repeat is reported on the row where it happens. Integers within a known
 * range use a bitset (a bit per possible value: 1M ids cost 125 KB); other numbers an open-addressing hash set of
 * doubles; texts a count per dictionary id.
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
  if (range && Number.isInteger(range.min) && Number.isInteger(range.max) && range.max - range.min < MAX_BITSET_RANGE && range.max >= range.min) {
    return new BitsetTracker(range.min, range.max);
  }
  return new HashTracker();
}

class BitsetTracker implements UniqueTracker {
  private readonly bits: Uint32Array;
  private readonly fallback = new HashTracker();

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.bits = new Uint32Array(Math.floor((max - min) / 32) + 1);
  }

  seenNumber(value: number): boolean {
    // Values outside the range (already reported by min/max) or fractional ones go to the hash set.
    if (value < this.min || value > this.max || value !== Math.floor(value)) return this.fallback.seenNumber(value);
    const offset = value - this.min;
    const word = offset >>> 5;
    const bit = 1 << (offset & 31);
    const seen = (this.bits[word]! & bit) !== 0;
    this.bits[word]! |= bit;
    return seen;
  }

  seenText(id: number): boolean {
    return this.fallback.seenText(id);
  }

  exportNumbers(): UniqueNumbers {
    return { bitset: { min: this.min, bits: this.bits }, values: this.fallback.exportNumbers().values };
  }

  absorbNumbers(numbers: UniqueNumbers): number {
    let repeats = 0;
    if (numbers.bitset && numbers.bitset.min === this.min && numbers.bitset.bits.length === this.bits.length) {
      const { bits } = numbers.bitset;
      for (let w = 0; w < bits.length; w++) {
        const incoming = bits[w]!;
        if (incoming === 0) continue;
        repeats += popcount(this.bits[w]! & incoming);
        this.bits[w]! |= incoming;
      }
    } else if (numbers.bitset) {
      repeats += this.absorbList(bitsetValues(numbers.bitset));
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
