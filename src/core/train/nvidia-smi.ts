/** One GPU as `nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version,utilization.gpu` reports it. */
export interface GpuDevice {
  name: string;
  memory_total_mib: number;
  memory_free_mib: number;
  driver_version: string;
  utilization_percent: number;
}

/** The query the preflight runs; `--format=csv,noheader,nounits` gives one plain line per GPU. */
export const GPU_QUERY_ARGS = [
  '--query-gpu=name,memory.total,memory.free,driver_version,utilization.gpu',
  '--format=csv,noheader,nounits',
];
/** The query each sample runs. */
export const GPU_SAMPLE_ARGS = ['--query-gpu=utilization.gpu,memory.used', '--format=csv,noheader,nounits'];

/**
 * The GPUs in nvidia-smi's CSV answer. Fields nvidia-smi cannot read come as `[N/A]` or `[Not Supported]` and
 * become NaN (a MIG slice has no utilisation of its own); a line that is not five fields is an error.
 */
export function parseGpuQuery(text: string): GpuDevice[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const fields = line.split(',').map((f) => f.trim());
      if (fields.length !== 5) throw new Error(`unexpected nvidia-smi line: ${line}`);
      const [name, total, free, driver, utilization] = fields as [string, string, string, string, string];
      return {
        name,
        memory_total_mib: numberOf(total),
        memory_free_mib: numberOf(free),
        driver_version: driver,
        utilization_percent: numberOf(utilization),
      };
    });
}

/** The CUDA version in nvidia-smi's banner (`CUDA Version: 12.4`), if shown. */
export function parseCudaVersion(banner: string): string | null {
  return /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1] ?? null;
}

/** One sample per GPU: utilisation (%) and memory used (MiB). */
export function parseGpuSample(text: string): { utilization: number; memory: number }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [utilization = '', memory = ''] = line.split(',').map((f) => f.trim());
      return { utilization: numberOf(utilization), memory: numberOf(memory) };
    });
}

function numberOf(field: string): number {
  return /^-?\d+(\.\d+)?$/.test(field) ? Number(field) : Number.NaN;
}
