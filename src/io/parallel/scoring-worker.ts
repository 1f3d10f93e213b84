import { createHash, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { BatchScorer } from '../onnx/batch-scorer.js';
import { requireOnnxruntime } from '../onnx/load-onnxruntime.js';
import { createSession, preparedModelBytes, runner } from '../onnx/onnx-model.js';
import type { ScoringMessage, ScoringReply, ScoringRequest } from './background-scoring.js';
import { takeRequestPart } from './background-ranking.js';
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
      const session = await createSession(ort, await preparedModelBytes(m.path), 1);
      return {
        name: m.name,
        outputName: m.outputName,
        columns: m.columns,
        predict: m.predict,
        run: runner(ort, session, {
          name: m.name,
          outputName: m.outputName,
          width: undefined,
          layout: m.layout,
          inputs: m.inputs,
          fixedBatch: m.fixedBatch,
        }),
      };
    }),
  );
  return new BatchScorer(targets, request.width, request.batchSize, request.sumRows);
})();
scorer.catch(fail);

/** The SHA-256s fed to this thread, by number (see BackgroundScoring.hasher). */
const hashes = new Map<number, Hash>();

// Messages are handled one after another: each waits for the scoring of the one before.
let queue: Promise<unknown> = scorer;
port.on('message', (message: ScoringMessage) => {
  queue = queue
    .then(async () => {
      if (failed) return;
      if ('hash' in message) {
        let hash = hashes.get(message.hash);
        if (!hash) hashes.set(message.hash, (hash = createHash('sha256')));
        hash.update(message.chunk);
        reply({ returned: message.chunk.buffer as ArrayBuffer }, [message.chunk.buffer as ArrayBuffer]);
        return;
      }
      if ('digest' in message) {
        reply({
          digest: { hash: message.digest, hex: (hashes.get(message.digest) ?? createHash('sha256')).digest('hex') },
        });
        hashes.delete(message.digest);
        return;
      }
      if ('rank' in message) {
        reply({ ranked: takeRequestPart(message.rank) });
        return;
      }
      const scoring = await scorer;
      if ('end' in message) {
        const done = await scoring.finish();
        // The outputs move; the streamed probabilities are shared memory, which both threads see.
        const moved = done.models.flatMap((d) => [
          d.output.data.buffer,
          ...(d.predictions ? [d.predictions.predicted.buffer] : []),
        ]);
        reply({ done }, [...moved, ...(done.summed ? [done.summed.truth.buffer] : [])] as ArrayBuffer[]);
        return;
      }
      await scoring.addRows(message.block, message.rows, message.facts);
      // The batch's memory goes back, for the next batches.
      const used = [message.block, ...(message.facts ? [message.facts.labels!, message.facts.buckets] : [])].map(
        (a) => a.buffer as ArrayBuffer,
      );
      reply({ ack: used }, used);
    })
    .catch(fail);
});
