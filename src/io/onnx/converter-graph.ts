import onnxProto from 'onnx-proto';
import { encodeWireBytes, joinBytes, wireFields, wireText, type WireField } from './model-proto-scan.js';

const { onnx } = onnxProto;

/** What was learnt, and changed, of a model's graph before onnxruntime opens it. */
export interface PreparedGraph {
  /** The bytes to open: the file's own, or the graph rewritten (see prepareGraph). */
  bytes: Uint8Array;
  /** The model's metadata_props. */
  metadata: Record<string, string>;
  /** How many nodes the graph has (0: no graph). */
  nodes: number;
  /** The class labels the graph names in output order (a ZipMap's or a classifier node's), as texts. */
  classes?: string[];
  /** What was rewritten, for the log. */
  notes: string[];
}

/** Operators whose class labels are those of the probabilities they output (ai.onnx.ml). */
const CLASSIFIERS = new Set(['ZipMap', 'TreeEnsembleClassifier', 'LinearClassifier', 'SVMClassifier']);

// Field numbers of onnx.proto.
const MODEL = { graph: 7, metadata: 14 };
const GRAPH = { node: 1, output: 12 };
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 };
const NAMED = { name: 1 };

interface ScannedNode {
  field: WireField;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: WireField[];
}

/**
 * Prepares a converter's graph for mlgate. skl2onnx and onnxmltools end a classifier with a ZipMap, which turns the
 * probability tensor into a sequence of maps {class: probability}, one per row: onnxruntime-node can give no such
 * output, so mlgate would fall back to the label output and lose every probability metric. The graph is rewritten
 * instead: each ZipMap that makes a graph output is dropped and its input, the probability tensor [rows, classes],
 * takes its place under its own name. The class labels the ZipMap (or the classifier before it) names come back too:
 * they are the model's classes in output order. A graph without ZipMap is returned as it came.
 *
 * Rewriting was chosen over reading the maps: onnxruntime-node 1.30 gives only tensors. It is done on the wire
 * format, copying every other field's bytes as they are: for a 9.5 MB forest (35,000 trees) decoding and encoding
 * the model with protobufjs took 5.4 s (the decode alone, which opening a model used to do for its metadata, 1.9 s),
 * the scan and rewrite 46 ms (medians of 7). Throws WireFormatError on bytes that are no protobuf.
 */
export function prepareGraph(bytes: Uint8Array): PreparedGraph {
  const metadata: Record<string, string> = {};
  let graphField: WireField | undefined;
  for (const field of wireFields(bytes)) {
    if (field.number === MODEL.graph && field.wireType === 2) graphField = field;
    if (field.number === MODEL.metadata && field.wireType === 2) {
      const entry = onnx.StringStringEntryProto.decode(bytes.subarray(field.valueStart, field.end));
      metadata[entry.key] = entry.value;
    }
  }
  if (!graphField) return { bytes, metadata, nodes: 0, notes: [] };
  const nodes: ScannedNode[] = [];
  const outputs: { field: WireField; name: string }[] = [];
  for (const field of wireFields(bytes, graphField.valueStart, graphField.end)) {
    if (field.wireType !== 2) continue;
    if (field.number === GRAPH.node) nodes.push(scanNode(bytes, field));
    if (field.number === GRAPH.output) outputs.push({ field, name: fieldText(bytes, field, NAMED.name) ?? '' });
  }
  const classes = graphClasses(bytes, nodes);
  const outputNames = new Set(outputs.map((o) => o.name));
  const zipMaps = nodes.filter((n) => n.opType === 'ZipMap' && n.outputs.some((o) => outputNames.has(o)));
  const base = { metadata, nodes: nodes.length, ...(classes ? { classes } : {}) };
  if (zipMaps.length === 0) return { bytes, ...base, notes: [] };

  const replaced = new Map(zipMaps.map((n) => [n.outputs[0]!, n.inputs[0]!]));
  const notes = zipMaps.map(
    (n) => `the ZipMap output ${n.outputs[0]} is read as the probability tensor behind it, ${n.inputs[0]}`,
  );
  const dropped = new Set(zipMaps.map((n) => n.field.start));
  const taken = new Set(outputs.map((o) => o.name));
  const graphPieces: Uint8Array[] = [];
  for (const field of wireFields(bytes, graphField.valueStart, graphField.end)) {
    if (field.number === GRAPH.node && dropped.has(field.start)) continue;
    const output = field.number === GRAPH.output ? outputs.find((o) => o.field.start === field.start) : undefined;
    const tensor = output && replaced.get(output.name);
    if (tensor === undefined) {
      graphPieces.push(bytes.subarray(field.start, field.end));
      continue;
    }
    // The probability tensor may be a graph output already: not twice.
    if (taken.has(tensor)) continue;
    taken.add(tensor);
    const info = onnx.ValueInfoProto.create({
      name: tensor,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({ elemType: onnx.TensorProto.DataType.FLOAT }),
      }),
    });
    graphPieces.push(encodeWireBytes(GRAPH.output, onnx.ValueInfoProto.encode(info).finish()));
  }
  const graph = encodeWireBytes(MODEL.graph, joinBytes(graphPieces));
  const rewritten = joinBytes([bytes.subarray(0, graphField.start), graph, bytes.subarray(graphField.end)]);
  return { bytes: rewritten, ...base, nodes: nodes.length - zipMaps.length, notes };
}

function scanNode(bytes: Uint8Array, field: WireField): ScannedNode {
  const node: ScannedNode = { field, opType: '', inputs: [], outputs: [], attributes: [] };
  for (const part of wireFields(bytes, field.valueStart, field.end)) {
    if (part.wireType !== 2) continue;
    if (part.number === NODE.input) node.inputs.push(wireText(bytes, part));
    else if (part.number === NODE.output) node.outputs.push(wireText(bytes, part));
    else if (part.number === NODE.opType) node.opType = wireText(bytes, part);
    else if (part.number === NODE.attribute) node.attributes.push(part);
  }
  return node;
}

/** The text of the first length-delimited field `number` of the message `field` holds. */
function fieldText(bytes: Uint8Array, field: WireField, number: number): string | undefined {
  for (const part of wireFields(bytes, field.valueStart, field.end))
    if (part.number === number && part.wireType === 2) return wireText(bytes, part);
  return undefined;
}

/** The class labels of the last classifier node that names them (only those attributes are decoded). */
function graphClasses(bytes: Uint8Array, nodes: readonly ScannedNode[]): string[] | undefined {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!CLASSIFIERS.has(node.opType)) continue;
    for (const field of node.attributes) {
      const name = fieldText(bytes, field, NAMED.name);
      if (name !== 'classlabels_int64s' && name !== 'classlabels_ints' && name !== 'classlabels_strings') continue;
      const attribute = onnx.AttributeProto.decode(bytes.subarray(field.valueStart, field.end));
      if (attribute.ints.length > 0) return attribute.ints.map((v) => String(v));
      if (attribute.strings.length > 0) return attribute.strings.map((s) => new TextDecoder().decode(s));
    }
  }
  return undefined;
}
