import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeGraphModel, type AttributeSpec, type NodeSpec, type ValueSpec } from '../../src/io/onnx/model-writer.js';
import { seededRandom, writeModel } from './models.js';

/**
 * A tree of depth 2 as test/fixtures/converters/make_fixtures.py writes it: 3 splits (x <= threshold: first child), 4
 * leaves.
 */
export interface FixtureTree {
  splits: { feature: number; threshold: number }[];
  leaves: number[][];
}

/** One converter case of test/fixtures/converters/fixtures.json. */
export interface ConverterCase {
  name: string;
  layout: 'skl2onnx-forest' | 'lightgbm' | 'xgboost' | 'skl2onnx-regressor';
  task: 'classification' | 'regression';
  classes?: (number | string)[];
  trees: FixtureTree[];
  base_values?: number[];
  rows: number[][];
  labels: (number | string)[];
  metrics: Record<string, number>;
}

/**
 * The nodes_* attributes of a tree ensemble for these trees (node ids 0-2 split, 3-6 leaves, per tree) and each
 * leaf's (tree, node id), in the order converters list them.
 */
function treeNodes(trees: readonly FixtureTree[]): {
  attributes: Record<string, AttributeSpec>;
  leaves: { tree: number; node: number; values: number[] }[];
} {
  const a = {
    treeids: [] as number[],
    nodeids: [] as number[],
    featureids: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    truenodeids: [] as number[],
    falsenodeids: [] as number[],
    hitrates: [] as number[],
    missing: [] as number[],
  };
  const leaves: { tree: number; node: number; values: number[] }[] = [];
  trees.forEach((tree, t) => {
    const children = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    for (let node = 0; node < 7; node++) {
      const split = node < 3 ? tree.splits[node]! : undefined;
      a.treeids.push(t);
      a.nodeids.push(node);
      a.featureids.push(split?.feature ?? 0);
      a.modes.push(split ? 'BRANCH_LEQ' : 'LEAF');
      a.values.push(split?.threshold ?? 0);
      a.truenodeids.push(split ? children[node]![0]! : 0);
      a.falsenodeids.push(split ? children[node]![1]! : 0);
      a.hitrates.push(1);
      a.missing.push(0);
      if (!split) leaves.push({ tree: t, node, values: tree.leaves[node - 3]! });
    }
  });
  return {
    leaves,
    attributes: {
      nodes_falsenodeids: { ints: a.falsenodeids },
      nodes_featureids: { ints: a.featureids },
      nodes_hitrates: { floats: a.hitrates },
      nodes_missing_value_tracks_true: { ints: a.missing },
      nodes_modes: { strings: a.modes },
      nodes_nodeids: { ints: a.nodeids },
      nodes_treeids: { ints: a.treeids },
      nodes_truenodeids: { ints: a.truenodeids },
      nodes_values: { floats: a.values },
    },
  };
}

function classLabels(classes: readonly (number | string)[]): Record<string, AttributeSpec> {
  return typeof classes[0] === 'string'
    ? { classlabels_strings: { strings: classes.map(String) } }
    : { classlabels_int64s: { ints: classes.map(Number) } };
}

/**
 * A case's model in its converter's layout, written with mlgate's writer:
 * - skl2onnx forest: input `float_input` [N, features]; TreeEnsembleClassifier (every leaf votes each class's
 *   share, post_transform NONE) → `label`, `probabilities`; Cast (int labels) or Identity (text labels) →
 *   `output_label`; ZipMap → `output_probability`, a sequence of maps.
 * - onnxmltools LightGBM / XGBoost: input `input`; TreeEnsembleClassifier (one value per leaf, class = tree mod k,
 *   LOGISTIC for binary with one class id, SOFTMAX beyond; XGBoost's base_values) → `label_tensor`,
 *   `probability_tensor`; Identity → `label`; ZipMap → `probabilities`.
 * - skl2onnx forest regressor: input `float_input`; TreeEnsembleRegressor (SUM of leaf values / trees) → `variable` [N, 1].
 */
