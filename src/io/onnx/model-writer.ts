import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** One fully connected layer: `outputs = activation(inputs · weights + bias)`, weights row-major [inputs × outputs]. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'tanh' | 'none';
}

/** A small feed-forward network, the kind of model the example trainer and the tests write. */
export interface DenseModelSpec {
  /** The feature columns, in input order; stored as metadata `mlgate.features`. */
  features: readonly string[];
  layers: readonly DenseLayer[];
  /** What the last layer's values become: class probabilities (softmax, sigmoid) or raw values. */
  output: 'softmax' | 'sigmoid' | 'none';
  /** The class labels in output order; stored as metadata `mlgate.classes`. */
  classes?: readonly string[];
  /** Standardisation applied to the inputs first: (x − mean) · scale, per feature. */
  normalize?: { mean: Float32Array; scale: Float32Array };
  /** The graph's input name (default `input`) and output name (default `output`). */
  inputName?: string;
  /** A fixed batch dimension (rows a call), as some exports have; default symbolic (any number of rows). */
  batchSize?: number;
  outputName?: string;
  metadata?: Record<string, string>;
}

/**
 * Writes a dense network as an ONNX model (IR version 8, opset 13: accepted by every onnxruntime since 1.10). The
 * input is one float tensor [N, features]; the output one float tensor [N, outputs]. The feature and class lists
 * travel in the model's metadata, so the evaluate step can feed the right columns without being told.
 */
export function writeDenseModel(spec: DenseModelSpec): Uint8Array {
  const inputName = spec.inputName ?? 'input';
  const outputName = spec.outputName ?? 'output';
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  let current = inputName;
  let step = 0;
  const next = (name: string) => `${name}_${step++}`;
  const add = (
    opType: string,
    inputs: string[],
    attributes: InstanceType<typeof onnx.AttributeProto>[] = [],
    output = next(opType.toLowerCase()),
  ) => {
    nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [output], name: output, attribute: attributes }));
    current = output;
    return output;
  };
  const constant = (name: string, dims: number[], values: Float32Array) => {
    initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      }),
    );
    return name;
  };
  const width = spec.features.length;
  if (spec.normalize) {
    add('Sub', [current, constant('normalize_mean', [width], spec.normalize.mean)]);
    add('Mul', [current, constant('normalize_scale', [width], spec.normalize.scale)]);
  }
  spec.layers.forEach((layer, index) => {
    if (layer.weights.length !== layer.inputs * layer.outputs)
      throw new Error(`layer ${index}: ${layer.weights.length} weights for ${layer.inputs}×${layer.outputs}`);
    add('Gemm', [
      current,
      constant(`layer${index}_weights`, [layer.inputs, layer.outputs], layer.weights),
      constant(`layer${index}_bias`, [layer.outputs], layer.bias),
    ]);
    if (layer.activation === 'relu') add('Relu', [current]);
    if (layer.activation === 'tanh') add('Tanh', [current]);
  });
  if (spec.output === 'softmax')
    add(
      'Softmax',
      [current],
      [onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
    );
  if (spec.output === 'sigmoid') add('Sigmoid', [current]);
  add('Identity', [current], [], outputName);
  const outputs = spec.layers.at(-1)?.outputs ?? width;
  const graph = onnx.GraphProto.create({
    name: 'mlgate_dense',
    node: nodes,
    initializer: initializers,
    input: [floatTensorInfo(inputName, width, spec.batchSize)],
    output: [floatTensorInfo(outputName, outputs, spec.batchSize)],
  });
  const metadata: Record<string, string> = { 'mlgate.features': JSON.stringify(spec.features), ...spec.metadata };
  if (spec.classes) metadata['mlgate.classes'] = JSON.stringify(spec.classes);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    producerName: 'mlgate',
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** A float tensor [batch, width], the batch dimension symbolic unless fixed. */
function floatTensorInfo(name: string, width: number, batch?: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: [
            onnx.TensorShapeProto.Dimension.create(batch !== undefined ? { dimValue: batch } : { dimParam: 'batch' }),
            onnx.TensorShapeProto.Dimension.create({ dimValue: width }),
          ],
        }),
      }),
    }),
  });
}

