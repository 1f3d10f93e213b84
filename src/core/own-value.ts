/**
 * The value a record holds under `key` itself, never one it inherits from Object.prototype.
 *
 * Records keyed by names from data (column names, category values, a training script's metric names) meet keys
 * such as `constructor`, `toString` or `__proto__`: `record[key]` would then read a function or the prototype
 * where no entry exists, and `key in record` would be true. Such records are built with `Object.fromEntries` (or
 * `new Map`), which defines even `__proto__` as an ordinary key, and read through this function.
 */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
