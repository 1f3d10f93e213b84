import type { GpuDevice } from './nvidia-smi.js';

/** What the runner's GPU probe found: the GPUs, or why nvidia-smi could not list them. */
export type GpuProbe =
  | { found: true; devices: GpuDevice[]; cudaVersion: string | null }
  | { found: false; problem: string };

export interface GpuRequirement {
  /** true: fail without a GPU; false: do not look; auto: use one when present. */
  require: 'true' | 'false' | 'auto';
  /** The free memory one GPU must have, in GiB (0: any). */
  minMemoryGiB: number;
}

export type PreflightResult =
  | { ok: true; gpu: Extract<GpuProbe, { found: true }> | null; note?: string }
  | { ok: false; reason: string };

/**
 * Decides before anything runs whether this runner can train: a required GPU must be present, its driver working,
 * and one GPU must have the free memory asked for. With `auto` a missing or broken GPU is a note, not a failure.
 */
export function checkPreflight(probe: GpuProbe, requirement: GpuRequirement): PreflightResult {
  if (requirement.require === 'false') return { ok: true, gpu: null };
  if (!probe.found) {
    if (requirement.require === 'auto')
      return { ok: true, gpu: null, note: `no usable GPU (${probe.problem}); training on the CPU` };
    return {
      ok: false,
      reason: `require-gpu is true but ${probe.problem}; run this job on a GPU runner (runs-on: [self-hosted, linux, gpu]) or set require-gpu: auto`,
    };
  }
  if (probe.devices.length === 0) {
    if (requirement.require === 'auto')
      return { ok: true, gpu: null, note: 'nvidia-smi lists no GPU; training on the CPU' };
    return {
      ok: false,
      reason:
        "require-gpu is true but nvidia-smi lists no GPU; check the runner's device plugin or container runtime (--gpus all)",
    };
  }
  const neededMiB = requirement.minMemoryGiB * 1024;
  if (neededMiB > 0) {
    const best = Math.max(
      ...probe.devices.map((d) => (Number.isNaN(d.memory_free_mib) ? d.memory_total_mib : d.memory_free_mib)),
    );
    if (!(best >= neededMiB)) {
      const list = probe.devices
        .map((d) => `${d.name} ${gib(d.memory_free_mib)} GiB free of ${gib(d.memory_total_mib)}`)
        .join(', ');
      return {
        ok: false,
        reason: `min-gpu-memory is ${requirement.minMemoryGiB} GiB but the largest free GPU memory here is ${gib(best)} GiB (${list}); use a larger GPU or lower min-gpu-memory`,
      };
    }
  }
  return { ok: true, gpu: probe };
}

function gib(mib: number): string {
  return Number.isNaN(mib) ? '?' : (mib / 1024).toFixed(1);
}
