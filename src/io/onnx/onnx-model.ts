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
  /**
   * How the features are fed: `matrix`, one tensor [rows, features] (of the input's own numeric type); `columns`,
   * one input per feature column, named as the column, each [rows, 1] or [rows] of its own type.
   */
  layout: 'matrix' | 'columns';
  /** The model's inputs: name, element type, shape (numbers for fixed dimensions). */
  inputs: InputFacts[];
  /** The rows per call when the model's batch dimension is fixed (it is then fed in batches of that size). */
  fixedBatch: number | undefined;
  outputName: string;
  /** The class labels the graph names in output order (a converter's ZipMap or classifier node), as texts. */
  classes?: string[];
  /** What mlgate changed or chose in the graph to run it, for the log. */
  notes: string[];
}

/** One input of the model, as its metadata declares it. */
export interface InputFacts {
  name: string;
  type: string;
  shape: readonly (number | string)[];
}

/** One batch's output tensor as onnxruntime gives it. */
export interface OutputTensor {
  data: ArrayLike<number | bigint>;
  dims: readonly number[];
  type: string;
}

/** An ONNX model opened in onnxruntime, fed its features batch by batch. */
export interface OnnxModel {
  facts: ModelFacts;
  /** Scores one batch: `rows` rows of `columns` features each, row by row. */
  run(features: Float32Array | Float64Array, rows: number, columns: number): Promise<OutputTensor>;
  /** Where the texts of a string input come from: fed features of string inputs are ids into these lists. */
  readonly texts: Map<string, readonly string[]>;
  release(): Promise<void>;
}

/** The element types mlgate feeds, as onnxruntime-node names them. */
const NUMERIC_TYPES = new Set(['float32', 'float64', 'int64', 'int32', 'bool']);
const COLUMN_TYPES = new Set([...NUMERIC_TYPES, 'string']);

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
    throw new ConfigurationError(
      code === 'ENOENT'
        ? `${name}: model file not found`
        : `${name}: cannot read the model (${code ?? (error as Error).message})`,
      { file: name },
    );
  }
  const prepared = prepareModel(bytes, name);
  const { metadata } = prepared;
  let session: InferenceSession;
  try {
    session = await createSession(ort, prepared.bytes);
  } catch (error) {
    throw new DataError(
      `${name}: onnxruntime ${ort.version} cannot load the model: ${firstLine(error)}; re-export it (ONNX IR ≤ 10, opset ≤ 21 are safe)`,
      { file: name },
    );
  }
  const inputs = session.inputMetadata;
  const describe = (list: readonly InferenceSession.ValueMetadata[]) =>
    list
      .map((v) => (v.isTensor ? `${v.name} (${v.type} [${v.shape.join(', ')}])` : `${v.name} (not a tensor)`))
      .join(', ');
  const input = inputs[0];
  const layout = inputLayout(inputs);
  if (!input?.isTensor || !layout) {
    await session.release();
    throw new ConfigurationError(
      `${name}: mlgate feeds a model one numeric tensor [rows, features], or one input per column named as the column ([rows, 1] or [rows] of float, double, int64, int32, bool or string), but this model takes ${describe(inputs)}; export it with one of those`,
      { file: name },
    );
  }
  const outputs = session.outputMetadata;
  const output = outputName
    ? outputs.find((o) => o.name === outputName)
    : (outputs.find((o) => o.isTensor && o.type.startsWith('float')) ?? outputs.find((o) => o.isTensor));
  if (!output?.isTensor) {
    await session.release();
    throw new ConfigurationError(
      `${name}: ${outputName ? `no output named ${outputName}` : 'no tensor output'}; the model gives ${describe(outputs)} (for scikit-learn models, convert with options={'zipmap': False})`,
      { file: name },
    );
  }
  const tensors = inputs as InferenceSession.TensorValueMetadata[];
  const width = layout === 'columns' ? inputs.length : typeof input.shape[1] === 'number' ? input.shape[1] : undefined;
  const batches = tensors.map((t) => t.shape[0]).filter((d): d is number => typeof d === 'number' && d > 0);
  const fixedBatch = batches.length > 0 ? Math.max(...batches) : undefined;
  const notes = [
    ...prepared.notes,
    ...(fixedBatch !== undefined
      ? [`its batch dimension is fixed: scored ${fixedBatch} ${fixedBatch === 1 ? 'row' : 'rows'} a call`]
      : []),
  ];
  const facts: ModelFacts = {
    name,
    sha256: sha256Hex(bytes),
    bytes: bytes.byteLength,
    metadata,
    inputName: input.name,
    width,
    layout,
    inputs: tensors.map((t) => ({ name: t.name, type: t.type, shape: t.shape })),
    fixedBatch,
    outputName: output.name,
    ...(prepared.classes ? { classes: prepared.classes } : {}),
    notes,
  };
  const texts = new Map<string, readonly string[]>();
  return { facts, texts, release: () => session.release(), run: runner(ort, session, facts, texts) };
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
    throw new DataError(
      `${name}: onnxruntime ${ort.version} cannot load the model: ${firstLine(error)}; re-export it (ONNX IR ≤ 10, opset ≤ 21 are safe)`,
      { file: name },
    );
  }
  await session.release();
}

