import type { ColumnData, RecordBatch } from './batch.js';

/** The batch of the rows where `keep` is 1, in order (ids, lines and every column's cells with them). */
export function selectRows(batch: RecordBatch, keep: Uint8Array): RecordBatch {
  const picked: number[] = [];
  for (let r = 0; r < batch.length; r++) if (keep[r]) picked.push(r);
  if (picked.length === batch.length) return batch;
  const index = Int32Array.from(picked);
  const take = <T extends Float64Array | Int32Array | Uint8Array>(array: T): T => {
    const out = new (array.constructor as new (n: number) => T)(index.length);
    for (let i = 0; i < index.length; i++) out[i] = array[index[i]!]!;
    return out;
  };
  const columns = batch.columns.map((column): ColumnData => {
    const invalidText = new Map<number, string>();
    if (column.invalidText.size > 0)
      index.forEach((r, i) => column.invalidText.has(r) && invalidText.set(i, column.invalidText.get(r)!));
    return {
      ...column,
      status: take(column.status),
      ...(column.numbers ? { numbers: take(column.numbers) } : {}),
      ...(column.ids ? { ids: take(column.ids) } : {}),
      invalidText,
    };
  });
  return { file: batch.file, rowIds: take(batch.rowIds), length: index.length, lines: take(batch.lines), columns };
}
