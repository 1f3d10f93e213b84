// The evaluate workload's own measurements, bundled by bench/evaluate.mjs with esbuild: it writes the models and
// the data once, then times (1) the floor: reading the CSV with mlgate's reader and two raw onnxruntime passes, and
// (2) the metrics alone (both models, then the 1,000-replicate bootstrap) on the same predictions, which it also
// writes for bench/metrics_sklearn.py.
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { compareModels, exactMetrics } from '../src/core/evaluate/compare-models.js';
import { readPredictions } from '../src/core/evaluate/model-output.js';
import { BOOTSTRAP_BUCKETS } from '../src/core/evaluate/poisson-bootstrap.js';
import { writeDenseModel, type DenseLayer } from '../src/io/onnx/model-writer.js';
import { readEvaluationData } from '../src/io/read-evaluation-data.js';
import { resolveDataFiles } from '../src/io/readers/dataset.js';
import { resized } from '../src/core/data/typed-arrays.js';
import { seededRandom as random } from '../src/core/data/seeded-random.js';

const FEATURES = Array.from({ length: 20 }, (_, i) => `f${i}`);

function layer(next: () => number, inputs: number, outputs: number, activation: DenseLayer['activation']): DenseLayer {
  const scale = Math.sqrt(2 / inputs);
  return {
    inputs,
    outputs,
    activation,
    weights: Float32Array.from({ length: inputs * outputs }, () => (next() * 2 - 1) * scale),
    bias: new Float32Array(outputs),
  };
}

/** An MLP 20-64-64-3 with seeded weights (softmax output). */
function mlp(seed: number): Uint8Array {
  const next = random(seed);
  return writeDenseModel({
    features: FEATURES,
    classes: ['0', '1', '2'],
    layers: [layer(next, 20, 64, 'relu'), layer(next, 64, 64, 'relu'), layer(next, 64, 3, 'none')],
    output: 'softmax',
  });
}

/** A region-like text column, not a feature: eight values of unequal size, for the weak-slice search to cut by. */
const REGIONS = ['north', 'north-east', 'east', 'south-east', 'south', 'south-west', 'west', 'north-west'];
const REGION_WEIGHTS = [0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03];