export function writeConverterModel(c: ConverterCase, features: number): Uint8Array {
  const { attributes, leaves } = treeNodes(c.trees);
  const rowsDim = 'N';
  if (c.layout === 'skl2onnx-regressor') {
    return writeGraphModel({
      producerName: 'skl2onnx',
      inputs: [{ name: 'float_input', type: 'float', shape: [rowsDim, features] }],
      outputs: [{ name: 'variable', type: 'float', shape: [rowsDim, 1] }],
      nodes: [
        {
          opType: 'TreeEnsembleRegressor',
          domain: 'ai.onnx.ml',
          inputs: ['float_input'],
          outputs: ['variable'],
          attributes: {
            ...attributes,
            n_targets: { i: 1 },
            post_transform: { s: 'NONE' },
            aggregate_function: { s: 'SUM' },
            target_ids: { ints: leaves.map(() => 0) },
            target_nodeids: { ints: leaves.map((l) => l.node) },
            target_treeids: { ints: leaves.map((l) => l.tree) },
            target_weights: { floats: leaves.map((l) => l.values[0]!) },
          },
        },
      ],
    });
  }
  const classes = c.classes!;
  const k = classes.length;
  const text = typeof classes[0] === 'string';
  const labelType = text ? 'string' : 'int64';
  const votes =
    c.layout === 'skl2onnx-forest'
      ? leaves.flatMap((l) => l.values.map((w, cls) => ({ ...l, cls, w })))
      : leaves.map((l) => ({ ...l, cls: k === 2 ? 0 : l.tree % k, w: l.values[0]! }));
  const ensemble: Record<string, AttributeSpec> = {
    ...attributes,
    ...classLabels(classes),
    class_ids: { ints: votes.map((v) => v.cls) },
    class_nodeids: { ints: votes.map((v) => v.node) },
    class_treeids: { ints: votes.map((v) => v.tree) },
    class_weights: { floats: votes.map((v) => v.w) },
    post_transform: { s: c.layout === 'skl2onnx-forest' ? 'NONE' : k === 2 ? 'LOGISTIC' : 'SOFTMAX' },
    ...(c.base_values ? { base_values: { floats: c.base_values } } : {}),
  };
  const zipMap = (input: string, output: string): NodeSpec => ({
    opType: 'ZipMap',
    domain: 'ai.onnx.ml',
    inputs: [input],
    outputs: [output],
    attributes: classLabels(classes),
  });
  const mapOutput = (name: string): ValueSpec => ({ name, mapOf: { key: text ? 'string' : 'int64', value: 'float' } });
  if (c.layout === 'skl2onnx-forest') {
    return writeGraphModel({
      producerName: 'skl2onnx',
      inputs: [{ name: 'float_input', type: 'float', shape: [rowsDim, features] }],
      outputs: [{ name: 'output_label', type: labelType, shape: [rowsDim] }, mapOutput('output_probability')],
      nodes: [
        {
          opType: 'TreeEnsembleClassifier',
          domain: 'ai.onnx.ml',
          inputs: ['float_input'],
          outputs: ['label', 'probabilities'],
          attributes: ensemble,
        },
        text
          ? { opType: 'Identity', inputs: ['label'], outputs: ['output_label'] }
          : { opType: 'Cast', inputs: ['label'], outputs: ['output_label'], attributes: { to: { i: 7 } } },
        zipMap('probabilities', 'output_probability'),
      ],
    });
  }
  return writeGraphModel({
    producerName: 'OnnxMLTools',
    inputs: [{ name: 'input', type: 'float', shape: [rowsDim, features] }],
    outputs: [{ name: 'label', type: labelType, shape: [rowsDim] }, mapOutput('probabilities')],
    nodes: [
      {
        opType: 'TreeEnsembleClassifier',
        domain: 'ai.onnx.ml',
        inputs: ['input'],
        outputs: ['label_tensor', 'probability_tensor'],
        attributes: ensemble,
      },
      { opType: 'Identity', inputs: ['label_tensor'], outputs: ['label'] },
      zipMap('probability_tensor', 'probabilities'),
    ],
  });
}