/** An onnxruntime session on the CPU; `threads` caps onnxruntime's own threads (see startScoring for why). */
export function createSession(
  ort: Onnxruntime,
  model: Uint8Array | string,
  threads?: number,
): Promise<InferenceSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  });
}

/**
 * How a model's inputs take the features: one numeric tensor [rows, features] (or of unknown shape), or one input
 * per column, each [rows, 1] or [rows]; undefined when neither.
 */
function inputLayout(inputs: readonly InferenceSession.ValueMetadata[]): ModelFacts['layout'] | undefined {
  if (!inputs.every((i) => i.isTensor)) return undefined;
  const tensors = inputs as readonly InferenceSession.TensorValueMetadata[];
  const isColumn = (t: InferenceSession.TensorValueMetadata) =>
    COLUMN_TYPES.has(t.type) && (t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1));
  if (tensors.length === 1) {
    const [only] = tensors;
    if (
      NUMERIC_TYPES.has(only!.type) &&
      (only!.shape.length === 0 || (only!.shape.length === 2 && only!.shape[1] !== 1))
    )
      return 'matrix';
    if (isColumn(only!)) return only!.type === 'string' || only!.shape.length === 1 ? 'columns' : 'matrix';
    return undefined;
  }
  return tensors.every(isColumn) ? 'columns' : undefined;
}

/**
 * What scores one batch with `session`: the features as the model's inputs (one matrix, or one input per column,
 * each in its own element type; string inputs take their texts from `texts`), its chosen output back. A model with
 * a fixed batch dimension is called once per that many rows, the last call filled up with the batch's last row and
 * the extra outputs left out. onnxruntime's refusal of a shape or type becomes one line naming the input, what it
 * expects, what it was given and the fix.
 */
export function runner(
  ort: Pick<Onnxruntime, 'Tensor'>,
  session: InferenceSession,
  facts: Pick<ModelFacts, 'name' | 'outputName' | 'width' | 'layout' | 'inputs' | 'fixedBatch'>,
  texts: ReadonlyMap<string, readonly string[]> = new Map(),
): OnnxModel['run'] {
  const { name, outputName, width, layout, inputs, fixedBatch } = facts;
  const call = async (features: Float32Array | Float64Array, rows: number, columns: number): Promise<OutputTensor> => {
    const feeds: Record<string, unknown> = {};
    if (layout === 'matrix') {
      const input = inputs[0]!;
      feeds[input.name] = new ort.Tensor(
        input.type as 'float32',
        typedValues(input, features.subarray(0, rows * columns), name, texts) as Float32Array,
        [rows, columns],
      );
    } else {
      inputs.forEach((input, c) => {
        const column = new Float64Array(rows);
        for (let r = 0; r < rows; r++) column[r] = features[r * columns + c]!;
        feeds[input.name] = new ort.Tensor(
          input.type as 'float32',
          typedValues(input, column, name, texts) as Float32Array,
          input.shape.length === 1 ? [rows] : [rows, 1],
        );
      });
    }
    try {
      const result = await session.run(feeds as InferenceSession.FeedsType, [outputName]);
      return result[outputName] as OutputTensor;
    } catch (error) {
      throw runError(error, name, inputs, layout === 'matrix' ? [rows, columns] : [rows, 1]) ?? error;
    }
  };
  return async (features, rows, columns) => {
    if (width !== undefined && columns !== width)
      throw new ConfigurationError(
        `${name}: the model takes ${width} features per row, but ${columns} were given; list the model's features in its order (features input, or metadata mlgate.features)`,
        { file: name },
      );
    if (fixedBatch === undefined || rows === fixedBatch) return call(features, rows, columns);
    return inFixedBatches(call, features, rows, columns, fixedBatch);
  };
}

