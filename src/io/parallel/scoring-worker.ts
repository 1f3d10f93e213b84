import { parentPort, workerData } from 'node:worker_threads';
import { BatchScorer } from '../onnx/batch-scorer.js';
import { requireOnnxruntime } from '../onnx/load-onnxruntime.js';
import { createSession, runner } from '../onnx/onnx-model.js';
import type { ScoringMessage, ScoringReply, ScoringRequest } from './background-scoring.js';
import { rankAll } from './background-ranking.js';
import { takePart } from './shared-bootstrap.js';
import { toWorkerError } from './worker-script.js';

/**
 * Worker entry: opens the models in onnxruntime (one intra-op thread each: the reading thread keeps its core) and
 * scores the rows sent to it in order, acknowledging each batch; on `end`, the rest, and posts every model's outputs;
 * on `rank`, the models' rank metrics and its part of the bootstrap (the calling thread ends it with terminate).
 */
const request = workerData as ScoringRequest;
const port = parentPort!;
const reply = (message: ScoringReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
let failed = false;
const fail = (error: unknown) => {
  if (failed) return;
  failed = true;
  reply({ error: toWorkerError(error) });
  port.close();
};

const scorer: Promise<BatchScorer> = (async () => {
  const ort = requireOnnxruntime(request.onnxruntime, request.onnxruntime);
  const targets = await Promise.all(
    request.models.map(async (m) => {
      const session = await createSession(ort, m.path, 1);
      return { name: m.name, outputName: m.outputName, columns: m.columns, predict: m.predict, run: runner(ort, session, { name: m.name, inputName: session.inputNames[0]!, outputName: m.outputName, width: undefined }) };
    }),
  );
  return new BatchScorer(targets, request.width, request.batchSize, request.sumRows);
})();
scorer.catch(fail);

// Messages are handled one after another: each waits for the scoring of the one before.
let queue: Promise<unknown> = scorer;
port.on('message', (message: ScoringMessage) => {
  queue = queue
    .then(async () => {
      if (failed) return;
      if ('rank' in message) {
        // The keys split as the rows were scored, when the caller found the truth they were split by to be its own.
        const streamed = message.rank.streamed ? (await scorer).rankStreamed() : undefined;
        const ranked = streamed ?? rankAll(message.rank);
        if (message.rank.bootstrap) takePart(message.rank.bootstrap);
        reply({ ranked });
        return;
      }
      const scoring = await scorer;
      if ('end' in message) {
        const done = await scoring.finish();
        // The outputs move; the streamed probabilities are shared memory, which both threads see.
        const moved = done.models.flatMap((d) => [d.output.data.buffer, ...(d.predictions ? [d.predictions.predicted.buffer] : [])]);
        reply({ done }, [...moved, ...(done.summed ? [done.summed.truth.buffer] : [])] as ArrayBuffer[]);
        return;
      }
      await scoring.addRows(message.block, message.rows, message.facts);
      // The batch's memory goes back, for the next batches.
      const used = [message.block, ...(message.facts ? [message.facts.labels!, message.facts.buckets] : [])].map((a) => a.buffer as ArrayBuffer);
      reply({ ack: used }, used);
    })
    .catch(fail);
});
