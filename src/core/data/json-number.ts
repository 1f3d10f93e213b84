/**
 * Numbers as JSON text, written straight into bytes: a profile holds millions of sampled values, and going through
 * JSON.stringify makes a string of each slice, then encodes it again into the output buffer.
 */

const POW10 = Float64Array.from({ length: 17 }, (_, i) => 10 ** i);
const ZERO = 48;

/** The most bytes writeJsonNumber writes: a sign, 16 digits, a point and 6 more digits. */
export const MAX_FAST_NUMBER_BYTES = 24;

/**
 * Writes `value` as JSON.stringify writes it (the shortest decimal that reads back as the same double) into `bytes`
 * from `at`, and returns where it ends; or returns -1, writing nothing, for a value this does not handle (anything
 * but a safe integer or a decimal of at most 6 fraction digits below 1e9 in magnitude; NaN and infinities too),
 * which the caller writes the slow way. Needs MAX_FAST_NUMBER_BYTES of room.
 *
 * Why the decimal is the shortest: r = round(value * 1e6) and r / 1e6 === value means the decimal r·10⁻⁶ reads
 * back as value (the division of two exact doubles is correctly rounded). Below 1e9 a double's spacing is under
 * 1.2e-7, so no other multiple of 10⁻⁶ reads back as the same double; a shorter decimal would be one of those.
 */
export function writeJsonNumber(value: number, bytes: Uint8Array, at: number): number {
  let n = value < 0 ? -value : value;
  if (Number.isSafeInteger(n)) {
    if (value < 0) bytes[at++] = 45;
    return writeDigits(n, bytes, at);
  }
  if (!(n < 1e9)) return -1;
  const scaled = Math.round(n * 1e6);
  if (scaled / 1e6 !== n) return -1;
  n = Math.floor(scaled / 1e6);
  let fraction = (scaled - n * 1e6) | 0;
  if (value < 0) bytes[at++] = 45;
  at = writeDigits(n, bytes, at);
  let digits = 6;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  bytes[at++] = 46;
  for (let i = at + digits - 1; i >= at; i--) {
    const rest = (fraction / 10) | 0;
    bytes[i] = ZERO + (fraction - rest * 10);
    fraction = rest;
  }
  return at + digits;
}

/** The decimal digits of a non-negative safe integer. */
function writeDigits(n: number, bytes: Uint8Array, at: number): number {
  let length = 1;
  while (length < 16 && n >= POW10[length]!) length++;
  const end = at + length;
  if (n < 2147483648) {
    for (let i = end - 1; i >= at; i--) {
      const rest = (n / 10) | 0;
      bytes[i] = ZERO + (n - rest * 10);
      n = rest;
    }
  } else {
    for (let i = end - 1; i >= at; i--) {
      const rest = Math.floor(n / 10);
      bytes[i] = ZERO + (n - rest * 10);
      n = rest;
    }
  }
  return end;
}
