import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { InputSpecs, OutputSpecs } from '../../src/actions/runtime/inputs.js';
import { ROOT } from '../support/run-action.js';

const actions = readdirSync(join(ROOT, 'actions')).filter((name) =>
  existsSync(join(ROOT, 'actions', name, 'action.yml')),
);

interface Manifest {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

describe.each(actions)('actions/%s/action.yml', (action) => {
  const manifest = parseYaml(readFileSync(join(ROOT, 'actions', action, 'action.yml'), 'utf8')) as Manifest;

  it('runs its own dist bundle on node24', () => {
    expect(manifest.runs.using).toBe('node24');
    expect(manifest.runs.main).toBe(`../../dist/${action}/index.js`);
    expect(existsSync(resolve(ROOT, 'actions', action, manifest.runs.main))).toBe(true);
  });

  it('declares exactly the inputs and outputs its code reads and writes, with the same defaults and descriptions', async () => {
    const spec = (await import(`../../src/actions/${action}/inputs.ts`)) as {
      INPUTS: InputSpecs;
      OUTPUTS: OutputSpecs;
    };
    const inputs = Object.fromEntries(
      Object.entries(spec.INPUTS)
        .filter(([, s]) => !s.cliOnly)
        .map(([name, s]) => [
          name,
          {
            description: s.description,
            ...(s.default !== undefined ? { default: s.default } : {}),
            ...(s.required ? { required: true } : {}),
          },
        ]),
    );
    expect(manifest.inputs).toEqual(inputs);
    expect(manifest.outputs).toEqual(spec.OUTPUTS);
  });
});

describe.each(actions)('actions/%s/README.md', (action) => {
  const manifest = parseYaml(readFileSync(join(ROOT, 'actions', action, 'action.yml'), 'utf8')) as Manifest;
  const readme = readFileSync(join(ROOT, 'actions', action, 'README.md'), 'utf8');
  /** Rows of the table under a heading: first cell (the name in backticks) to the other cells. */
  const rows = (heading: string) => {
    const section = readme.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
    return Object.fromEntries(
      section
        .split('\n')
        .filter((line) => /^\| `/.test(line))
        .map((line) =>
          line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim()),
        )
        .map(([name, ...cells]) => [name!.replace(/`/g, ''), cells]),
    );
  };

  it('documents every input with its default and description, as action.yml has them', () => {
    const documented = rows('Inputs');
    expect(Object.keys(documented)).toEqual(Object.keys(manifest.inputs));
    for (const [name, input] of Object.entries(manifest.inputs)) {
      const [fallback, description] = documented[name]!;
      expect(fallback, name).toBe(input.required ? '(required)' : input.default ? `\`${input.default}\`` : '');
      expect(description, name).toBe(input.description);
    }
  });

  it('documents every output as action.yml has it', () => {
    const documented = rows('Outputs');
    expect(Object.keys(documented)).toEqual(Object.keys(manifest.outputs));
    for (const [name, output] of Object.entries(manifest.outputs))
      expect(documented[name]![0], name).toBe(output.description);
  });
});
