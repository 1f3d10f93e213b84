import { describe, expect, it } from 'vitest';
import { INPUTS, parseDriftCheckOptions } from '../../../../src/actions/drift-check/inputs.js';
import { defaultedInputs, givenInputs } from '../../../support/inputs.js';

const required = { reference: 'reference.csv', current: 'current.csv' };

describe('parseDriftCheckOptions', () => {
  it.each(defaultedInputs(INPUTS))('reads %s given empty as its default, %j', (name, fallback) => {
    const declared = parseDriftCheckOptions(givenInputs({ ...required, [name]: fallback }));
    expect(parseDriftCheckOptions(givenInputs({ ...required, [name]: '' }))).toEqual(declared);
    expect(parseDriftCheckOptions(givenInputs({ ...required, [name]: ' \n' }))).toEqual(declared);
  });

  it('takes each default from the declaration', () => {
    const options = parseDriftCheckOptions(givenInputs(required));
    expect([
      options.sampleSize,
      options.driftShare,
      options.correction,
      options.newCategories,
      options.failOnDrift,
      options.mode,
      options.issueLabel,
    ]).toEqual([100_000, 0, 'bh', 'drift', false, 'check', 'mlgate-drift']);
  });

  it('keeps the meaning of an empty tag-prefix', () => {
    expect(parseDriftCheckOptions(givenInputs({ ...required, 'tag-prefix': '' })).tagPrefix).toBe('');
  });

  it.each([
    [{ reference: 'r.csv' }, 'input "current" is required'],
    [
      { ...required, 'drift-share': '2' },
      'input "drift-share" must be any, or a share above 0 and at most 1 (got "2")',
    ],
    [
      { ...required, 'sample-size': 'some' },
      'input "sample-size" must be a whole number of rows, or all for every row (got "some")',
    ],
  ])('refuses %j', (given, message) => {
    expect(() => parseDriftCheckOptions(givenInputs(given))).toThrow(message);
  });
});
