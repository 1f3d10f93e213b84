import { describe, expect, it } from 'vitest';
import { INPUTS, parseValidateDataOptions } from '../../../../src/actions/validate-data/inputs.js';
import { defaultedInputs, givenInputs } from '../../../support/inputs.js';

const required = { data: 'data.csv', contract: 'contract.yml' };

describe('parseValidateDataOptions', () => {
  it.each(defaultedInputs(INPUTS))('reads %s given empty as its default, %j', (name, fallback) => {
    const declared = parseValidateDataOptions(givenInputs({ ...required, [name]: fallback }));
    expect(parseValidateDataOptions(givenInputs({ ...required, [name]: '' }))).toEqual(declared);
    expect(parseValidateDataOptions(givenInputs({ ...required, [name]: ' \n' }))).toEqual(declared);
  });

  it('takes each default from the declaration', () => {
    const options = parseValidateDataOptions(givenInputs(required));
    expect([
      options.maxAnnotations,
      options.failOn,
      options.infer,
      options.rulesFrom,
      options.sampleSize,
      options.report,
      options.profile,
    ]).toEqual([
      50,
      'error',
      false,
      'base',
      100_000,
      'mlgate-reports/validation-report.json',
      'mlgate-reports/profile.json',
    ]);
  });

  it.each([
    [{ contract: 'c.yml' }, 'input "data" is required: the data files to check'],
    [{ data: 'd.csv' }, 'input "contract" is required (or set input "infer" to true to draft one from the data)'],
    [
      { ...required, 'max-annotations': '-3' },
      'input "max-annotations" must be a whole number from 0 to 10000 (got "-3")',
    ],
  ])('refuses %j', (given, message) => {
    expect(() => parseValidateDataOptions(givenInputs(given))).toThrow(message);
  });
});
