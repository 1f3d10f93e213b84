import { ConfigurationError } from '../../core/errors.js';
import { parseBoolean, parseChoice, requireInput, type InputReader, type InputSpecs, type OutputSpecs } from '../runtime/inputs.js';

/** The inputs of the release action, which are also the options of `mlgate release`. */
export const INPUTS = {
  model: { description: 'The ONNX model to release: the candidate the eval-report evaluated.', required: true },
  'eval-report': { description: 'The eval-report of the model; its gate must have passed (or been overridden).', required: true },
  contract: { description: 'The data contract to publish with the model.', default: '' },
  profile: { description: 'The profile of the training or reference data, the next drift check\'s reference.', default: '' },
  'model-card-template': { description: 'A Markdown template for the model card; {{card}} stands for the card mlgate writes.', default: '' },
  version: { description: 'The version to release (1.4.0), or auto: the latest mlgate release bumped by bump.', default: 'auto' },
  bump: { description: 'With version auto: patch, minor or major.', default: 'patch' },
  'tag-prefix': { description: 'Tags of mlgate releases start with this; the rest is the version.', default: 'model-v' },
  name: { description: 'The release title. Default: the tag.', default: '' },
  draft: { description: 'Leave the release as a draft for a person to publish.', default: 'false' },
  'make-latest': { description: 'Mark the release as the latest, the baseline of the next evaluation.', default: 'true' },
  'require-label': { description: 'A label the merged pull request of this commit must carry (an approval).', default: '' },
  attest: { description: 'Attest the model\'s build provenance with @actions/attest (needs permissions id-token: write and attestations: write; skipped with a note otherwise).', default: 'false' },
  'github-token': { description: 'Token used to publish. Needs contents: write.', default: '${{ github.token }}' },
  'dry-run': { description: 'Write the release\'s files into this folder instead of publishing.', default: '' },
} satisfies InputSpecs;

export const OUTPUTS = {
  tag: { description: 'The tag of the release.' },
  version: { description: 'The version released.' },
  'release-url': { description: 'The address of the release.' },
  attestation: { description: 'The address of the provenance attestation, when one was made.' },
  assets: { description: 'The assets, as JSON: name, size and SHA-256 of each.' },
} satisfies OutputSpecs;

export interface ReleaseOptions {
  model: string;
  evalReport: string;
  contract: string;
  profile: string;
  modelCardTemplate: string;
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

export function parseReleaseOptions(inputs: InputReader): ReleaseOptions {
  const tagPrefix = inputs.get('tag-prefix').trim();
  if (/[\s~^:?*[\\]/.test(tagPrefix)) throw new ConfigurationError(`${inputs.label('tag-prefix')} holds characters a git tag cannot have (got "${tagPrefix}")`);
  return {
    model: requireInput(inputs, 'model'),
    evalReport: requireInput(inputs, 'eval-report'),
    contract: inputs.get('contract').trim(),
    profile: inputs.get('profile').trim(),
    modelCardTemplate: inputs.get('model-card-template').trim(),
    version: inputs.get('version').trim() || 'auto',
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
