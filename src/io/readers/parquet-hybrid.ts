import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';

/**
 * Parquet's RLE / bit-packed hybrid (definition levels, dictionary indices, booleans): `count` values of `width`
 * bits from bytes[start, end) into `out`. Reads the bytes directly rather than through a DataView, and fills a run
 * with one call: dictionary indices and levels are most of a dictionary-encoded file's decoding. Widths over 24
 * bits (a dictionary of more than 16M entries) go to hyparquet's reader.
 */
export function readHybrid(
  bytes: Uint8Array,
  start: number,
  end: number,
  width: number,
  out: Int32Array | Uint8Array,
  count: number,
): void {
  if (width > 24) {
    readRleBitPackedHybrid(
      { view: new DataView(bytes.buffer, bytes.byteOffset + start, end - start), offset: 0 },
      width,
      count === out.length ? out : out.subarray(0, count),
      end - start,
    );
    return;
  }
  const mask = (1 << width) - 1;
  const valueBytes = (width + 7) >> 3;
  let seen = 0;
  let at = start;
  while (seen < count && at < end) {
    let header = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++]!;
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    if (header % 2 === 1) {
      // Bit-packed: groups of 8 values, width bytes each, least significant bits first.
      const values = Math.floor(header / 2) * 8;
      const runEnd = at + (values / 8) * width;
      const stop = Math.min(count, seen + values);
      let buffer = 0;
      let bits = 0;
      while (seen < stop) {
        while (bits < width) {
          buffer |= (at < runEnd ? bytes[at++]! : 0) << bits;
          bits += 8;
        }
        out[seen++] = buffer & mask;
        buffer >>>= width;
        bits -= width;
      }
      at = runEnd;
    } else {
      const repeat = Math.floor(header / 2);
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value |= bytes[at++]! << (8 * i);
      const stop = Math.min(count, seen + repeat);
      out.fill(value, seen, stop);
      seen = stop;
    }
  }
}

/**
 * Definition levels of a flat optional column (0 null, 1 value) from bytes[start, end), or undefined when every
 * value is present: the common case, told from the first run alone, costs no array.
 */
export function readDefinitions(bytes: Uint8Array, start: number, end: number, count: number): Uint8Array | undefined {
  let at = start;
  let header = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at++]!;
    header += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80 && at < end);
  if (header % 2 === 0 && Math.floor(header / 2) >= count && bytes[at] === 1) return undefined;
  const definitions = new Uint8Array(count);
  readHybrid(bytes, start, end, 1, definitions, count);
  return definitions;
}
