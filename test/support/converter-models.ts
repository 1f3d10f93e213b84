import { writeGraphModel, type AttributeSpec, type NodeSpec, type ValueSpec } from '../../src/io/onnx/model-writer.js';

/** A tree of depth 2 as test/fixtures/converters/make_fixtures.py writes it: 3 splits (x <= threshold: first child), 4 leaves. */
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
function treeNodes(trees: readonly FixtureTree[]): { attributes: Record<string, AttributeSpec>; leaves: { tree: number; node: number; values: number[] }[] } {
  const a = { treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[], modes: [] as string[], values: [] as number[], truenodeids: [] as number[], falsenodeids: [] as number[], hitrates: [] as number[], missing: [] as number[] };
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
  return typeof classes[0] === 'string' ? { classlabels_strings: { strings: classes.map(String) } } : { classlabels_int64s: { ints: classes.map(Number) } };
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
  const votes = c.layout === 'skl2onnx-forest' ? leaves.flatMap((l) => l.values.map((w, cls) => ({ ...l, cls, w }))) : leaves.map((l) => ({ ...l, cls: k === 2 ? 0 : l.tree % k, w: l.values[0]! }));
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
  const zipMap = (input: string, output: string): NodeSpec => ({ opType: 'ZipMap', domain: 'ai.onnx.ml', inputs: [input], outputs: [output], attributes: classLabels(classes) });
  const mapOutput = (name: string): ValueSpec => ({ name, mapOf: { key: text ? 'string' : 'int64', value: 'float' } });
  if (c.layout === 'skl2onnx-forest') {
    return writeGraphModel({
      producerName: 'skl2onnx',
      inputs: [{ name: 'float_input', type: 'float', shape: [rowsDim, features] }],
      outputs: [{ name: 'output_label', type: labelType, shape: [rowsDim] }, mapOutput('output_probability')],
      nodes: [
        { opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['float_input'], outputs: ['label', 'probabilities'], attributes: ensemble },
        text ? { opType: 'Identity', inputs: ['label'], outputs: ['output_label'] } : { opType: 'Cast', inputs: ['label'], outputs: ['output_label'], attributes: { to: { i: 7 } } },
        zipMap('probabilities', 'output_probability'),
      ],
    });
  }
  return writeGraphModel({
    producerName: 'OnnxMLTools',
    inputs: [{ name: 'input', type: 'float', shape: [rowsDim, features] }],
    outputs: [{ name: 'label', type: labelType, shape: [rowsDim] }, mapOutput('probabilities')],
    nodes: [
      { opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['input'], outputs: ['label_tensor', 'probability_tensor'], attributes: ensemble },
      { opType: 'Identity', inputs: ['label_tensor'], outputs: ['label'] },
      zipMap('probability_tensor', 'probabilities'),
    ],
  });
}
