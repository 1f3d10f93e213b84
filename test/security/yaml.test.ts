import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFolder } from '../support/datasets.js';
import { teacherLayers, writeClassificationCsv, writeModel } from '../support/models.js';
import { runAction } from '../support/run-action.js';

/** "Billion laughs": nine levels of nine aliases each, 9^9 values once expanded, from a 300-byte file. */
function aliasBomb(): string {
  const levels = 'abcdefghi';
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < levels.length; i++)
    lines.push(
      `${levels[i]}: &${levels[i]} [${Array(9)
        .fill(`*${levels[i - 1]}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('YAML in a contract', () => {
  it('an alias bomb is a contract error naming the file and the line of the alias, not a bug in mlgate', async () => {
    const cwd = dataFolder({
      'd.csv': 'code\naa\n',
      'contract.yml': `columns:\n  code: { type: string }\n${aliasBomb()}`,
    });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(
      /^contract\.yml:\d+: the YAML aliases up to here expand to more than 100000 values/,
    );
    expect(result.annotations[0]).toMatchObject({ file: 'contract.yml' });
    expect(result.annotations[0]!.line).toBeGreaterThan(3);
    expect(result.stdout + result.stderr).not.toMatch(/a bug in mlgate|\n\s+at /);
  });

  it('merge keys (<<: *base) work, and the merged contract is checked like any other', async () => {
    const contract =
      'columns:\n  id: &base\n    type: string\n    nullable: false\n  code:\n    <<: *base\n    pattern: "[a-z]+"\n';
    const cwd = dataFolder({ 'd.csv': 'id,code\nx,ab\ny,\nz,AB\n', 'contract.yml': contract });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(result.exitCode, result.stdout).toBe(1);
    // Both rules come from the merge: the missing value breaks nullable: false, "AB" the pattern.
    expect(result.annotations.slice(0, 2)).toEqual([
      {
        level: 'error',
        file: 'd.csv',
        line: 3,
        message: 'code: not_null: missing values in a column that must not have any; 1 row(s) in all',
      },
      {
        level: 'error',
        file: 'd.csv',
        line: 4,
        message: 'code: pattern: values that do not match the pattern [a-z]+ (value "AB"); 1 row(s) in all',
      },
    ]);
  });

  it('a merge that brings in an unknown rule is refused with the file and line', async () => {
    const contract = 'columns:\n  id: { type: string }\n  code:\n    <<: { type: string, maximum: 3 }\n';
    const cwd = dataFolder({ 'd.csv': 'id,code\nx,ab\n', 'contract.yml': contract });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(
      /^contract\.yml:3: \/columns\/code: must NOT have additional properties \(unknown rule "maximum"\)/,
    );
  });
});

describe('YAML in a gate policy', () => {
  it('an alias bomb is a policy error naming the file and the line of the alias', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
    writeClassificationCsv(join(cwd, 'data.csv'), 50, 3, ['a', 'b']);
    writeModel(join(cwd, 'm.onnx'), {
      features: ['f0', 'f1', 'f2'],
      classes: ['a', 'b'],
      layers: teacherLayers(3, 2),
      output: 'softmax',
    });
    writeFileSync(join(cwd, 'policy.yml'), `metrics:\n  accuracy: { min: 0.1 }\n${aliasBomb()}`);
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'm.onnx', baseline: 'none', data: 'data.csv', label: 'label', policy: 'policy.yml' },
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations, result.stdout).toHaveLength(1);
    expect(result.annotations[0]!.message).toMatch(
      /^policy\.yml:\d+: the YAML aliases up to here expand to more than 100000 values/,
    );
    expect(result.annotations[0]!.line).toBeGreaterThan(3);
  });

  it('merge keys work in a policy', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-eval-'));
    writeClassificationCsv(join(cwd, 'data.csv'), 50, 3, ['a', 'b']);
    writeModel(join(cwd, 'm.onnx'), {
      features: ['f0', 'f1', 'f2'],
      classes: ['a', 'b'],
      layers: teacherLayers(3, 2),
      output: 'softmax',
    });
    writeFileSync(join(cwd, 'policy.yml'), 'metrics:\n  accuracy: &floor { min: 1.01 }\n  f1_macro:\n    <<: *floor\n');
    const result = await runAction({
      action: 'evaluate',
      cwd,
      inputs: { model: 'm.onnx', baseline: 'none', data: 'data.csv', label: 'label', policy: 'policy.yml' },
    });
    // f1_macro's rule comes from the merge: the gate holds it to the same minimum as accuracy.
    expect(result.exitCode, result.stdout).toBe(1);
    expect(result.annotations.at(-1)!.message).toMatch(
      /^The evaluation gate failed: accuracy is [\d.]+, below the minimum 1\.01; f1_macro is [\d.]+, below the minimum 1\.01/,
    );
  });
});
