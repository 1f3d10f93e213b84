import { execFile } from 'node:child_process';
import {
  GPU_QUERY_ARGS,
  GPU_SAMPLE_ARGS,
  parseCudaVersion,
  parseGpuQuery,
  parseGpuSample,
} from '../../core/train/nvidia-smi.js';
import type { GpuSample } from '../../core/train/gpu-usage.js';
import type { GpuProbe } from '../../core/train/preflight.js';

/** Runs nvidia-smi (found on PATH) and returns its output, or why it could not. */
function nvidiaSmi(
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<{ ok: true; stdout: string } | { ok: false; problem: string }> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        return resolve({ ok: false, problem: 'nvidia-smi is not on PATH (no NVIDIA driver on this runner)' });
      const said =
        `${stdout}\n${stderr}`
          .split('\n')
          .map((l) => l.trim())
          .find((l) => l !== '') ?? error.message;
      const hint = /version mismatch/i.test(said)
        ? ' (the kernel driver and the NVIDIA libraries differ: reboot the runner or reinstall the driver)'
        : '';
      resolve({ ok: false, problem: `nvidia-smi failed: ${said}${hint}` });
    });
  });
}

/** The runner's GPUs and CUDA version, as nvidia-smi reports them. */
export async function probeGpu(): Promise<GpuProbe> {
  const query = await nvidiaSmi(GPU_QUERY_ARGS);
  if (!query.ok) return { found: false, problem: query.problem };
  let devices;
  try {
    devices = parseGpuQuery(query.stdout);
  } catch (error) {
    return { found: false, problem: `nvidia-smi gave an answer mlgate cannot read (${(error as Error).message})` };
  }
  const banner = await nvidiaSmi([]);
  return { found: true, devices, cudaVersion: banner.ok ? parseCudaVersion(banner.stdout) : null };
}

/** Samples GPU utilisation and memory every `intervalMs` while the training command runs. */
export class GpuSampler {
  readonly samples: GpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> | undefined;
  private readonly started = Date.now();

  start(intervalMs: number): void {
    const take = () => {
      // A reading still in flight (nvidia-smi can be slow on a busy GPU) is not doubled up.
      if (this.pending) return;
      this.pending = nvidiaSmi(GPU_SAMPLE_ARGS, Math.max(intervalMs, 5000)).then((result) => {
        this.pending = undefined;
        if (!result.ok) return;
        const readings = parseGpuSample(result.stdout);
        this.samples.push({
          seconds: (Date.now() - this.started) / 1000,
          utilization: readings.map((r) => r.utilization),
          memory: readings.map((r) => r.memory),
        });
      });
    };
    take();
    this.timer = setInterval(take, intervalMs);
  }

  async stop(): Promise<GpuSample[]> {
    clearInterval(this.timer);
    await this.pending;
    return this.samples;
  }
}
