import { describe, expect, it } from 'vitest';
import { INPUTS, parsePrCommentOptions } from '../../../../src/actions/pr-comment/inputs.js';
import type { GitHubContext } from '../../../../src/github/context.js';
import { defaultedInputs, givenInputs } from '../../../support/inputs.js';

const context = { eventName: 'pull_request' } as GitHubContext;

describe('parsePrCommentOptions', () => {
  it.each(defaultedInputs(INPUTS))('reads %s given empty as its default, %j', (name, fallback) => {
    const declared = parsePrCommentOptions(givenInputs({ [name]: fallback }), context);
    expect(parsePrCommentOptions(givenInputs({ [name]: '' }), context)).toEqual(declared);
    expect(parsePrCommentOptions(givenInputs({ [name]: ' \n' }), context)).toEqual(declared);
  });

  it('takes each default from the declaration', () => {
    const options = parsePrCommentOptions(givenInputs({}), context);
    expect([options.reports, options.key, options.mode, options.summary, options.artifactName]).toEqual([
      ['**/*-report.json'],
      'mlgate',
      'pull_request',
      true,
      'mlgate-reports',
    ]);
  });

  it.each([
    [{ mode: 'push' }, 'input "mode" must be one of auto, pull_request, workflow_run (got "push")'],
    [{ 'pull-request': '0' }, 'input "pull-request" must be a whole number from 1 to 9007199254740991 (got "0")'],
  ])('refuses %j', (given, message) => {
    expect(() => parsePrCommentOptions(givenInputs(given), context)).toThrow(message);
  });
});
