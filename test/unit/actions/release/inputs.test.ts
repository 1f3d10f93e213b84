import { describe, expect, it } from 'vitest';
import { INPUTS, parseReleaseOptions } from '../../../../src/actions/release/inputs.js';
import { defaultedInputs, givenInputs } from '../../../support/inputs.js';

const required = { model: 'model.onnx', 'eval-report': 'eval-report.json' };

describe('parseReleaseOptions', () => {
  it.each(defaultedInputs(INPUTS))('reads %s given empty as its default, %j', (name, fallback) => {
    const declared = parseReleaseOptions(givenInputs({ ...required, [name]: fallback }));
    expect(parseReleaseOptions(givenInputs({ ...required, [name]: '' }))).toEqual(declared);
    expect(parseReleaseOptions(givenInputs({ ...required, [name]: ' \n' }))).toEqual(declared);
  });

  it('takes each default from the declaration', () => {
    const options = parseReleaseOptions(givenInputs(required));
    expect([
      options.source,
      options.artifactNames,
      options.version,
      options.bump,
      options.draft,
      options.makeLatest,
      options.attest,
    ]).toEqual(['workspace', ['mlgate-reports'], 'auto', 'patch', false, true, false]);
  });

  it('keeps the meaning of an empty tag-prefix: tags that are the bare version', () => {
    expect(parseReleaseOptions(givenInputs({ ...required, 'tag-prefix': '' })).tagPrefix).toBe('');
  });

  it.each([
    [{ 'eval-report': 'e.json' }, 'input "model" is required'],
    [{ ...required, bump: 'huge' }, 'input "bump" must be one of patch, minor, major (got "huge")'],
    [
      { source: 'check-run' },
      'input "source" check-run needs input "check-workflow": the file name of the pull-request workflow (e.g. mlgate.yml)',
    ],
  ])('refuses %j', (given, message) => {
    expect(() => parseReleaseOptions(givenInputs(given))).toThrow(message);
  });
});