/**
 * Scores `rows` rows in calls of exactly `batch` rows, the last one filled up with the last row, and joins the outputs.
 */
async function inFixedBatches(
  call: (features: Float32Array | Float64Array, rows: number, columns: number) => Promise<OutputTensor>,
  features: Float32Array | Float64Array,
  rows: number,
  columns: number,
  batch: number,
): Promise<OutputTensor> {
  const parts: OutputTensor[] = [];
  const padded = new (features.constructor as Float32ArrayConstructor)(batch * columns);
  for (let from = 0; from < rows; from += batch) {
    const take = Math.min(batch, rows - from);
    let chunk = features.subarray(from * columns, (from + batch) * columns);
    if (take < batch) {
      padded.set(features.subarray(from * columns, rows * columns));
      for (let r = take; r < batch; r++) padded.copyWithin(r * columns, (take - 1) * columns, take * columns);
      chunk = padded;
    }
    const out = await call(chunk, batch, columns);
    const per = out.data.length / batch;
    parts.push({ ...out, data: (out.data as Float32Array).subarray(0, take * per) });
  }
  const first = parts[0]!;
  const data = new (first.data.constructor as Float32ArrayConstructor)(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part.data as Float32Array, at);
    at += part.data.length;
  }
  return { data, dims: [rows, ...first.dims.slice(1)], type: first.type };
}

/** A fed column or matrix as the input's element type; a value the type cannot hold is refused, naming the input. */
function typedValues(
  input: InputFacts,
  values: Float32Array | Float64Array,
  name: string,
  texts: ReadonlyMap<string, readonly string[]>,
): ArrayLike<unknown> {
  switch (input.type) {
    case 'float32':
      return values instanceof Float32Array ? values : Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
    case 'int32': {
      const out = input.type === 'int64' ? new BigInt64Array(values.length) : new Int32Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isInteger(v))
          throw new ConfigurationError(
            `${name}: the input ${input.name} takes integers (${input.type}), but was given ${v}; give that column whole numbers, or export the input as a float`,
            { file: name },
          );
        out[i] = (input.type === 'int64' ? BigInt(v) : v) as never;
      }
      return out;
    }
    case 'bool':
      return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
    case 'string': {
      const list = texts.get(input.name) ?? [];
      return Array.from(values, (id) => list[id] ?? '');
    }
    default:
      throw new ConfigurationError(
        `${name}: the input ${input.name} is ${input.type}, which mlgate cannot feed; export it as float, double, int64, int32, bool or string`,
        { file: name },
      );
  }
}

/**
 * onnxruntime's refusal of the fed shape or type as one line naming the input and the fix; undefined for other errors.
 */
function runError(
  error: unknown,
  name: string,
  inputs: readonly InputFacts[],
  given: readonly number[],
): ConfigurationError | undefined {
  const message = String((error as Error).message ?? error);
  const invalid = /invalid (dimensions|rank|.*type) for input: ([^\s]+)|Unexpected input data type/i.exec(message);
  if (!invalid) return undefined;
  const input = inputs.find((i) => i.name === invalid[2]) ?? inputs[0]!;
  return new ConfigurationError(
    `${name}: the input ${input.name} takes ${input.type} [${input.shape.join(', ')}], but was given [${given.join(', ')}] (onnxruntime: ${firstLine(error)}); list exactly the model's input columns, in its order, in the features input${input.shape.length === 2 && typeof input.shape[1] === 'number' ? ` (${input.shape[1]} of them)` : ''}`,
    { file: name },
  );
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
    throw new DataError(`${name}: not an ONNX model (${firstLine(error)}); give the .onnx file your exporter wrote`, {
      file: name,
    });
  }
  if (prepared.nodes === 0)
    throw new DataError(`${name}: not an ONNX model (it has no graph); give the .onnx file your exporter wrote`, {
      file: name,
    });
  return prepared;
}

/** The model decoded; a file that does not decode as an ONNX ModelProto is refused here. */
function decodeModel(bytes: Uint8Array, name: string): InstanceType<typeof onnx.ModelProto> {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new DataError(`${name}: not an ONNX model (${firstLine(error)}); give the .onnx file your exporter wrote`, {
      file: name,
    });
  }
  if (!model.graph?.node?.length)
    throw new DataError(`${name}: not an ONNX model (it has no graph); give the .onnx file your exporter wrote`, {
      file: name,
    });
  return model;
}

export function firstLine(error: unknown): string {
  return String((error as Error).message ?? error)
    .split('\n')[0]!
    .trim();
}
