import { describe, expect, it } from 'vitest';
import { withDefaults, type InputSpecs } from '../../../../src/actions/runtime/inputs.js';
import { givenInputs } from '../../../support/inputs.js';

const specs = {
  mode: { description: 'm', default: 'check' },
  'artifact-name': { description: 'a', default: 'mlgate-model', keepEmpty: true },
  'github-token': { description: 't', default: '${{ github.token }}' },
  delimiter: { description: 'd', default: '' },
  reference: { description: 'r', required: true },
} satisfies InputSpecs;

describe('withDefaults', () => {
  it.each([
    ['an empty input reads as its default', 'mode', '', 'check'],
    ['white space alone is empty', 'mode', ' \n', 'check'],
    ['a given value reads as given', 'mode', ' issue ', ' issue '],
    ['keepEmpty: empty is a setting of its own', 'artifact-name', '', ''],
    ["an expression default is the runner's to resolve", 'github-token', '', ''],
    ['an empty default leaves the text as given', 'delimiter', ' ', ' '],
    ['a required input has no default', 'reference', '', ''],
    ['an undeclared input reads as given', 'other', '', ''],
  ])('%s', (_, name, given, read) => {
    expect(withDefaults(givenInputs({ [name]: given }), specs).get(name)).toBe(read);
  });

  it('names inputs as the reader it wraps does', () => {
    expect(withDefaults(givenInputs({}), specs).label('mode')).toBe('input "mode"');
  });
});