/** The columns of the skl2onnx pipeline test model, with the element type and shape of each input. */
export const PIPELINE_COLUMNS = [
  { name: 'age', type: 'float', shape: ['N', 1] },
  { name: 'income', type: 'double', shape: ['N', 1] },
  { name: 'visits', type: 'int64', shape: ['N', 1] },
  { name: 'region', type: 'int32', shape: ['N', 1] },
  { name: 'member', type: 'bool', shape: ['N'] },
  { name: 'plan', type: 'string', shape: ['N', 1] },
] as const;

/** The plans of the `plan` column, in the order the pipeline's encoder numbers them. */
export const PIPELINE_PLANS = ['basic', 'plus', 'pro'];

/**
 * A scikit-learn pipeline as skl2onnx writes it for a data frame: one input per column, named as the column, in the
 * column's own type (float, double, int64, int32, bool [N], string); each cast to float (the string one through a
 * LabelEncoder, as an OrdinalEncoder converts), bool's [N] reshaped to [N, 1]; Concat; a LinearClassifier
 * (SOFTMAX) → `label`, `probabilities`; ZipMap → `output_probability`. `coefficients` are [classes × 6], row by row.
 */
export function writePipelineModel(coefficients: number[], intercepts: number[]): Uint8Array {
  const floats: string[] = [];
  const nodes: NodeSpec[] = [];
  for (const column of PIPELINE_COLUMNS) {
    const cast = `${column.name}_float`;
    if (column.type === 'string') {
      nodes.push({
        opType: 'LabelEncoder',
        domain: 'ai.onnx.ml',
        inputs: [column.name],
        outputs: [`${column.name}_code`],
        attributes: {
          keys_strings: { strings: PIPELINE_PLANS },
          values_int64s: { ints: PIPELINE_PLANS.map((_, i) => i) },
          default_int64: { i: -1 },
        },
      });
      nodes.push({ opType: 'Cast', inputs: [`${column.name}_code`], outputs: [cast], attributes: { to: { i: 1 } } });
    } else if (column.shape.length === 1) {
      nodes.push({
        opType: 'Cast',
        inputs: [column.name],
        outputs: [`${column.name}_flat`],
        attributes: { to: { i: 1 } },
      });
      nodes.push({ opType: 'Reshape', inputs: [`${column.name}_flat`, 'column_shape'], outputs: [cast] });
    } else {
      nodes.push({ opType: 'Cast', inputs: [column.name], outputs: [cast], attributes: { to: { i: 1 } } });
    }
    floats.push(cast);
  }
  const k = intercepts.length;
  nodes.push({ opType: 'Concat', inputs: floats, outputs: ['merged_columns'], attributes: { axis: { i: 1 } } });
  nodes.push({
    opType: 'LinearClassifier',
    domain: 'ai.onnx.ml',
    inputs: ['merged_columns'],
    outputs: ['label', 'probabilities'],
    attributes: {
      classlabels_ints: { ints: Array.from({ length: k }, (_, i) => i) },
      coefficients: { floats: coefficients },
      intercepts: { floats: intercepts },
      multi_class: { i: 1 },
      post_transform: { s: 'SOFTMAX' },
    },
  });
  nodes.push({
    opType: 'ZipMap',
    domain: 'ai.onnx.ml',
    inputs: ['probabilities'],
    outputs: ['output_probability'],
    attributes: { classlabels_int64s: { ints: Array.from({ length: k }, (_, i) => i) } },
  });
  return writeGraphModel({
    producerName: 'skl2onnx',
    inputs: PIPELINE_COLUMNS.map((c) => ({ name: c.name, type: c.type, shape: [...c.shape] })),
    outputs: [
      { name: 'label', type: 'int64', shape: ['N'] },
      { name: 'output_probability', mapOf: { key: 'int64', value: 'float' } },
    ],
    nodes,
    initializers: [{ name: 'column_shape', dims: [2], values: BigInt64Array.of(-1n, 1n) }],
  });
}

