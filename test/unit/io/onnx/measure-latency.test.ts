import { describe, expect, it } from 'vitest';
import { measureLatency, TimingSample } from '../../../../src/io/onnx/measure-latency.js';
import type { OutputTensor } from '../../../../src/io/onnx/onnx-model.js';

/** A clock that each model's call advances: 1 ms of CPU a call, plus `offCpu` ms off it on the calls listed. */
function scripted(offCpu: Map<number, number>) {
  let wall = 0;
  let cpu = 0;
  let calls = 0;
  const log: string[] = [];
  const model = (name: string) => ({
    columns: [1, 0],
    run: async (features: Float32Array, rows: number, width: number): Promise<OutputTensor> => {
      log.push(`${name}:${rows}x${width}:${features[0]}`);
      const off = offCpu.get(calls++) ?? 0;
      wall += 1 + off;
      cpu += 1;
      return { data: new Float32Array(rows), dims: [rows], type: 'float32' };
    },
  });
  return { model, log, clock: { now: () => wall, cpu: () => cpu } };
}

describe('measureLatency', () => {
  it('warms up untimed, then calls the models in turn (ABBA) on the same repeated rows, each in its own column order', async () => {
    const { model, log, clock } = scripted(new Map());
    const sample = new TimingSample(5, 2);
    // Two rows read: the sample repeats them to fill its five.
    sample.add([Float64Array.of(1, 2), Float64Array.of(10, 20)], 2);
    const times = await measureLatency(
      [model('a'), model('b')],
      sample,
      { warmUpCalls: 2, minCalls: 3, maxCalls: 3, budgetMs: 0 },
      clock,
    );
    expect(log).toEqual([
      'a:5x2:10',
      'b:5x2:10',
      'a:5x2:10',
      'b:5x2:10',
      'a:5x2:10',
      'b:5x2:10',
      'b:5x2:10',
      'a:5x2:10',
      'a:5x2:10',
      'b:5x2:10',
    ]);
    expect(times!.models.map((t) => t.batchMs)).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(times!.models[0]!.batchRows).toEqual([5, 5, 5]);
    expect(times!.retimedRounds).toBe(0);
  });

  it('times a round again when the process was off the CPU during one of its calls', async () => {
    // Call 4 (the first timed round's first call, after 2 warm-up rounds of 2 models) lost 3 ms to another process.
    const { model, clock } = scripted(new Map([[4, 3]]));
    const sample = new TimingSample(1, 2);
    sample.add([Float64Array.of(1), Float64Array.of(2)], 1);
    const times = await measureLatency(
      [model('a'), model('b')],
      sample,
      { warmUpCalls: 2, minCalls: 2, maxCalls: 2, budgetMs: 100 },
      clock,
    );
    expect(times!.models.map((t) => t.batchMs)).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(times!.retimedRounds).toBe(1);
    // Once the budget is spent, a preempted round is kept: a slow model on a busy machine would never finish.
    const late = scripted(new Map([[4, 3]]));
    const kept = await measureLatency(
      [late.model('a'), late.model('b')],
      sample,
      { warmUpCalls: 2, minCalls: 2, maxCalls: 2, budgetMs: 0 },
      late.clock,
    );
    expect(kept!.models[0]!.batchMs).toEqual([4, 1]);
    expect(kept!.retimedRounds).toBe(0);
  });

  it('goes on past minCalls until the budget is spent, and gives nothing when no row was read', async () => {
    const { model, clock } = scripted(new Map());
    const sample = new TimingSample(1, 2);
    sample.add([Float64Array.of(1), Float64Array.of(2)], 1);
    const times = await measureLatency(
      [model('a')],
      sample,
      { warmUpCalls: 0, minCalls: 2, maxCalls: 100, budgetMs: 10 },
      clock,
    );
    expect(times!.models[0]!.batchMs).toHaveLength(10);
    expect(
      await measureLatency(
        [model('a')],
        new TimingSample(4, 2),
        { warmUpCalls: 0, minCalls: 2, maxCalls: 2, budgetMs: 0 },
        clock,
      ),
    ).toBeUndefined();
  });
});
