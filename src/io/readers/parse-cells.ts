/**
 * Turning the bytes of one cell into a value, without making a string on the fast path. The reader calls these
 * once per cell, so they are written for speed: no allocation for plain decimal numbers.
 */

const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A decimal number from bytes [start, end), or NaN when the text is not one. `point` is the decimal separator's
 * byte ('.' unless the file writes decimal commas).
 * Plain decimals with at most 15 significant digits and small exponents are computed exactly from an integer
 * mantissa and a power of ten (both exact doubles, so one rounding: the correctly rounded result); anything else
 * goes through Number() on the text. `inf`, `infinity` (any case, signed or not) are ±Infinity; a literal too large
 * for a double (1e400) is NaN, not Infinity: it is not the number written.
 */
export function parseNumberBytes(bytes: Buffer, start: number, end: number, point = 46): number {
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
  if (i < end && bytes[i] === point) {
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
  return parseNumberSlow(bytes, start, end, point);
}

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY_TEXT = /^([+-]?)inf(inity)?$/i;

function parseNumberSlow(bytes: Buffer, start: number, end: number, point: number): number {
  let text = latin1(bytes, start, end).trim();
  if (point !== 46) {
    // With decimal commas a point is not a number's: "1.5" is refused rather than read as 1.5 (or as 15).
    if (text.includes('.')) return Number.NaN;
    text = text.replace(',', '.');
  }
  // Number() accepts '', hex, binary and 'Infinity' (but not 'inf'); a data file's number is none of those but the
  // spellings of infinity that pandas, numpy and spreadsheets write.
  if (text === '' || !DECIMAL_TEXT.test(text)) {
    const infinity = INFINITY_TEXT.exec(text);
    return infinity ? (infinity[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY) : Number.NaN;
  }
  const value = Number(text);
  return value - value === 0 ? value : Number.NaN;
}

/**
 * Whether bytes [start, end) spell NaN, in any case and with any sign: a float that is not a number, which mlgate
 * reads as a missing value of a number column (as pandas does), never as a value.
 */
export function isNanText(bytes: Buffer, start: number, end: number): boolean {
  let i = start;
  if (bytes[i] === 43 || bytes[i] === 45) i++;
  return end - i === 3 && (bytes[i]! | 32) === 110 && (bytes[i + 1]! | 32) === 97 && (bytes[i + 2]! | 32) === 110;
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
