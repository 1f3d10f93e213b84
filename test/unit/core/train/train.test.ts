import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeGpuUsage } from '../../../../src/core/train/gpu-usage.js';
import { parseCudaVersion, parseGpuQuery, parseGpuSample } from '../../../../src/core/train/nvidia-smi.js';
import { checkPreflight, type GpuProbe } from '../../../../src/core/train/preflight.js';
import { flattenTrainingMetrics } from '../../../../src/core/train/training-metrics.js';
import { ROOT } from '../../../support/run-action.js';

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'nvidia-smi', name), 'utf8');

describe('nvidia-smi answers', () => {
  it('reads the recorded H100', () => {
    expect(parseGpuQuery(fixture('h100/query.txt'))).toEqual([
      {
        name: 'NVIDIA H100 80GB HBM3',
        memory_total_mib: 81559,
        memory_free_mib: 81079,
        driver_version: '580.159.04',
        utilization_percent: 0,
      },
    ]);
    expect(parseCudaVersion(fixture('h100/banner.txt'))).toBe('13.0');
  });
  it('reads fields nvidia-smi cannot measure (a MIG slice) as NaN', () => {
    const [gpu] = parseGpuQuery('NVIDIA A100-SXM4-40GB MIG 1g.5gb, 4864, 4800, 535.104.05, [N/A]\n');
    expect(gpu!.utilization_percent).toBeNaN();
    expect(parseGpuSample('[Not Supported], 1200\n')[0]!.memory).toBe(1200);
  });
  it('refuses a line it cannot read', () => {
    expect(() => parseGpuQuery('No devices were found')).toThrow(/^unexpected nvidia-smi line: No devices were found/);
  });
});

describe('preflight', () => {
  const h100: GpuProbe = { found: true, devices: parseGpuQuery(fixture('h100/query.txt')), cudaVersion: '13.0' };
  it.each([
    ['a present GPU', h100, 'true', 40, true],
    ['too little free memory', h100, 'true', 80, false],
    ['no GPU when required', { found: false, problem: 'nvidia-smi is not on PATH' }, 'true', 0, false],
    ['no GPU with auto', { found: false, problem: 'nvidia-smi is not on PATH' }, 'auto', 0, true],
    ['an empty list when required', { found: true, devices: [], cudaVersion: null }, 'true', 0, false],
  ] as [string, GpuProbe, 'true' | 'auto', number, boolean][])('%s', (_, probe, require, minMemoryGiB, ok) => {
    expect(checkPreflight(probe, { require, minMemoryGiB }).ok).toBe(ok);
  });
});

describe('GPU usage over a run', () => {
  it('averages utilisation over GPUs, sums their memory, and thins the series for the chart', () => {
    const samples = Array.from({ length: 300 }, (_, i) => ({
      seconds: i * 5,
      utilization: [i % 2 === 0 ? 100 : 50, 0],
      memory: [1000, 500],
    }));
    const usage = summarizeGpuUsage(samples, 100)!;
    expect(usage.utilization_percent).toEqual({ mean: 37.5, max: 50 });
    expect(usage.memory_used_mib).toEqual({ mean: 1500, max: 1500 });
    expect(usage.samples).toHaveLength(100);
    expect(usage.samples[1]!.seconds).toBe(15);
  });
  it('has nothing to say without readings', () => {
    expect(summarizeGpuUsage([])).toBeUndefined();
  });
});

describe('the metrics file', () => {
  it('keeps numbers, one level of nesting, and lists what it left out', () => {
    expect(
      flattenTrainingMetrics({ loss: 0.1, val: { acc: 0.9, deep: { x: 1 } }, name: 'run', nan: Number.NaN }),
    ).toEqual({ metrics: { loss: 0.1, 'val.acc': 0.9, nan: null }, ignored: ['val.deep', 'name'] });
  });

  it("keeps metrics named like Object.prototype's properties, __proto__ included", () => {
    const { metrics } = flattenTrainingMetrics(
      JSON.parse('{"__proto__": 0.5, "constructor": 1, "toString": {"x": 2}}'),
    );
    expect(Object.entries(metrics)).toEqual([
      ['__proto__', 0.5],
      ['constructor', 1],
      ['toString.x', 2],
    ]);
    expect(JSON.stringify(metrics)).toBe('{"__proto__":0.5,"constructor":1,"toString.x":2}');
  });
});
