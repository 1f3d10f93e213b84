import { describe, expect, it } from 'vitest';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

// A pattern that backtracks exponentially on a backtracking engine: each extra "a" doubles the work.
const EVIL = 'columns:\n  code: { type: string, pattern: "(a+)+$" }\n';
const VALUES = [`${'a'.repeat(30)}b`, 'aaaa', 'b'];

describe('contract patterns run in linear time', () => {
  it("a catastrophic pattern against 30 a's and a b is judged quickly, and reported as a violation", async () => {
    const cwd = dataFolder({ 'd.csv': `code\n${VALUES.join('\n')}\n`, 'contract.yml': EVIL });
    const started = Date.now();
    // A backtracking engine needs minutes here; the bundle is killed long before.
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
      timeoutMs: 20_000,
    });
    const elapsed = Date.now() - started;
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(elapsed).toBeLessThan(5_000);
    // The whole value must match: "aaaa" passes, the other two fail.
    expect(result.outputs.violations).toBe('1');
    expect(result.annotations[0]).toMatchObject({
      file: 'd.csv',
      line: 2,
      message: expect.stringMatching(
        /^code: pattern: values that do not match the pattern \(a\+\)\+\$ \(value "a{30}b"\); 2 row\(s\) in all/,
      ),
    });
  });

  it.each([
    ['a backreference', '(a)\\\\1', 'a backreference (\\1)'],
    ['a lookahead', 'a(?=b)', 'a lookahead ((?=)'],
    ['a lookbehind', '(?<!x)a', 'a negative lookbehind ((?<!)'],
  ])('%s is refused with one line naming the contract, the column and why, exit 1', async (_, pattern, construct) => {
    const message = `contract.yml:4: columns.code.pattern: pattern uses ${construct}, which only a backtracking engine can run; mlgate matches patterns in linear time (RE2 syntax), which has no backreferences or lookaround; rewrite the pattern without it`;
    const cwd = dataFolder({
      'd.csv': 'code\naa\n',
      'contract.yml': `columns:\n  code:\n    type: string\n    pattern: "${pattern}"\n`,
    });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
      timeoutMs: 20_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message).toBe(message);
    expect(result.annotations[0]).toMatchObject({ file: 'contract.yml', line: 4 });
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the CLI refuses a backreference with one line on stderr and exit 1', async () => {
    const cwd = dataFolder({
      'd.csv': 'code\naa\n',
      'c.yml': 'columns:\n  code: { type: string, pattern: "(a)\\\\1" }\n',
    });
    const result = await runCli(['validate-data', 'd.csv', '--contract', 'c.yml'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      'error: c.yml:2: columns.code.pattern: pattern uses a backreference (\\1), which only a backtracking engine can run; mlgate matches patterns in linear time (RE2 syntax), which has no backreferences or lookaround; rewrite the pattern without it\n',
    );
  });
});
