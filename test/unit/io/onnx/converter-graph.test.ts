import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { prepareGraph } from '../../../../src/io/onnx/converter-graph.js';
import { WireFormatError } from '../../../../src/io/onnx/model-proto-scan.js';
import { tinyModel } from '../../../support/models.js';
import { writeConverterModel, type ConverterCase } from '../../../support/converter-models.js';

const { onnx } = onnxProto;
const tree = {
  splits: [0, 1, 2].map((feature) => ({ feature, threshold: 0.5 })),
  leaves: [
    [0.5, 0.5],
    [1, 0],
    [0, 1],
    [0.25, 0.75],
  ],
};
const forest: ConverterCase = {
  name: 'forest',
  layout: 'skl2onnx-forest',
  task: 'classification',
  classes: ['no', 'yes'],
  trees: [tree],
  rows: [],
  labels: [],
  metrics: {},
};

describe('prepareGraph', () => {
  it('drops a ZipMap that makes a graph output and outputs its probability tensor instead, every other byte kept', () => {
    const bytes = writeConverterModel(forest, 3);
    const prepared = prepareGraph(bytes);
    expect(prepared.classes).toEqual(['no', 'yes']);
    expect(prepared.notes).toEqual([
      'the ZipMap output output_probability is read as the probability tensor behind it, probabilities',
    ]);
    const before = onnx.ModelProto.decode(bytes);
    const after = onnx.ModelProto.decode(prepared.bytes);
    expect(after.graph!.node!.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier', 'Identity']);
    expect(after.graph!.output!.map((o) => [o.name, o.type!.tensorType?.elemType])).toEqual([
      ['output_label', onnx.TensorProto.DataType.STRING],
      ['probabilities', onnx.TensorProto.DataType.FLOAT],
    ]);
    expect(Buffer.from(onnx.NodeProto.encode(after.graph!.node![0]!).finish())).toEqual(
      Buffer.from(onnx.NodeProto.encode(before.graph!.node![0]!).finish()),
    );
    expect(after.opsetImport).toEqual(before.opsetImport);
  });

  it('gives a graph without ZipMap back as it came, with its metadata; refuses bytes that are no protobuf', () => {
    const bytes = tinyModel();
    const prepared = prepareGraph(bytes);
    expect(prepared.bytes).toBe(bytes);
    expect(prepared.metadata['mlgate.classes']).toBe('["no","yes"]');
    expect(prepared.classes).toBeUndefined();
    expect(() => prepareGraph(new TextEncoder().encode('this is not a model'))).toThrow(WireFormatError);
  });
});
