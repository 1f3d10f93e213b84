import * as zlib from 'node:zlib';
import type { Compressors } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/**
 * Memory a row-group decoder uses again from one group to the next: the arrays of groups already used (handed back
 * with `give`) and the column chunk's bytes. A row group's arrays are some 10 MB for 272,727
 * rows of five columns; made afresh for each group they are garbage at once, and the collector let some 100 MB of
 * them pile up before it freed any (flights-3m.parquet, measured with process.memoryUsage).
 */
export class DecoderBuffers {
  private readonly free: ArrayBuffer[] = [];
  private chunk = new Uint8Array(0);
  /**
   * Page decompressors: hyparquet-compressors', but ZSTD is Node's own where Node has it (22.15 and later). fzstd
   * is not given an output buffer: it compares that argument with 1, which turns a typed array into a string of
   * all its bytes (2.8 s of 5.9 on flights-3m.parquet, measured).
   */
  readonly codecs: Compressors;

  constructor() {
    const native = (zlib as { zstdDecompressSync?: (input: Uint8Array) => Buffer }).zstdDecompressSync;
    this.codecs = native ? { ...compressors, ZSTD: (input) => native(input) } : compressors;
  }

  /** Arrays of `length` elements, zeroed, from a buffer handed back when one is large enough. */
  float64(length: number): Float64Array {
    return new Float64Array(this.take(length * 8), 0, length);
  }

  int32(length: number): Int32Array {
    return new Int32Array(this.take(length * 4), 0, length);
  }

  uint8(length: number): Uint8Array {
    return new Uint8Array(this.take(length), 0, length);
  }

  /** Hands back buffers no longer used (a row group's arrays once its batch has been read). */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) if (buffer.byteLength > 0 && this.free.length < MAX_FREE) this.free.push(buffer);
  }

  /** A buffer of at least `length` bytes for a column chunk, valid until the next call. */
  chunkBuffer(length: number): Uint8Array {
    if (this.chunk.length < length) this.chunk = new Uint8Array(Math.max(length, this.chunk.length * 2));
    return this.chunk.subarray(0, length);
  }

  private take(bytes: number): ArrayBuffer {
    // The smallest free buffer that fits, and not over twice the size (the last row group is often smaller).
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && size <= 2 * bytes + 64 && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    if (best < 0) return new ArrayBuffer(bytes);
    const [buffer] = this.free.splice(best, 1);
    new Uint8Array(buffer!, 0, bytes).fill(0);
    return buffer!;
  }
}

/** Buffers kept for use again at most: a few row groups' worth. */
const MAX_FREE = 64;
