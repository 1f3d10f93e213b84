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

  it('measures permutation importance only when asked, on 10,000 rows with 5 repeats unless told otherwise', () => {
    expect(parseEvaluateOptions(givenInputs(required)).permutationImportance).toBeUndefined();
    expect(
      parseEvaluateOptions(givenInputs({ ...required, 'permutation-importance': 'true' })).permutationImportance,
    ).toEqual({ rows: 10_000, repeats: 5 });
    expect(
      parseEvaluateOptions(
        givenInputs({
          ...required,
          'permutation-importance': 'true',
          'importance-rows': '2000',
          'importance-repeats': '3',
        }),
      ).permutationImportance,
    ).toEqual({ rows: 2000, repeats: 3 });
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
    [
      { ...required, 'permutation-importance': 'yes' },
      'input "permutation-importance" must be true or false (got "yes")',
    ],
    [
      { ...required, 'importance-rows': '5' },
      'input "importance-rows" must be a whole number from 10 to 1000000 (got "5")',
    ],
    [
      { ...required, 'permutation-importance': 'true', 'importance-repeats': '0' },
      'input "importance-repeats" must be a whole number from 1 to 100 (got "0")',
    ],
    [
      { ...required, 'permutation-importance': 'true', shard: '1/2' },
      'input "permutation-importance" samples the rows of one run, which a shard or a merge does not have; set it to false in sharded runs, or evaluate in one job',
    ],
    [
      { 'permutation-importance': 'true', merge: 'partials/*.json' },
      'input "permutation-importance" samples the rows of one run',
    ],
  ])('refuses %j', (given, message) => {
    expect(() => parseEvaluateOptions(givenInputs(given))).toThrow(message);
  });
});
