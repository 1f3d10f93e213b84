import { describe, expect, it } from 'vitest';
import { INPUTS, parseTrainOptions } from '../../../../src/actions/train/inputs.js';
import { defaultedInputs, givenInputs } from '../../../support/inputs.js';

const required = { command: 'python train.py' };

describe('parseTrainOptions', () => {
  it.each(defaultedInputs(INPUTS))('reads %s given empty as its default, %j', (name, fallback) => {
    const declared = parseTrainOptions(givenInputs({ ...required, [name]: fallback }));
    expect(parseTrainOptions(givenInputs({ ...required, [name]: '' }))).toEqual(declared);
    expect(parseTrainOptions(givenInputs({ ...required, [name]: ' \n' }))).toEqual(declared);
  });

  it('takes each default from the declaration', () => {
    const options = parseTrainOptions(givenInputs(required));
    expect([
      options.workingDirectory,
      options.requireGpu,
      options.minGpuMemoryGiB,
      options.timeoutMinutes,
      options.sampleSeconds,
      options.report,
    ]).toEqual(['.', 'auto', 0, 360, 5, 'mlgate-reports/train-report.json']);
  });

  it('keeps the meaning of an empty artifact-name: no upload', () => {
    expect(parseTrainOptions(givenInputs({ ...required, 'artifact-name': '' })).artifactName).toBe('');
  });

  it.each([
    [{}, 'input "command" is required'],
    [{ ...required, 'timeout-minutes': '0' }, 'input "timeout-minutes" must be a number of minutes above 0 (got "0")'],
    [{ ...required, 'require-gpu': 'yes' }, 'input "require-gpu" must be one of true, false, auto (got "yes")'],
  ])('refuses %j', (given, message) => {
    expect(() => parseTrainOptions(givenInputs(given))).toThrow(message);
  });
});
