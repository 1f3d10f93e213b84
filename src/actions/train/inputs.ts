import { ConfigurationError } from '../../core/errors.js';
import {
  parseChoice,
  parseInteger,
  parseList,
  requireInput,
  withDefaults,
  type InputReader,
  type InputSpecs,
  type OutputSpecs,
} from '../runtime/inputs.js';

/** The inputs of the train action, which are also the options of `mlgate train`. */
export const INPUTS = {
  command: { description: 'The training command, run in bash (-eo pipefail) like a run: step.', required: true },
  'working-directory': { description: 'Where the command runs.', default: '.' },
  'require-gpu': {
    description:
      'true: fail before training when no usable GPU is found; auto: use one when present; false: do not look.',
    default: 'auto',
  },
  'min-gpu-memory': { description: 'Free memory one GPU must have, in GiB (0: any).', default: '0' },
  'timeout-minutes': {
    description: 'Stop the command (and every process it started) after this many minutes.',
    default: '360',
  },
  'cache-paths': {
    description:
      'Paths to restore from the cache before training and save after it succeeds (datasets, downloaded weights), one per line.',
    default: '',
  },
  'cache-key-files': {
    description:
      'Files (paths or globs) whose content keys the cache; when they change, the newest older entry is restored and a new one saved.',
    default: '',
  },
  'metrics-file': {
    description: 'The JSON file of metrics the command writes (numbers, one level of nesting).',
    default: '',
  },
  'model-path': {
    description: 'The ONNX model the command writes; checked by loading it in onnxruntime.',
    default: '',
  },
  'artifact-name': {
    description: 'The artifact to upload the model, the metrics and the train report as; empty: no upload.',
    default: 'mlgate-model',
    keepEmpty: true,
  },
  'retention-days': { description: "How long the artifact is kept (default: the repository's setting).", default: '' },
  'sample-seconds': { description: 'How often GPU utilisation and memory are sampled.', default: '5' },
  'onnxruntime-path': {
    description: 'A preinstalled onnxruntime-node, for checking the model on runners without internet (see evaluate).',
    default: '',
  },
  report: { description: 'Where to write the train report.', default: 'mlgate-reports/train-report.json' },
  'github-token': {
    description:
      "Token used to read the runner's labels from the run's job list (actions: read); without it the report has no labels.",
    default: '${{ github.token }}',
  },
} satisfies InputSpecs;

export const OUTPUTS = {
  model: { description: 'The path of the model written (model-path), when it was checked.' },
  metrics: { description: 'The metrics the command wrote, as JSON.' },
  'artifact-id': { description: 'The id of the uploaded artifact.' },
  gpu: { description: 'The GPUs used, as JSON (name, memory, driver), or null.' },
  'duration-seconds': { description: 'How long the command ran.' },
  report: { description: 'The path of the train report.' },
} satisfies OutputSpecs;

export interface TrainOptions {
  command: string;
  workingDirectory: string;
  requireGpu: 'true' | 'false' | 'auto';
  minGpuMemoryGiB: number;
  timeoutMinutes: number;
  cachePaths: string[];
  cacheKeyFiles: string[];
  metricsFile: string;
  modelPath: string;
  artifactName: string;
  retentionDays: number | undefined;
  sampleSeconds: number;
  onnxruntimePath: string;
  report: string;
  token: string;
}

/** Turns the inputs into options, checking every value; an empty input means its default (see withDefaults). */
export function parseTrainOptions(given: InputReader): TrainOptions {
  const inputs = withDefaults(given, INPUTS);
  const minMemory = Number(inputs.get('min-gpu-memory').trim());
  if (!(minMemory >= 0))
    throw new ConfigurationError(
      `${inputs.label('min-gpu-memory')} must be a number of GiB, 0 or more (got "${inputs.get('min-gpu-memory')}")`,
    );
  const timeout = Number(inputs.get('timeout-minutes').trim());
  if (!(timeout > 0 && timeout <= 60 * 24 * 7))
    throw new ConfigurationError(
      `${inputs.label('timeout-minutes')} must be a number of minutes above 0 (got "${inputs.get('timeout-minutes')}")`,
    );
  const cachePaths = parseList(inputs, 'cache-paths');
  const cacheKeyFiles = parseList(inputs, 'cache-key-files');
  if (cachePaths.length > 0 && cacheKeyFiles.length === 0)
    throw new ConfigurationError(
      `${inputs.label('cache-paths')} needs ${inputs.label('cache-key-files')}: the files whose content decides when the cache is stale`,
    );
  const retention = inputs.get('retention-days').trim();
  return {
    command: requireInput(inputs, 'command'),
    workingDirectory: inputs.get('working-directory').trim(),
    requireGpu: parseChoice(inputs, 'require-gpu', ['true', 'false', 'auto'] as const),
    minGpuMemoryGiB: minMemory,
    timeoutMinutes: timeout,
    cachePaths,
    cacheKeyFiles,
    metricsFile: inputs.get('metrics-file').trim(),
    modelPath: inputs.get('model-path').trim(),
    artifactName: inputs.get('artifact-name').trim(),
    retentionDays: retention ? parseInteger(inputs, 'retention-days', 1, 400) : undefined,
    sampleSeconds: parseInteger(inputs, 'sample-seconds', 1, 3600),
    onnxruntimePath: inputs.get('onnxruntime-path').trim(),
    report: inputs.get('report').trim(),
    token: inputs.get('github-token').trim(),
  };
}
