/**
 * The weather example's trainer: predicts the day's weather (drizzle, fog, rain, snow, sun) from precipitation,
 * temperatures and wind with a small neural network trained by full-batch Adam, and exports it as ONNX with
 * mlgate's writer (its features and classes in the model's metadata). No dependencies, no GPU: a stand-in for a
 * team's own training script, run by `mlgate train` in the demo.
 *
 *   node dist/example-weather/train.js --data train.csv --model model.onnx --metrics metrics.json [--hidden 16]
 *     [--epochs 400] [--seed 1]
 *
 * --hidden 0 trains a linear (softmax regression) model.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDenseModel, type DenseLayer } from '../../src/io/onnx/model-writer.js';
import { seededRandom as random } from '../../src/core/data/seeded-random.js';

const FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'];
const LABEL = 'weather';

interface Table {
  x: Float64Array[];
  y: Int32Array;
  classes: string[];
}

function readTable(path: string): Table {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = header!.split(',');
  const columns = FEATURES.map((f) => names.indexOf(f));
  const label = names.indexOf(LABEL);
  if (columns.includes(-1) || label < 0) throw new Error(`${path}: needs the columns ${[...FEATURES, LABEL].join(', ')}`);
  const rows = lines.map((line) => line.split(','));
  const classes = [...new Set(rows.map((r) => r[label]!))].sort();
  return { x: rows.map((r) => Float64Array.from(columns, (c) => Number(r[c]))), y: Int32Array.from(rows, (r) => classes.indexOf(r[label]!)), classes };
}


/** A dense layer's parameters and Adam's moment estimates for them. */
class Layer {
  readonly w: Float64Array;
  readonly b: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  constructor(
    readonly inputs: number,
    readonly outputs: number,
    readonly relu: boolean,
    next: () => number,
  ) {
    const scale = Math.sqrt(2 / inputs);
    this.w = Float64Array.from({ length: inputs * outputs }, () => (next() * 2 - 1) * scale);
    this.b = new Float64Array(outputs);
    this.m = new Float64Array(this.w.length + outputs);
    this.v = new Float64Array(this.w.length + outputs);
  }

  forward(input: ArrayLike<number>): Float64Array {
    const out = Float64Array.from(this.b);
    for (let i = 0; i < this.inputs; i++) for (let o = 0; o < this.outputs; o++) out[o]! += input[i]! * this.w[i * this.outputs + o]!;
    if (this.relu) for (let o = 0; o < this.outputs; o++) out[o] = Math.max(0, out[o]!);
    return out;
  }

  /** One Adam step (learning rate 0.01) from the summed gradients. */
  step(gradW: Float64Array, gradB: Float64Array, t: number, rows: number): void {
    const rate = 0.01;
    const all = [...gradW, ...gradB];
    for (let i = 0; i < all.length; i++) {
      const g = all[i]! / rows;
      this.m[i] = 0.9 * this.m[i]! + 0.1 * g;
      this.v[i] = 0.999 * this.v[i]! + 0.001 * g * g;
      const update = (rate * (this.m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(this.v[i]! / (1 - 0.999 ** t)) + 1e-8);
      if (i < this.w.length) this.w[i]! -= update;
      else this.b[i - this.w.length]! -= update;
    }
  }
}

function softmax(values: Float64Array): Float64Array {
  const max = Math.max(...values);
  const e = values.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function train(table: Table, hidden: number, epochs: number, seed: number) {
  const next = random(seed);
  const k = table.classes.length;
  const mean = FEATURES.map((_, f) => table.x.reduce((s, row) => s + row[f]!, 0) / table.x.length);
  const std = FEATURES.map((_, f) => Math.sqrt(table.x.reduce((s, row) => s + (row[f]! - mean[f]!) ** 2, 0) / table.x.length) || 1);
  const inputs = table.x.map((row) => row.map((v, f) => (v - mean[f]!) / std[f]!));
  const layers = hidden > 0 ? [new Layer(FEATURES.length, hidden, true, next), new Layer(hidden, k, false, next)] : [new Layer(FEATURES.length, k, false, next)];
  let loss = 0;
  let correct = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const grads = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
    loss = 0;
    correct = 0;
    inputs.forEach((input, r) => {
      const activations: Float64Array[] = [Float64Array.from(input)];
      for (const layer of layers) activations.push(layer.forward(activations.at(-1)!));
      const p = softmax(activations.at(-1)!);
      const y = table.y[r]!;
      loss -= Math.log(Math.max(p[y]!, 1e-12));
      if (p.indexOf(Math.max(...p)) === y) correct++;
      // Backpropagation of the cross-entropy through softmax, then each layer.
      let delta = p.map((v, c) => v - (c === y ? 1 : 0));
      for (let l = layers.length - 1; l >= 0; l--) {
        const layer = layers[l]!;
        const input = activations[l]!;
        for (let i = 0; i < layer.inputs; i++) for (let o = 0; o < layer.outputs; o++) grads[l]!.w[i * layer.outputs + o]! += input[i]! * delta[o]!;
        for (let o = 0; o < layer.outputs; o++) grads[l]!.b[o]! += delta[o]!;
        if (l > 0) {
          const below = new Float64Array(layer.inputs);
          for (let i = 0; i < layer.inputs; i++) {
            let sum = 0;
            for (let o = 0; o < layer.outputs; o++) sum += layer.w[i * layer.outputs + o]! * delta[o]!;
            below[i] = input[i]! > 0 ? sum : 0;
          }
          delta = below;
        }
      }
    });
    layers.forEach((layer, l) => layer.step(grads[l]!.w, grads[l]!.b, epoch, inputs.length));
    if (epoch % 100 === 0 || epoch === epochs) console.log(`epoch ${epoch}: loss ${(loss / inputs.length).toFixed(4)} accuracy ${(correct / inputs.length).toFixed(4)}`);
  }
  const dense: DenseLayer[] = layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, weights: Float32Array.from(l.w), bias: Float32Array.from(l.b), activation: l.relu ? 'relu' : 'none' }));
  const model = writeDenseModel({
    features: FEATURES,
    classes: table.classes,
    layers: dense,
    output: 'softmax',
    normalize: { mean: Float32Array.from(mean), scale: Float32Array.from(std, (s) => 1 / s) },
    metadata: { 'mlgate.trainer': `examples/weather/train.ts hidden=${hidden} epochs=${epochs} seed=${seed}` },
  });
  return { model, metrics: { train_loss: loss / inputs.length, train_accuracy: correct / inputs.length, epochs, hidden } };
}

const { values } = parseArgs({ options: { data: { type: 'string' }, model: { type: 'string' }, metrics: { type: 'string' }, hidden: { type: 'string', default: '16' }, epochs: { type: 'string', default: '400' }, seed: { type: 'string', default: '1' } } });
if (!values.data || !values.model) {
  console.error('usage: train.js --data train.csv --model model.onnx [--metrics metrics.json] [--hidden 16] [--epochs 400] [--seed 1]');
  process.exit(2);
}
const table = readTable(values.data);
console.log(`training on ${table.x.length} days, classes ${table.classes.join(', ')}, hidden ${values.hidden}`);
const result = train(table, Number(values.hidden), Number(values.epochs), Number(values.seed));
mkdirSync(dirname(values.model), { recursive: true });
writeFileSync(values.model, result.model);
if (values.metrics) writeFileSync(values.metrics, `${JSON.stringify(result.metrics, null, 2)}\n`);
console.log(`wrote ${values.model}`);
