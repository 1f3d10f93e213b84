import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDocument } from '../../src/io/documents.js';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

/**
 * Column names and category values that are also names on Object.prototype: used as keys of plain objects they
 * read what the prototype holds, and writing `__proto__` sets the prototype instead of a key.
 */
const COLUMNS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x'];
const VALUES = ['__proto__', 'constructor', 'toString', 'q'];

const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);

/** `rows` rows; `shift` moves the `__proto__` column and tilts the categories of `toString` to `__proto__`. */
function csv(rows: number, shift: number, from = 0): string {
  const lines = [COLUMNS.join(',')];
  for (let i = from; i < from + rows; i++) {
    const value = shift > 0 && i % 2 === 0 ? '__proto__' : VALUES[i % VALUES.length];
    lines.push(`${(noise(i) + shift).toFixed(4)},${['a', 'b', 'c'][i % 3]},${value},${i},${noise(i * 7).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

const CONTRACT = [
  'columns:',
  '  __proto__: { type: float, min: 0, max: 0.9 }',
  '  constructor: { type: category, allowed: [a, b] }',
  '  toString: { type: category, allowed: [__proto__, constructor, toString, q] }',
  '  hasOwnProperty: { type: int, unique: true }',
  '  x: { type: float }',
  '',
].join('\n');

async function document(cwd: string, path: string): Promise<any> {
  const { document: value } = await parseDocument<any>(readFileSync(join(cwd, path), 'utf8'), path);
  delete value.created_at;
  return value;
}

const summary = (report: any) => report.violations.map((v: any) => [v.column, v.rule, v.count]);

describe('names from data that are also Object.prototype names', () => {
  it('validate-data checks and profiles every column, and finds the columns a contract does not describe', async () => {
    const cwd = dataFolder({
      'data.csv': csv(400, 0),
      'contract.yml': CONTRACT,
      'only-x.yml': 'columns:\n  x: { type: float }\ndataset:\n  extra_columns: forbid\n',
    });
    const checked = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'data.csv', contract: 'contract.yml' },
    });
    expect(checked.exitCode, checked.stdout + checked.stderr).toBe(1);
    expect(checked.stdout).not.toMatch(/a bug in mlgate/);
    const report = await document(cwd, 'mlgate-reports/validation-report.json');
    expect(summary(report)).toEqual([
      ['__proto__', 'max', 42],
      ['constructor', 'allowed', 133],
    ]);
    const profile = await document(cwd, 'mlgate-reports/profile.json');
    expect(profile.columns.map((c: any) => c.name)).toEqual(COLUMNS);
    expect(profile.columns[2].categories.counts.map(([value]: [string]) => value).sort()).toEqual([...VALUES].sort());

    const extra = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'data.csv', contract: 'only-x.yml', report: 'extra.json' },
    });
    expect(extra.exitCode, extra.stdout + extra.stderr).toBe(1);
    expect(summary(await document(cwd, 'extra.json'))).toEqual(
      COLUMNS.slice(0, 4).map((name) => [name, 'extra_column', 1]),
    );
  });

  it('drift-check compares every column against a profile written by validate-data', async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'cur.csv': csv(600, 0.5) });
    const profiled = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'ref.csv', infer: 'true', contract: 'contract.yml', profile: 'profile.json' },
    });
    expect(profiled.exitCode, profiled.stdout + profiled.stderr).toBe(0);
    const result = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'profile.json', current: 'cur.csv' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const report = await document(cwd, 'mlgate-reports/drift-report.json');
    expect(report.features.map((f: any) => [f.column, f.test, f.status])).toEqual([
      ['__proto__', 'ks', 'drift'],
      ['constructor', 'chi2', 'ok'],
      ['toString', 'chi2', 'drift'],
      // A whole-number column unique per row is an identifier: skipped, whatever its name.
      ['hasOwnProperty', 'none', 'skipped'],
      ['x', 'ks', 'ok'],
    ]);
    expect(report.features[2].distribution.labels).toEqual(expect.arrayContaining(VALUES));
  });

  it('infer-contract lists every column, and every category value', async () => {
    const cwd = dataFolder({ 'data.csv': csv(400, 0) });
    const result = await runCli(['infer-contract', 'data.csv', '--output', 'contract.yml'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('5 columns from 400 rows');
    const contract = parseYaml(readFileSync(join(cwd, 'contract.yml'), 'utf8'));
    expect(Object.keys(contract.columns)).toEqual(COLUMNS);
    expect(contract.columns.toString.allowed).toEqual([...VALUES].sort());
    expect(contract.columns.hasOwnProperty).toMatchObject({ type: 'int', unique: true });
  });

  it('sharded validate-data merges into the report and profile of one run, in the action and in mlgate merge', async () => {
    const cwd = dataFolder({ 'a.csv': csv(300, 0), 'b.csv': csv(300, 0, 300), 'contract.yml': CONTRACT });
    const inputs = { data: 'a.csv, b.csv', contract: 'contract.yml' };
    const whole = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { ...inputs, report: 'whole.json', profile: 'whole-profile.json' },
    });
    expect(whole.exitCode, whole.stdout + whole.stderr).toBe(1);
    for (const shard of ['1/2', '2/2']) {
      const part = await runAction({ action: 'validate-data', cwd, inputs: { ...inputs, shard } });
      expect(part.exitCode, part.stdout + part.stderr).toBe(0);
    }
    const merged = await runAction({
      action: 'validate-data',
      cwd,
      inputs: {
        merge: 'mlgate-reports/validate-data.shard-*-of-2.json',
        report: 'merged.json',
        profile: 'merged-profile.json',
      },
    });
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(1);
    expect(merged.stdout).not.toMatch(/a bug in mlgate/);
    expect(await document(cwd, 'merged.json')).toEqual(await document(cwd, 'whole.json'));
    const [one, parts] = [await document(cwd, 'whole-profile.json'), await document(cwd, 'merged-profile.json')];
    expect(parts.columns.map((c: any) => [c.name, c.count, c.categories, c.sample.length])).toEqual(
      one.columns.map((c: any) => [c.name, c.count, c.categories, c.sample.length]),
    );

    const cli = await runCli(
      ['merge', 'mlgate-reports/validate-data.shard-*-of-2.json', '--output', 'cli-merged.json'],
      { cwd },
    );
    expect(cli.stderr).not.toMatch(/a bug in mlgate/);
    expect(await document(cwd, 'cli-merged.json')).toEqual(await document(cwd, 'whole.json'));
  });

  it("sharded drift-check merges the current data's columns against the reference", async () => {
    const cwd = dataFolder({ 'ref.csv': csv(600, 0), 'a.csv': csv(300, 0.5), 'b.csv': csv(300, 0.5, 300) });
    const inputs = { reference: 'ref.csv', current: 'a.csv, b.csv' };
    for (const shard of ['1/2', '2/2']) {
      const part = await runAction({ action: 'drift-check', cwd, inputs: { ...inputs, shard } });
      expect(part.exitCode, part.stdout + part.stderr).toBe(0);
    }
    const merged = await runAction({
      action: 'drift-check',
      cwd,
      inputs: { reference: 'ref.csv', merge: 'mlgate-reports/drift-check.shard-*-of-2.json' },
    });
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(0);
    const report = await document(cwd, 'mlgate-reports/drift-report.json');
    expect(report.features.map((f: any) => [f.column, f.status])).toEqual([
      ['__proto__', 'drift'],
      ['constructor', 'ok'],
      ['toString', 'drift'],
      ['hasOwnProperty', 'skipped'],
      ['x', 'ok'],
    ]);
  });
});
