import { latencyQuantile } from '../../core/evaluate/cost-metrics.js';
import type { ScoringTimes } from '../../io/onnx/batch-scorer.js';
import { DEFAULT_LATENCY, measureLatency, type TimingSample } from '../../io/onnx/measure-latency.js';
import type { ActionEnvironment } from '../runtime/host.js';
import type { OpenedModel } from './models.js';

/**
 * Each model's latency, timed on the first rows of the data once the scoring is done (see measureLatency), and a
 * line in the log saying how; undefined when no row was read.
 */
export async function timeModels(
  env: ActionEnvironment,
  models: readonly OpenedModel[],
  features: readonly string[],
  sample: TimingSample,
): Promise<ScoringTimes[] | undefined> {
  const began = Date.now();
  const measured = await measureLatency(
    models.map((m) => ({ run: m.model.run, columns: m.features.map((f) => features.indexOf(f)) })),
    sample,
    DEFAULT_LATENCY,
  );
  if (!measured) return undefined;
  const times = measured.models;
  const fmt = (ms: number) => Number(ms.toPrecision(3)).toString();
  const described = times.map((t, i) => {
    const sorted = Float64Array.from(t.batchMs).sort();
    return `${i === 0 ? 'candidate' : 'baseline'} p50 ${fmt(latencyQuantile(sorted, 0.5)!)} ms, p95 ${fmt(latencyQuantile(sorted, 0.95)!)} ms`;
  });
  env.host.info(
    `Latency (measured in ${((Date.now() - began) / 1000).toFixed(2)} s): ${times[0]!.batchMs.length} timed calls of ${sample.rows} rows per model after ${DEFAULT_LATENCY.warmUpCalls} warm-up calls, the models in turn${measured.retimedRounds > 0 ? ` (${measured.retimedRounds} rounds timed again: the process was off the CPU)` : ''}; ${described.join('; ')}`,
  );
  return times;
}
