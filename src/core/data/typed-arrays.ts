type GrowableArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A copy of `array` with `length` elements: its values first (as many as fit), zeros after. */
export function resized<T extends GrowableArray>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array.subarray(0, Math.min(array.length, length)));
  return next;
}

/**
 * The `columns` of each of `rows` rows of `block` (`width` numbers a row, row after row), in that order, into `into`:
 * a model's own features out of the fed ones, laid out as onnxruntime takes them.
 */
export function gatherColumns<T extends Float32Array | Float64Array>(
  block: Float32Array | Float64Array,
  rows: number,
  width: number,
  columns: readonly number[],
  into: T,
): T {
  const n = columns.length;
  for (let r = 0; r < rows; r++) for (let c = 0; c < n; c++) into[r * n + c] = block[r * width + columns[c]!]!;
  return into;
}
