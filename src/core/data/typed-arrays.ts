type GrowableArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A copy of `array` with `length` elements: its values first (as many as fit), zeros after. */
export function resized<T extends GrowableArray>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array.subarray(0, Math.min(array.length, length)));
  return next;
}
