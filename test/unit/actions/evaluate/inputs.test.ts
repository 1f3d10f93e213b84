import { describe, expect, it } from 'vitest';
import { INPUTS, parseEvaluateOptions } from '../../../../src/actions/evaluate/inputs.js';
import { defaultedInputs, givenInputs } from '../../../support/inputs.js';

const required = { model: 'candidate.onnx', data: 'data.csv', label: 'label' };

describe('parseEvaluateOptions', () => {
  it.each(defaultedInputs(INPUTS))('reads %s given empty as its default, %j', (name, fallback) => {
    const declared = parseEvaluateOptions(givenInputs({ ...required, [name]: fallback }));
    expect(parseEvaluateOptions(givenInputs({ ...required, [name]: '' }))).toEqual(declared);
    expect(parseEvaluateOptions(givenInputs({ ...required, [name]: ' \n' }))).toEqual(declared);
  });

  it('takes each default from the declaration: an empty run has the declared numbers', () => {
    const options = parseEvaluateOptions(givenInputs(required));
    expect([options.minSliceRows, options.batchSize, options.bootstrap, options.seed]).toEqual([
      30, 8192, 1000, 20240101,
    ]);
    expect([
      options.task,
      options.output,
      options.rulesFrom,
      options.weakSlices,
      options.failOnGate,
      options.report,
    ]).toEqual(['auto', 'auto', 'base', true, true, 'mlgate-reports/eval-report.json']);
  });

  it.each([
    ['baseline', 'baseline', 'none'],
    ['override-label', 'overrideLabel', ''],
    ['tag-prefix', 'tagPrefix', ''],
  ] as const)('keeps the meaning of an empty %s', (name, option, meaning) => {
    expect(parseEvaluateOptions(givenInputs({ ...required, [name]: '' }))[option]).toBe(meaning);
  });

  it.each([
    [{}, 'input "label" is required'],
    [{ label: 'label' }, 'input "model" is required'],
    [{ label: 'label', model: 'm.onnx' }, 'input "data" is required'],
    [{ ...required, bootstrap: '-1' }, 'input "bootstrap" must be a whole number from 0 to 100000 (got "-1")'],
    [{ ...required, task: 'ranking' }, 'input "task" must be one of auto, classification, regression (got "ranking")'],
  ])('refuses %j', (given, message) => {
    expect(() => parseEvaluateOptions(givenInputs(given))).toThrow(message);
  });
});
