import { ConfigurationError } from '../../core/errors.js';
import {
  parseBoolean,
  parseChoice,
  parseList,
  requireInput,
  withDefaults,
  type InputReader,
  type InputSpecs,
  type OutputSpecs,
} from '../runtime/inputs.js';

/** The inputs of the release action, which are also the options of `mlgate release`. */
export const INPUTS = {
  source: {
    description:
      "Where the model and its reports come from: workspace (files this job wrote) or check-run (the artifact of the merged pull request's last successful check run, verified before publishing).",
    default: 'workspace',
  },
  'check-workflow': {
    description:
      'With source check-run: the file name of the pull-request workflow whose run is released (e.g. mlgate.yml).',
    default: '',
  },
  'artifact-name': {
    description:
      'With source check-run: the artifact(s) of that run holding the model and its reports (comma-separated names).',
    default: 'mlgate-reports',
  },
  model: {
    description:
      'The ONNX model to release: the candidate the eval-report evaluated. Required with source workspace; with check-run, its path in the artifact (default model.onnx).',
    default: '',
  },
  'eval-report': {
    description:
      'The eval-report of the model; its gate must have passed (or been overridden). Required with source workspace; with check-run, its path in the artifact (default eval-report.json).',
    default: '',
  },
  'validation-report': {
    description:
      'The validation-report of the data; it must have passed. With check-run, its path in the artifact (default validation-report.json), and required.',
    default: '',
  },
  contract: { description: 'The data contract to publish with the model.', default: '' },
  profile: {
    description:
      "The profile of the training or reference data, the next drift check's reference. With source check-run, its path in the artifact.",
    default: '',
  },
  'model-card-template': {
    description: 'A Markdown template for the model card; {{card}} stands for the card mlgate writes.',
    default: '',
  },
  'model-card-sections': {
    description:
      "A Markdown file of the team's own model-card sections, read from the workspace: its ## Intended use and ## Limitations sections replace the card's placeholders, and any other text in it follows them.",
    default: '',
  },
  version: {
    description: 'The version to release (1.4.0), or auto: the latest mlgate release bumped by bump.',
    default: 'auto',
  },
  bump: { description: 'With version auto: patch, minor or major.', default: 'patch' },
  'tag-prefix': {
    description: 'Tags of mlgate releases start with this; the rest is the version.',
    default: 'model-v',
    keepEmpty: true,
  },
  name: { description: 'The release title. Default: the tag.', default: '' },
  draft: { description: 'Leave the release as a draft for a person to publish.', default: 'false' },
  'make-latest': {
    description: 'Mark the release as the latest, the baseline of the next evaluation.',
    default: 'true',
  },
  'require-label': {
    description: 'A label the merged pull request of this commit must carry (an approval).',
    default: '',
  },
  attest: {
    description:
      "Attest the model's build provenance with @actions/attest (needs permissions id-token: write and attestations: write; skipped with a note otherwise).",
    default: 'false',
  },
  'onnxruntime-path': {
    description:
      'A preinstalled onnxruntime-node, to check that the model loads (as in evaluate). Default: the pinned version, downloaded once per runner into the tool cache.',
    default: '',
  },
  'github-token': {
    description:
      'Token used to publish. Needs contents: write (and actions: read, pull-requests: read with source check-run).',
    default: '${{ github.token }}',
  },
  'dry-run': { description: "Write the release's files into this folder instead of publishing.", default: '' },
} satisfies InputSpecs;

export const OUTPUTS = {
  tag: { description: 'The tag of the release.' },
  version: { description: 'The version released.' },
  'release-url': { description: 'The address of the release.' },
  attestation: { description: 'The address of the provenance attestation, when one was made.' },
  assets: { description: 'The assets, as JSON: name, size and SHA-256 of each.' },
} satisfies OutputSpecs;

