/** One reading of every GPU, `seconds` after the command started. */
export interface GpuSample {
  seconds: number;
  /** Per GPU. */
  utilization: number[];
  memory: number[];
}

export interface GpuUsage {
  utilization_percent: { mean: number; max: number };
  memory_used_mib: { mean: number; max: number };
  /** At most `limit` points for the chart: utilisation and memory averaged over the GPUs. */
  samples: { seconds: number; utilization_percent: number; memory_used_mib: number }[];
}

/**
 * Mean and maximum GPU utilisation and memory over the run (per reading, averaged over the GPUs for utilisation
 * and summed for memory), and the readings thinned to `limit` evenly spaced points for a chart.
 */
export function summarizeGpuUsage(samples: readonly GpuSample[], limit = 120): GpuUsage | undefined {
  const points = samples
    .map((s) => ({
      seconds: s.seconds,
      utilization_percent: mean(s.utilization.filter((v) => !Number.isNaN(v))),
      memory_used_mib: s.memory.filter((v) => !Number.isNaN(v)).reduce((a, b) => a + b, 0),
    }))
    .filter((p) => !Number.isNaN(p.utilization_percent));
  if (points.length === 0) return undefined;
  const step = Math.max(1, Math.ceil(points.length / limit));
  return {
    utilization_percent: {
      mean: round(mean(points.map((p) => p.utilization_percent))),
      max: round(largest(points.map((p) => p.utilization_percent))),
    },
    memory_used_mib: {
      mean: round(mean(points.map((p) => p.memory_used_mib))),
      max: round(largest(points.map((p) => p.memory_used_mib))),
    },
    samples: points
      .filter((_, i) => i % step === 0)
      .map((p) => ({
        seconds: round(p.seconds),
        utilization_percent: round(p.utilization_percent),
        memory_used_mib: round(p.memory_used_mib),
      })),
  };
}

/** The largest value, without spreading a long run's readings into arguments (which overflows the stack). */
function largest(values: readonly number[]): number {
  return values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
