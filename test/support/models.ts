import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { seededRandom } from '../../src/core/data/seeded-random.js';
import { writeDenseModel, type DenseLayer, type DenseModelSpec } from '../../src/io/onnx/model-writer.js';

export { seededRandom };

/** A dense layer with seeded weights in [-scale, scale]. */
export function randomLayer(
  random: () => number,
  inputs: number,
  outputs: number,
  activation: DenseLayer['activation'],
  scale = 1,
): DenseLayer {
  return {
    inputs,
    outputs,
    activation,
    weights: Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * scale),
    bias: Float32Array.from({ length: outputs }, () => (random() * 2 - 1) * scale * 0.1),
  };
}

/** A linear classifier whose class c scores feature c highest: the "teacher" that labels the test data. */
export function teacherLayers(features: number, classes: number, noise = 0, random = seededRandom(7)): DenseLayer[] {
  const weights = new Float32Array(features * classes);
  for (let f = 0; f < features; f++)
    for (let c = 0; c < classes; c++)
      weights[f * classes + c] = (f % classes === c ? 3 : 0) + (random() * 2 - 1) * noise;
  return [{ inputs: features, outputs: classes, activation: 'none', weights, bias: new Float32Array(classes) }];
}

/** Writes a model file, creating its folder. */
export function writeModel(path: string, spec: DenseModelSpec): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, writeDenseModel(spec));
  return path;
}

/**
 * A classification dataset labelled by the teacher: features uniform in [-1, 1], the label the teacher's argmax,
 * flipped to a random class for `flip` of the rows. Written as CSV with columns f0..f(n-1), label.
 */
export function writeClassificationCsv(
  path: string,
  rows: number,
  features: number,
  classes: readonly string[],
  options: {
    seed?: number;
    flip?: number;
    extra?: (row: number, values: number[]) => Record<string, string | number>;
  } = {},
): string {
  const random = seededRandom(options.seed ?? 1);
  const k = classes.length;
  const lines: string[] = [];
  let header: string[] | undefined;
  for (let r = 0; r < rows; r++) {
    const values = Array.from({ length: features }, () => Math.round((random() * 2 - 1) * 1000) / 1000);
    const scores = Array.from({ length: k }, (_, c) => values.reduce((s, v, f) => s + (f % k === c ? 3 * v : 0), 0));
    let label = scores.indexOf(Math.max(...scores));
    if (random() < (options.flip ?? 0)) label = Math.floor(random() * k);
    const extra = options.extra?.(r, values) ?? {};
    header ??= [...values.map((_, f) => `f${f}`), 'label', ...Object.keys(extra)];
    lines.push([...values, classes[label], ...Object.values(extra)].join(','));
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${header!.join(',')}\n${lines.join('\n')}\n`);
  return path;
}

/** A small valid ONNX classifier (3 features, 2 classes) whose weights, and so whose bytes, depend on `seed`. */
export function tinyModel(seed = 1): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(
    writeDenseModel({
      features: ['f0', 'f1', 'f2'],
      classes: ['no', 'yes'],
      output: 'softmax',
      layers: [randomLayer(random, 3, 2, 'none')],
    }),
  );
}