export interface ReleaseOptions {
  source: 'workspace' | 'check-run';
  checkWorkflow: string;
  artifactNames: string[];
  /** With source check-run, a path inside the downloaded artifacts; else in the workspace. */
  model: string;
  evalReport: string;
  /** '' when none is given with source workspace. */
  validationReport: string;
  onnxruntimePath: string;
  contract: string;
  profile: string;
  modelCardTemplate: string;
  modelCardSections: string;
  version: string;
  bump: 'patch' | 'minor' | 'major';
  tagPrefix: string;
  name: string;
  draft: boolean;
  makeLatest: boolean;
  requireLabel: string;
  attest: boolean;
  token: string;
  dryRun: string;
}

/** Turns the inputs into options, checking every value; an empty input means its default (see withDefaults). */
export function parseReleaseOptions(given: InputReader): ReleaseOptions {
  const inputs = withDefaults(given, INPUTS);
  const tagPrefix = inputs.get('tag-prefix').trim();
  if (/[\s~^:?*[\\]/.test(tagPrefix))
    throw new ConfigurationError(
      `${inputs.label('tag-prefix')} holds characters a git tag cannot have (got "${tagPrefix}")`,
    );
  const source = parseChoice(inputs, 'source', ['workspace', 'check-run'] as const);
  const checkWorkflow = inputs.get('check-workflow').trim();
  const artifactNames = parseList(inputs, 'artifact-name');
  if (source === 'check-run') {
    if (!checkWorkflow)
      throw new ConfigurationError(
        `${inputs.label('source')} check-run needs ${inputs.label('check-workflow')}: the file name of the pull-request workflow (e.g. mlgate.yml)`,
      );
    if (!/^[\w.-]+\.ya?ml$/.test(checkWorkflow))
      throw new ConfigurationError(
        `${inputs.label('check-workflow')} must be a workflow file name such as mlgate.yml, without a folder (got "${checkWorkflow}")`,
      );
    if (artifactNames.length === 0)
      throw new ConfigurationError(
        `${inputs.label('source')} check-run needs ${inputs.label('artifact-name')}: the artifact of the check run holding the model and its reports`,
      );
  }
  const inArtifact = (name: string, fallback: string) => {
    const value = inputs.get(name).trim() || fallback;
    if (value.split(/[\\/]/).includes('..') || /^([\\/]|[A-Za-z]:)/.test(value))
      throw new ConfigurationError(
        `${inputs.label(name)} names a path inside the check run's artifact; give a relative path without .. (got "${value}")`,
      );
    return value;
  };
  return {
    source,
    checkWorkflow,
    artifactNames,
    model: source === 'check-run' ? inArtifact('model', 'model.onnx') : requireInput(inputs, 'model'),
    evalReport:
      source === 'check-run' ? inArtifact('eval-report', 'eval-report.json') : requireInput(inputs, 'eval-report'),
    validationReport:
      source === 'check-run'
        ? inArtifact('validation-report', 'validation-report.json')
        : inputs.get('validation-report').trim(),
    onnxruntimePath: inputs.get('onnxruntime-path').trim(),
    contract: inputs.get('contract').trim(),
    profile:
      source === 'check-run' && inputs.get('profile').trim() ? inArtifact('profile', '') : inputs.get('profile').trim(),
    modelCardTemplate: inputs.get('model-card-template').trim(),
    modelCardSections: inputs.get('model-card-sections').trim(),
    version: inputs.get('version').trim(),
    bump: parseChoice(inputs, 'bump', ['patch', 'minor', 'major'] as const),
    tagPrefix,
    name: inputs.get('name').trim(),
    draft: parseBoolean(inputs, 'draft'),
    makeLatest: parseBoolean(inputs, 'make-latest'),
    requireLabel: inputs.get('require-label').trim(),
    attest: parseBoolean(inputs, 'attest'),
    token: inputs.get('github-token').trim(),
    dryRun: inputs.get('dry-run').trim(),
  };
}
