import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-common';
import { ConfigurationError, DataError } from '../../core/errors.js';
import type { RawOutput } from '../../core/evaluate/model-output.js';
import { sha256Hex } from '../sha256.js';
import type { Onnxruntime } from './load-onnxruntime.js';

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
}

/** The timings of one scoring pass. */
export interface ScoringTimes {
  batchMs: number[];
  batchRows: number[];
}

/** An ONNX model opened in onnxruntime, fed one float tensor [rows, features]. */
export interface OnnxModel {
  facts: ModelFacts;
  /** Scores rows given row by row in `features` (`width` numbers per row), in batches. */
  score(features: Float32Array, rows: number, batchSize: number): Promise<{ output: RawOutput; times: ScoringTimes }>;
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
  const metadata = readMetadata(bytes, name);
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
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
  const facts: ModelFacts = { name, sha256: sha256Hex(bytes), bytes: bytes.byteLength, metadata, inputName: input.name, width, outputName: output.name };
  return {
    facts,
    release: () => session.release(),
    async score(features, rows, batchSize) {
      const columns = rows > 0 ? features.length / rows : (width ?? 0);
      if (width !== undefined && columns !== width) throw new ConfigurationError(`${name}: the model takes ${width} features per row, but ${columns} were given; list the model's features in its order (features input, or metadata mlgate.features)`, { file: name });
      const times: ScoringTimes = { batchMs: [], batchRows: [] };
      let data: Float32Array | Float64Array | Int32Array | undefined;
      let outputWidth = 1;
      let integer = false;
      for (let start = 0; start < rows; start += batchSize) {
        const count = Math.min(batchSize, rows - start);
        const tensor = new ort.Tensor('float32', features.subarray(start * columns, (start + count) * columns), [count, columns]);
        const began = performance.now();
        let result: InferenceSession.ReturnType;
        try {
          result = await session.run({ [input.name]: tensor }, [output.name]);
        } catch (error) {
          throw new DataError(`${name}: onnxruntime failed on rows ${start + 1} to ${start + count}: ${firstLine(error)}`, { file: name });
        }
        times.batchMs.push(performance.now() - began);
        times.batchRows.push(count);
        const value = result[output.name] as { data: ArrayLike<number | bigint>; dims: readonly number[]; type: string };
        if (!data) {
          outputWidth = value.dims.length >= 2 ? value.dims.slice(1).reduce((a, b) => a * b, 1) : 1;
          integer = !value.type.startsWith('float');
          data = integer ? new Int32Array(rows * outputWidth) : value.type === 'float64' ? new Float64Array(rows * outputWidth) : new Float32Array(rows * outputWidth);
        }
        if (value.data.length !== count * outputWidth) throw new DataError(`${name}: the output ${output.name} has ${value.data.length} values for ${count} rows; mlgate expects [rows, classes] or [rows]`, { file: name });
        if (integer) {
          for (let i = 0; i < value.data.length; i++) data[start * outputWidth + i] = Number(value.data[i]);
        } else {
          data.set(value.data as Float32Array, start * outputWidth);
        }
      }
      return { output: { data: data ?? new Float32Array(0), width: outputWidth, integer }, times };
    },
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

/** The model's metadata_props; a file that does not decode as an ONNX ModelProto is refused here. */
function readMetadata(bytes: Uint8Array, name: string): Record<string, string> {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new DataError(`${name}: not an ONNX model (${firstLine(error)}); give the .onnx file your exporter wrote`, { file: name });
  }
  if (!model.graph?.node?.length) throw new DataError(`${name}: not an ONNX model (it has no graph); give the .onnx file your exporter wrote`, { file: name });
  return Object.fromEntries(model.metadataProps.map((entry) => [entry.key, entry.value]));
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0]!.trim();
}
