import { describe, expect, it } from 'vitest';
import { cliInputReader, parseArgs } from '../../../src/cli/args.js';

const specs = {
  reports: { description: 'r', default: '*.json' },
  mode: { description: 'm', default: 'auto' },
  'github-token': { description: 't', default: '${{ github.token }}' },
  summary: { description: 's', default: 'true' },
};

describe('parseArgs', () => {
  it('reads --name value, --name=value, bare flags and positionals', () => {
    const args = parseArgs(['a.json', '--mode=pull_request', '--summary', '--reports', 'b.json'], specs, 'reports');
    const inputs = cliInputReader(args, specs, {});
    expect(inputs.get('reports')).toBe('a.json\nb.json');
    expect(inputs.get('mode')).toBe('pull_request');
    expect(inputs.get('summary')).toBe('true');
  });

  it('falls back to defaults, with $GITHUB_TOKEN for the token', () => {
    const inputs = cliInputReader(parseArgs([], specs), specs, { GITHUB_TOKEN: 'tok' });
    expect([inputs.get('reports'), inputs.get('mode'), inputs.get('github-token')]).toEqual(['*.json', 'auto', 'tok']);
    expect(inputs.label('mode')).toBe('option --mode');
  });

  it.each([
    [['--nope'], /unknown option --nope; the options are --reports, --mode/],
    [['stray'], /unexpected argument "stray"/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, specs)).toThrow(message);
  });
});
