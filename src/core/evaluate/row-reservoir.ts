import { resized } from '../data/typed-arrays.js';
import { seededRandom } from '../data/seeded-random.js';

/** Rows the reservoir first makes room for: it grows to its capacity only when the data has that many rows. */
const FIRST_ROWS = 1024;

/**
 * A uniform random sample of `capacity` rows kept as batches go by (reservoir sampling, Vitter's algorithm R: row i
 * replaces a random one of the kept rows with probability capacity / (i + 1)), seeded, so that the same data and
 * seed keep the same rows. It keeps each row's features (row by row, `width` each: what the models are fed, in float64
 * for models with other inputs than float32, which float32 would round, as the scoring feeds them) and its position in the data (to find its label). O(1) per row read, O(width) per row kept.
 */
export class RowReservoir {
  private block: Float32Array | Float64Array;
  private ids: Float64Array;
  private filled = 0;
  private seen = 0;
  private readonly next: () => number;

  constructor(
    readonly capacity: number,
    readonly width: number,
    seed: number,
    precision: 'float32' | 'float64' = 'float32',
  ) {
    const first = Math.min(capacity, FIRST_ROWS);
    this.block = precision === 'float64' ? new Float64Array(first * width) : new Float32Array(first * width);
    this.ids = new Float64Array(first);
    this.next = seededRandom(seed);
  }

  /** Offers the next read batch's rows (one array per feature, `rows` values each), in the order of the data. */
  add(columns: readonly ArrayLike<number>[], rows: number): void {
    for (let r = 0; r < rows; r++, this.seen++) {
      let slot: number;
      if (this.filled < this.capacity) {
        slot = this.filled++;
        if (slot === this.ids.length) this.grow();
      } else {
        slot = Math.floor(this.next() * (this.seen + 1));
        if (slot >= this.capacity) continue;
      }
      this.ids[slot] = this.seen;
      const at = slot * this.width;
      for (let f = 0; f < this.width; f++) this.block[at + f] = columns[f]![r]!;
    }
  }

  /** The rows kept: their features row by row, and each one's position in the data (in the same order). */
  sample(): { rows: number; features: Float32Array | Float64Array; ids: Float64Array } {
    return {
      rows: this.filled,
      features: this.block.subarray(0, this.filled * this.width),
      ids: this.ids.subarray(0, this.filled),
    };
  }

  private grow(): void {
    const rows = Math.min(this.capacity, this.ids.length * 2);
    this.ids = resized(this.ids, rows);
    this.block = resized(this.block, rows * this.width);
  }
}