/** An ONNX element type by name, as graphs declare inputs and outputs. */
export type ElementType = 'float' | 'double' | 'int64' | 'int32' | 'bool' | 'string';

const ELEMENT_TYPES: Record<ElementType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
  string: onnx.TensorProto.DataType.STRING,
};

/**
 * A graph input or output: a tensor (dimensions numbers, names for symbolic ones), or a sequence of maps (ZipMap's
 * output).
 */
export type ValueSpec =
  | { name: string; type: ElementType; shape?: (number | string)[] }
  | { name: string; mapOf: { key: 'int64' | 'string'; value: 'float' } };

/** A node attribute, tagged with its ONNX type (a JavaScript number cannot tell an int from a float). */
export type AttributeSpec =
  | { i: number }
  | { f: number }
  | { s: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] };

/** One node: its operator (in `domain`, default the standard one), its inputs and outputs, and attributes. */
export interface NodeSpec {
  opType: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeSpec>;
}

/**
 * Any graph, written node by node: what the tests use to write models in the exact layout a converter emits
 * (skl2onnx's ZipMap, onnxmltools' tree ensembles, a pipeline's one input per column) without the converter.
 */
export interface GraphModelSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  /** Constants the nodes read, by name: float, or int64 (shapes, axes). */
  initializers?: { name: string; dims: number[]; values: Float32Array | BigInt64Array }[];
  /** Operator sets by domain; default the standard one at 13 and ai.onnx.ml at 3. */
  opsets?: Record<string, number>;
  metadata?: Record<string, string>;
  producerName?: string;
}

/** Writes a graph model (IR version 8). */
export function writeGraphModel(spec: GraphModelSpec): Uint8Array {
  const opsets = spec.opsets ?? { '': 13, 'ai.onnx.ml': 3 };
  const graph = onnx.GraphProto.create({
    name: 'mlgate_graph',
    node: spec.nodes.map((n, index) =>
      onnx.NodeProto.create({
        opType: n.opType,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        name: `${n.opType}_${index}`,
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      }),
    ),
    initializer: (spec.initializers ?? []).map((c) =>
      onnx.TensorProto.create({
        name: c.name,
        dims: c.dims,
        dataType: c.values instanceof BigInt64Array ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength),
      }),
    ),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: Object.entries(opsets).map(([domain, version]) => onnx.OperatorSetIdProto.create({ domain, version })),
    producerName: spec.producerName ?? 'mlgate',
    graph,
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}

function attribute(name: string, value: AttributeSpec) {
  const { AttributeType } = onnx.AttributeProto;
  const text = (s: string) => new TextEncoder().encode(s);
  if ('i' in value) return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value.i });
  if ('f' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.f });
  if ('s' in value) return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: text(value.s) });
  if ('ints' in value) return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: value.ints });
  if ('floats' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: value.floats });
  return onnx.AttributeProto.create({ name, type: AttributeType.STRINGS, strings: value.strings.map(text) });
}

function valueInfo(value: ValueSpec) {
  if ('mapOf' in value) {
    const map = onnx.TypeProto.create({
      mapType: onnx.TypeProto.Map.create({
        keyType: ELEMENT_TYPES[value.mapOf.key],
        valueType: onnx.TypeProto.create({
          tensorType: onnx.TypeProto.Tensor.create({ elemType: ELEMENT_TYPES[value.mapOf.value] }),
        }),
      }),
    });
    return onnx.ValueInfoProto.create({
      name: value.name,
      type: onnx.TypeProto.create({ sequenceType: onnx.TypeProto.Sequence.create({ elemType: map }) }),
    });
  }
  const dims = (value.shape ?? []).map((d) =>
    typeof d === 'number'
      ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
      : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
  );
  return onnx.ValueInfoProto.create({
    name: value.name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: ELEMENT_TYPES[value.type],
        shape: onnx.TensorShapeProto.create({ dim: dims }),
      }),
    }),
  });
}
