import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-common';
import { ConfigurationError, DataError } from '../../core/errors.js';
import { sha256Hex } from '../sha256.js';
import type { Onnxruntime } from './load-onnxruntime.js';
import { prepareGraph, type PreparedGraph } from './converter-graph.js';

const { onnx } = onnxProto;

/** What mlgate learns about a model before running it. */
export interface ModelFacts {
  /** The name messages use. */
  name: string;
  sha256: string;
  bytes: number;
  /** The model's metadata_props (mlgate.features, mlgate.classes, and anything the exporter wrote). */
  metadata: Record<string, string>;
  inputName: string;
  /** Features the model takes per row, when its input shape says. */
  width: number | undefined;
  outputName: string;
  /** The class labels the graph names in output order (a converter's ZipMap or classifier node), as texts. */
  classes?: string[];
  /** What mlgate changed or chose in the graph to run it, for the log. */
  notes: string[];
}

/** One batch's output tensor as onnxruntime gives it. */
export interface OutputTensor {
  data: ArrayLike<number | bigint>;
  dims: readonly number[];
  type: string;
}

/** An ONNX model opened in onnxruntime, fed one float tensor [rows, features]. */
export interface OnnxModel {
  facts: ModelFacts;
  /** Scores one batch: `rows` rows of `columns` features each, row by row. */
  run(features: Float32Array, rows: number, columns: number): Promise<OutputTensor>;
  release(): Promise<void>;
}

const FLOAT_TYPES = new Set(['float32']);

/**
 * Opens a model: reads its metadata with the ONNX protobuf schema, creates an onnxruntime session on the CPU, and
 * checks that it takes what mlgate feeds (one float tensor [rows, features]) and gives one tensor output. A file
 * that is not a model, or a model of another shape, is refused with a message naming the file and what to change.
 */
export async function openModel(ort: Onnxruntime, path: string, name: string, outputName?: string): Promise<OnnxModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(code === 'ENOENT' ? `${name}: model file not found` : `${name}: cannot read the model (${code ?? (error as Error).message})`, { file: name });
  }
  const prepared = prepareModel(bytes, name);
  const { metadata } = prepared;
  let session: InferenceSession;
  try {
    session = await createSession(ort, prepared.bytes);
  } catch (error) {
    throw new DataError(`${name}: onnxruntime ${ort.version} cannot load the model: ${firstLine(error)}; re-export it (ONNX IR ≤ 10, opset ≤ 21 are safe)`, { file: name });
  }
  const inputs = session.inputMetadata;
  const describe = (list: readonly InferenceSession.ValueMetadata[]) => list.map((v) => (v.isTensor ? `${v.name} (${v.type} [${v.shape.join(', ')}])` : `${v.name} (not a tensor)`)).join(', ');
  const input = inputs[0];
  if (inputs.length !== 1 || !input?.isTensor || !FLOAT_TYPES.has(input.type) || (input.shape.length !== 2 && input.shape.length !== 0)) {
    await session.release();
    throw new ConfigurationError(`${name}: mlgate feeds a model one float32 tensor [rows, features], but this model takes ${describe(inputs)}; export it with a single float input (cast integer features and encode text ones inside the exported pipeline)`, { file: name });
  }
  const outputs = session.outputMetadata;
  const output = outputName ? outputs.find((o) => o.name === outputName) : (outputs.find((o) => o.isTensor && o.type.startsWith('float')) ?? outputs.find((o) => o.isTensor));
  if (!output || !output.isTensor) {
    await session.release();
    throw new ConfigurationError(`${name}: ${outputName ? `no output named ${outputName}` : 'no tensor output'}; the model gives ${describe(outputs)} (for scikit-learn models, convert with options={'zipmap': False})`, { file: name });
  }
  const width = typeof input.shape[1] === 'number' ? input.shape[1] : undefined;
  const facts: ModelFacts = { name, sha256: sha256Hex(bytes), bytes: bytes.byteLength, metadata, inputName: input.name, width, outputName: output.name, ...(prepared.classes ? { classes: prepared.classes } : {}), notes: prepared.notes };
  return { facts, release: () => session.release(), run: runner(ort, session, facts) };
}

/**
 * Checks that onnxruntime loads the model, as evaluate will open it, and lets the session go: a release must not
 * publish a file that no one can run. A file that is not a model is refused with one line naming it.
 */
export async function checkModelLoads(ort: Onnxruntime, bytes: Uint8Array, name: string): Promise<void> {
  decodeModel(bytes, name);
  let session: InferenceSession;
  try {
    // One thread: the session is only opened, never run.
    session = await createSession(ort, bytes, 1);
  } catch (error) {
    throw new DataError(`${name}: onnxruntime ${ort.version} cannot load the model: ${firstLine(error)}; re-export it (ONNX IR ≤ 10, opset ≤ 21 are safe)`, { file: name });
  }
  await session.release();
}

/** An onnxruntime session on the CPU; `threads` caps onnxruntime's own threads (see startScoring for why). */
export function createSession(ort: Onnxruntime, model: Uint8Array | string, threads?: number): Promise<InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}) });
}

/** What scores one batch with `session`: the features as the model's single input, its chosen output back. */
export function runner(ort: Pick<Onnxruntime, 'Tensor'>, session: InferenceSession, facts: Pick<ModelFacts, 'name' | 'inputName' | 'outputName' | 'width'>): OnnxModel['run'] {
  const { name, inputName, outputName, width } = facts;
  return async (features, rows, columns) => {
    if (width !== undefined && columns !== width) throw new ConfigurationError(`${name}: the model takes ${width} features per row, but ${columns} were given; list the model's features in its order (features input, or metadata mlgate.features)`, { file: name });
    const result = await session.run({ [inputName]: new ort.Tensor('float32', features.subarray(0, rows * columns), [rows, columns]) }, [outputName]);
    return result[outputName] as OutputTensor;
  };
}

/** A JSON list of texts in the model's metadata (`mlgate.features`, `mlgate.classes`), or undefined. */
export function metadataList(facts: ModelFacts, key: string): string[] | undefined {
  const text = facts.metadata[key];
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The model as the scoring thread opens it: the file's bytes with the graph prepared as openModel prepares it (see
 * prepareGraph), so that both threads run the same graph.
 */
export async function preparedModelBytes(path: string): Promise<Uint8Array> {
  return prepareModel(await readFile(path), path).bytes;
}

/** The graph prepared (see prepareGraph); bytes that are no model are refused with one line naming the file. */
function prepareModel(bytes: Uint8Array, name: string): PreparedGraph {
  let prepared: PreparedGraph;
  try {
    prepared = prepareGraph(bytes);
  } catch (error) {
    throw new DataError(`${name}: not an ONNX model (${firstLine(error)}); give the .onnx file your exporter wrote`, { file: name });
  }
  if (prepared.nodes === 0) throw new DataError(`${name}: not an ONNX model (it has no graph); give the .onnx file your exporter wrote`, { file: name });
  return prepared;
}

/** The model decoded; a file that does not decode as an ONNX ModelProto is refused here. */
function decodeModel(bytes: Uint8Array, name: string): InstanceType<typeof onnx.ModelProto> {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new DataError(`${name}: not an ONNX model (${firstLine(error)}); give the .onnx file your exporter wrote`, { file: name });
  }
  if (!model.graph?.node?.length) throw new DataError(`${name}: not an ONNX model (it has no graph); give the .onnx file your exporter wrote`, { file: name });
  return model;
}

export function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0]!.trim();
}
