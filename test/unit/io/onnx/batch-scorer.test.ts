import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../../../../src/core/errors.js';
import { BatchScorer, readWhileScoring, type ScoringTarget } from '../../../../src/io/onnx/batch-scorer.js';
import type { OutputTensor } from '../../../../src/io/onnx/onnx-model.js';

/** A stand-in model: per row, its first input and the sum of its inputs; it records what it was fed. */
function target(
  name: string,
  columns: number[],
  calls: string[],
  fail?: (call: number) => Error | undefined,
): ScoringTarget {
  let call = 0;
  return {
    name,
    outputName: 'out',
    columns,
    run: async (features, rows, width): Promise<OutputTensor> => {
      calls.push(`${name}:${rows}`);
      const error = fail?.(call++);
      if (error) throw error;
      const data = new Float32Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        data[r * 2] = features[r * width]!;
        for (let c = 0; c < width; c++) data[r * 2 + 1]! += features[r * width + c]!;
      }
      return { data, dims: [rows, 2], type: 'float32' };
    },
  };
}

/**
 * Feeds rows 0..n-1 (feature f of row r is 100 r + f) in read batches of the given sizes, reusing the arrays as a
 * reader does.
 */
async function feed(scorer: BatchScorer, sizes: number[], width: number): Promise<void> {
  const columns = Array.from({ length: width }, () => new Float64Array(16));
  let row = 0;
  for (const size of sizes) {
    for (let r = 0; r < size; r++) for (let f = 0; f < width; f++) columns[f]![r] = 100 * (row + r) + f;
    await scorer.add(columns, size);
    columns.forEach((c) => c.fill(-1));
    row += size;
  }
}

describe('BatchScorer', () => {
  it('gathers read batches into blocks of batch-size rows, each model fed its own columns in its order', async () => {
    const calls: string[] = [];
    const scorer = new BatchScorer([target('a', [0, 1, 2], calls), target('b', [2, 0], calls)], 3, 8);
    await feed(scorer, [3, 10, 1, 7], 3);
    const [a, b] = (await scorer.finish()).models;
    expect(calls).toEqual(['a:8', 'b:8', 'a:8', 'b:8', 'a:5', 'b:5']);
    expect(a!.times.batchRows).toEqual([8, 8, 5]);
    expect(b!.times.batchMs).toHaveLength(3);
    expect(a!.output.width).toBe(2);
    expect(a!.output.integer).toBe(false);
    for (let r = 0; r < 21; r++) {
      expect([a!.output.data[r * 2], a!.output.data[r * 2 + 1]]).toEqual([100 * r, 300 * r + 3]);
      expect([b!.output.data[r * 2], b!.output.data[r * 2 + 1]]).toEqual([100 * r + 2, 200 * r + 2]);
    }
    expect(a!.output.data).toHaveLength(42);
  });

  it('takes rows laid out row-major in float32 (as the scoring thread gets them) exactly as it takes columns', async () => {
    const byColumns = new BatchScorer([target('a', [0, 1, 2], []), target('b', [2, 0], [])], 3, 8);
    await feed(byColumns, [3, 10, 1, 7], 3);
    const byRows = new BatchScorer([target('a', [0, 1, 2], []), target('b', [2, 0], [])], 3, 8);
    let row = 0;
    for (const size of [3, 10, 1, 7]) {
      const block = Float32Array.from({ length: size * 3 }, (_, i) => 100 * (row + Math.floor(i / 3)) + (i % 3));
      await byRows.addRows(block, size);
      row += size;
    }
    const [expected, actual] = [await byColumns.finish(), await byRows.finish()];
    expect(actual.models.map((m) => Array.from(m.output.data))).toEqual(
      expected.models.map((m) => Array.from(m.output.data)),
    );
    expect(actual.models[0]!.times.batchRows).toEqual([8, 8, 5]);
  });

  it('names the model and the rows when onnxruntime fails, and passes a user error through as it is', async () => {
    const failing = new BatchScorer(
      [target('m.onnx', [0, 1], [], (call) => (call === 1 ? new Error('Non-zero status code\nstack') : undefined))],
      2,
      8,
    );
    await expect(feed(failing, [12, 6], 2)).rejects.toThrow(
      new DataError('m.onnx: onnxruntime failed on rows 9 to 16: Non-zero status code', { file: 'm.onnx' }),
    );
    const refused = new BatchScorer(
      [target('m.onnx', [0, 1], [], () => new ConfigurationError('m.onnx: the model takes 3 features per row'))],
      2,
      4,
    );
    await expect(feed(refused, [4], 2)).rejects.toThrow(ConfigurationError);
  });

  it('refuses an output that is not one row per input row', async () => {
    const flat: ScoringTarget = {
      name: 'flat.onnx',
      outputName: 'z',
      columns: [0],
      run: async (_, rows) => ({ data: new Float32Array(rows * 3), dims: [rows * 3], type: 'float32' }),
    };
    const scorer = new BatchScorer([flat], 1, 4);
    await expect(feed(scorer, [4], 1)).rejects.toThrow(
      'flat.onnx: the output z has 12 values for 4 rows; mlgate expects [rows, classes] or [rows]',
    );
  });

  it('keeps integer outputs (class indices) as integers, past its first guess of the size', async () => {
    const labels: ScoringTarget = {
      name: 'labels.onnx',
      outputName: 'label',
      columns: [0],
      run: async (features, rows) => ({
        data: BigInt64Array.from({ length: rows }, (_, r) => BigInt(features[r]! % 3)),
        dims: [rows],
        type: 'int64',
      }),
    };
    const scorer = new BatchScorer([labels], 1, 2);
    await feed(scorer, [5, 5, 5, 5, 5, 5, 5], 1);
    const { output } = (await scorer.finish()).models[0]!;
    expect(output.integer).toBe(true);
    expect(output.data).toBeInstanceOf(Int32Array);
    expect([...output.data]).toEqual(Array.from({ length: 35 }, (_, r) => (100 * r) % 3));
  });

  it('closes the scoring when the read fails, and gives the read and the outputs when it does not', async () => {
    let closed = 0;
    const scorer = new BatchScorer([target('a', [0], [])], 1, 4);
    scorer.close = async () => void closed++;
    await expect(
      readWhileScoring(scorer, async () => Promise.reject(new DataError('data.csv:3: bad'))),
    ).rejects.toThrow('data.csv:3: bad');
    expect(closed).toBe(1);
    const fine = new BatchScorer([target('a', [0], [])], 1, 4);
    const { read, scored } = await readWhileScoring(fine, async (onFeatures) => {
      await onFeatures([Float64Array.of(7, 8)], 2);
      return 'rows read';
    });
    expect(read).toBe('rows read');
    expect([...scored.models[0]!.output.data]).toEqual([7, 7, 8, 8]);
  });
});
