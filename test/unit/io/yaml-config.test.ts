import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../src/core/errors.js';
import { MAX_ALIASES, parseYamlConfig } from '../../../src/io/yaml-config.js';

function problem(text: string): string {
  try {
    parseYamlConfig(text, 'c.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('parsed without an error');
}

describe('parseYamlConfig', () => {
  it('reads merge keys as YAML 1.1 does: explicit keys win, the first of several sources wins', () => {
    const text = 'a: &a { x: 1, y: 2 }\nb: &b { y: 3, z: 4 }\nc:\n  <<: [*a, *b]\n  x: 0\nd:\n  <<: *a\n  <<: *b\n';
    expect(parseYamlConfig(text, 'c.yml').value).toEqual({
      a: { x: 1, y: 2 },
      b: { y: 3, z: 4 },
      c: { x: 0, y: 2, z: 4 },
      d: { x: 1, y: 2, z: 4 },
    });
  });

  it('gives the line of a JSON path, stopping at the deepest node that is in the file', () => {
    const { lineOf } = parseYamlConfig('columns:\n  a:\n    type: int\n  b:\n    <<: { type: int }\n', 'c.yml');
    expect([lineOf(['columns', 'a', 'type']), lineOf(['columns', 'b', 'type']), lineOf(['nope'])]).toEqual([3, 4, 1]);
  });

  it.each([
    ['broken syntax', 'a: [1\n', /^c\.yml:2: not valid YAML \(/],
    [
      'a repeated key',
      'a: 1\nb:\n  x: 1\n  x: 2\n',
      /^c\.yml:4: the key x appears twice in the same mapping; keep one$/,
    ],
    [
      'a key repeated as a number and a string',
      'a: 1\nb:\n  1: x\n  "1": y\n',
      /^c\.yml:4: the key 1 appears twice in the same mapping; keep one$/,
    ],
    ['an alias to no anchor', 'a: 1\nb: *x\n', /^c\.yml:2: not valid YAML \(/],
    [
      'a merge of a scalar',
      'a: &a 1\nb:\n  <<: *a\n',
      /^c\.yml:3: not valid YAML \(Merge sources must be maps or map aliases\)/,
    ],
    [
      'nested aliases past the bound',
      'a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      /^c\.yml:5: the YAML aliases up to here expand to more than 100000 values/,
    ],
    [
      'too many aliases',
      `a: &a 1\nb: [${Array(MAX_ALIASES + 1)
        .fill('*a')
        .join(', ')}]\n`,
      /^c\.yml:2: more than 10000 YAML aliases/,
    ],
  ])('refuses %s with the file and line', (_, text, message) => {
    expect(problem(text)).toMatch(message);
  });

  it('allows as many aliases as a wide contract needs, quickly', () => {
    const text = `base: &base { type: float, nullable: false }\ncolumns:\n${Array.from({ length: 9000 }, (_, i) => `  c${i}: { <<: *base }\n`).join('')}`;
    const started = Date.now();
    const { value } = parseYamlConfig(text, 'c.yml') as { value: { columns: Record<string, unknown> } };
    expect(Object.keys(value.columns)).toHaveLength(9000);
    expect(value.columns.c8999).toEqual({ type: 'float', nullable: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