/**
 * A Keras dense softmax classifier as tf2onnx writes it: input `input_1` float [unk__6, features] (a named unknown
 * batch dimension), MatMul and Add with the weights as initializers, Softmax, output `dense` [unk__7, classes].
 * `weights` are [features × classes], row by row.
 */
export function writeTf2onnxModel(features: number, weights: Float32Array, bias: Float32Array): Uint8Array {
  const classes = bias.length;
  return writeGraphModel({
    producerName: 'tf2onnx',
    inputs: [{ name: 'input_1', type: 'float', shape: ['unk__6', features] }],
    outputs: [{ name: 'dense', type: 'float', shape: ['unk__7', classes] }],
    nodes: [
      {
        opType: 'MatMul',
        inputs: ['input_1', 'sequential/dense/MatMul/ReadVariableOp:0'],
        outputs: ['sequential/dense/MatMul:0'],
      },
      {
        opType: 'Add',
        inputs: ['sequential/dense/MatMul:0', 'sequential/dense/BiasAdd/ReadVariableOp:0'],
        outputs: ['sequential/dense/BiasAdd:0'],
      },
      { opType: 'Softmax', inputs: ['sequential/dense/BiasAdd:0'], outputs: ['dense'], attributes: { axis: { i: 1 } } },
    ],
    initializers: [
      { name: 'sequential/dense/MatMul/ReadVariableOp:0', dims: [features, classes], values: weights },
      { name: 'sequential/dense/BiasAdd/ReadVariableOp:0', dims: [classes], values: bias },
    ],
    opsets: { '': 13 },
  });
}

/**
 * A project around the pipeline model, in `cwd`: data.csv (500 rows of the pipeline's columns, the plan also as its
 * code, labelled by the pipeline's linear model with 20% noise), pipeline.onnx (writePipelineModel) and matrix.onnx,
 * the same linear model as one float matrix over the plan's code. Gives the CSV's lines.
 */
export function writePipelineProject(cwd: string): string[] {
  const random = seededRandom(5);
  // Coefficients per class over age, income, visits, region, member, plan code.
  const coefficients = [
    0.05, 0.00002, -0.3, 0.2, 0.8, -0.6, -0.04, -0.00001, 0.25, -0.1, -0.5, 0.9, 0, 0.00001, 0.1, -0.2, 0.3, 0.1,
  ];
  const intercepts = [-0.5, 0.4, 0.1];
  const lines = ['age,income,visits,region,member,plan,plan_code,label'];
  for (let r = 0; r < 500; r++) {
    const plan = Math.floor(random() * 3);
    const values = [
      Math.round(random() * 600) / 10,
      Math.round(20000 + random() * 70000) + 0.25,
      Math.floor(random() * 12),
      Math.floor(random() * 4),
      random() < 0.4 ? 1 : 0,
      plan,
    ];
    const scores = intercepts.map((b, c) => b + values.reduce((s, v, f) => s + v * coefficients[c * 6 + f]!, 0));
    const label = random() < 0.2 ? Math.floor(random() * 3) : scores.indexOf(Math.max(...scores));
    lines.push([...values.slice(0, 5), PIPELINE_PLANS[plan], plan, label].join(','));
  }
  writeFileSync(join(cwd, 'data.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(cwd, 'pipeline.onnx'), writePipelineModel(coefficients, intercepts));
  // The same linear model as one float matrix over the plan's code.
  const weights = new Float32Array(6 * 3);
  for (let f = 0; f < 6; f++) for (let c = 0; c < 3; c++) weights[f * 3 + c] = coefficients[c * 6 + f]!;
  writeModel(join(cwd, 'matrix.onnx'), {
    features: ['age', 'income', 'visits', 'region', 'member', 'plan_code'],
    classes: ['0', '1', '2'],
    output: 'softmax',
    layers: [{ inputs: 6, outputs: 3, activation: 'none', weights, bias: Float32Array.from(intercepts) }],
  });
  return lines;
}
