/**
 * Turning the bytes of one cell into a value, without making a string on the fast path. The reader calls these
 * once per cell, so they are written for speed: no allocation for plain decimal numbers.
 */


const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A decimal number from bytes [start, end), or NaN when the text is not one.
 * Plain decimals with at most 15 significant digits and small exponents are computed exactly from an integer
 * mantissa and a power of ten (both exact doubles, so one rounding: the correctly rounded result); anything else
 * goes through Number() on the text.
 */
export function parseNumberBytes(bytes: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (bytes[i] === 45 /* - */) {
    negative = true;
    i++;
  } else if (bytes[i] === 43 /* + */) i++;
  const digitsStart = i;
  let mantissa = 0;
  for (; i < end; i++) {
    const c = bytes[i]! - 48;
    if (c >>> 0 > 9) break;
    mantissa = mantissa * 10 + c;
  }
  let digits = i - digitsStart;
  let scale = 0;
  if (i < end && bytes[i] === 46 /* . */) {
    const fractionStart = ++i;
    for (; i < end; i++) {
      const c = bytes[i]! - 48;
      if (c >>> 0 > 9) break;
      mantissa = mantissa * 10 + c;
    }
    scale = i - fractionStart;
    digits += scale;
  }
  // Every digit counted (leading zeros too): at most 15 keeps the mantissa an exact integer.
  if (i === end && digits > 0 && digits <= 15) {
    const value = mantissa / POW10[scale]!;
    return negative ? -value : value;
  }
  return parseNumberSlow(bytes, start, end);
}

function parseNumberSlow(bytes: Buffer, start: number, end: number): number {
  const text = latin1(bytes, start, end).trim();
  // Number() accepts '', hex, binary and 'Infinity'; a data file's number is none of those.
  if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

/** Node's Buffer slicing methods that skip toString's argument checks (hot: called once per text cell). */
interface FastSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

/** Bytes as Latin-1 text: every byte one character, exact for ASCII (numbers, null tokens). */
export function latin1(bytes: Buffer, start: number, end: number): string {
  return (bytes as unknown as FastSlices).latin1Slice(start, end);
}

/** Bytes as UTF-8 text (the caller has checked the bytes are valid UTF-8). */
export function utf8(bytes: Buffer, start: number, end: number): string {
  return (bytes as unknown as FastSlices).utf8Slice(start, end);
}