/** 1,000,000 rows x 20 features (4 decimals), a 3-class label that depends on the features, and a region. */
async function writeData(path: string, rows: number): Promise<void> {
  const next = random(11);
  // Its own stream, so that the features and labels are those of the data before the region was added.
  const nextRegion = random(23);
  const out = createWriteStream(path);
  let text = `${FEATURES.join(',')},label,region\n`;
  for (let r = 0; r < rows; r++) {
    const values = FEATURES.map(() => Math.round((next() * 4 - 2) * 10000) / 10000);
    const score = values[0]! + values[1]! - values[2]! + (next() - 0.5);
    let u = nextRegion();
    let region = 0;
    while (region < REGIONS.length - 1 && u >= REGION_WEIGHTS[region]!) u -= REGION_WEIGHTS[region++]!;
    text += `${values.join(',')},${score < -0.5 ? 0 : score < 0.5 ? 1 : 2},${REGIONS[region]}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise<void>((done) => out.once('drain', () => done()));
      text = '';
    }
  }
  out.end(text);
  await new Promise<void>((done) => out.once('finish', () => done()));
}

export async function prepare(folder: string, rows: number): Promise<void> {
  mkdirSync(folder, { recursive: true });
  if (!existsSync(join(folder, 'candidate.onnx'))) writeFileSync(join(folder, 'candidate.onnx'), mlp(1));
  if (!existsSync(join(folder, 'baseline.onnx'))) writeFileSync(join(folder, 'baseline.onnx'), mlp(2));
  const csv = join(folder, 'eval-1m.csv');
  // Data written before the region column was added is written again.
  if (!existsSync(csv) || !firstLine(csv).endsWith(',region')) await writeData(csv, rows);
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(1024);
  const read = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  return head.subarray(0, read).toString('utf8').split('\n')[0]!;
}

/** The CSV read with mlgate's reader into a float32 matrix, row by row (what onnxruntime takes). */
async function readMatrix(folder: string) {
  const files = await resolveDataFiles([join(folder, 'eval-1m.csv')], folder, 'auto', 'data');
  let matrix = new Float32Array(1024 * 20);
  let filled = 0;
  const data = await readEvaluationData(files, {
    features: FEATURES,
    onFeatures: (columns, rows) => {
      if ((filled + rows) * 20 > matrix.length)
        matrix = resized(matrix, Math.max(matrix.length * 2, (filled + rows) * 20));
      columns.forEach((column, f) => {
        for (let r = 0; r < rows; r++) matrix[(filled + r) * 20 + f] = column[r]!;
      });
      filled += rows;
    },
    label: 'label',
    sliceColumns: [],
    bucketCount: BOOTSTRAP_BUCKETS,
  });
  return { ...data, matrix };
}

/** Seconds to read the CSV with mlgate's reader plus two raw onnxruntime passes, one after the other (the floor of any evaluate). */
export async function floor(folder: string): Promise<{ readSeconds: number; inferSeconds: number }> {
  const start = performance.now();
  const data = await readMatrix(folder);
  const read = performance.now();
  for (const model of ['candidate.onnx', 'baseline.onnx']) {
    const session = await ort.InferenceSession.create(join(folder, model));
    for (let s = 0; s < data.rows; s += 8192) {
      const count = Math.min(8192, data.rows - s);
      await session.run({
        input: new ort.Tensor('float32', data.matrix.subarray(s * 20, (s + count) * 20), [count, 20]),
      });
    }
    await session.release();
  }
  return { readSeconds: (read - start) / 1000, inferSeconds: (performance.now() - read) / 1000 };
}

/** Times the metrics of both models, then the whole comparison with the bootstrap; writes the predictions for scikit-learn. */
export async function metricsAlone(folder: string): Promise<{ exactSeconds: number; bootstrapSeconds: number }> {
  const data = await readMatrix(folder);
  const truth = Int32Array.from(data.label.numbers);
  const predictions = [];
  for (const model of ['candidate.onnx', 'baseline.onnx']) {
    const session = await ort.InferenceSession.create(join(folder, model));
    const out = new Float32Array(data.rows * 3);
    for (let s = 0; s < data.rows; s += 8192) {
      const count = Math.min(8192, data.rows - s);
      const result = await session.run({
        input: new ort.Tensor('float32', data.matrix.subarray(s * 20, (s + count) * 20), [count, 20]),
      });
      out.set(result.output!.data as Float32Array, s * 3);
    }
    await session.release();
    predictions.push(readPredictions({ data: out, width: 3, integer: false }, 'classification', 3, 'auto', String));
  }
  writeFileSync(join(folder, 'truth.i32'), new Uint8Array(truth.buffer));
  predictions.forEach(
    (p, i) =>
      p.task === 'classification' &&
      writeFileSync(join(folder, `probabilities-${i}.f64`), new Uint8Array(p.probabilities!.buffer)),
  );
  const start = performance.now();
  for (const p of predictions) exactMetrics(truth, p);
  const exact = performance.now();
  compareModels(truth, predictions[0]!, predictions[1]!, data.buckets, {
    replicates: 1000,
    seed: 1,
    bucketCount: BOOTSTRAP_BUCKETS,
  });
  return { exactSeconds: (exact - start) / 1000, bootstrapSeconds: (performance.now() - exact) / 1000 };
}

const [command, folder] = process.argv.slice(2);
if (command === 'prepare') await prepare(folder!, 1_000_000);
if (command === 'floor') console.log(JSON.stringify(await floor(folder!)));
if (command === 'metrics') console.log(JSON.stringify(await metricsAlone(folder!)));
