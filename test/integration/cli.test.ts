import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('mlgate CLI (dist/cli)', () => {
  it('pr-comment prints the Markdown when there is no GitHub context', async () => {
    const result = await runCli([
      'pr-comment',
      'test/fixtures/reports/eval-report.json',
      'test/fixtures/reports/drift-report.json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^<!-- mlgate:mlgate -->\n\n## ⚠️ mlgate: passed with warnings/);
    expect(result.stdout).toContain('### ✅ Evaluation');
  });

  it('pr-comment --output writes the file and prints nothing on stdout', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mlgate-cli-')), 'sub', 'comment.md');
    const result = await runCli(['pr-comment', '--reports', 'test/fixtures/reports/*-report.json', '--output', out]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('### ✅ Training');
  });

  it.each([
    [['pr-comment', 'nope.json'], 1, 'error: nope.json: file not found'],
    [
      ['pr-comment', '--mode', 'x', 'a.json'],
      1,
      'error: option --mode must be one of auto, pull_request, workflow_run (got "x")',
    ],
    [['pr-comment', '--colour'], 1, 'error: unknown option --colour'],
    [['frobnicate'], 2, 'error: unknown command "frobnicate"'],
  ])('%j fails with one clear line and no stack trace', async (args, code, message) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(code);
    expect(result.stderr.startsWith(message), result.stderr).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("--help lists every command, and a command's --help its options", async () => {
    expect((await runCli(['--help'])).stdout).toContain('pr-comment');
    const help = await runCli(['pr-comment', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--github-token');
  });

  it.each(['validate-data', 'evaluate', 'drift-check', 'infer-contract'])(
    '%s takes --delimiter, --decimal, --format and --quote',
    async (command) => {
      const help = await runCli([command, '--help']);
      for (const option of ['--delimiter', '--decimal', '--format', '--quote'])
        expect(help.stdout, option).toContain(option);
    },
  );

  it('refuses a decimal that is not . or , naming the option', async () => {
    const result = await runCli(['drift-check', '--reference', 'a.csv', '--current', 'b.csv', '--decimal', ';']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/option --decimal must be one of \., , \(got ";"\)/);
  });
});

describe('mlgate demo', () => {
  it('runs the whole loop on the weather example, in well under a minute, and writes every document', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-demo-'));
    const started = Date.now();
    const result = await runCli(['demo'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(
      result.stderr
        .split('\n')
        .filter((l) => /^\d\/9 /.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual([
      '1/9 data',
      '2/9 infer-contract',
      '3/9 validate-data',
      '4/9 train',
      '5/9 train',
      '6/9 evaluate',
      '7/9 drift-check',
      '8/9 pr-comment',
      '9/9 release',
    ]);
    expect(result.stdout).toMatch(
      /^mlgate demo finished in [\d.]+s: candidate accuracy 0\.\d+ against 0\.\d+ for the baseline, gate passed\n/,
    );
    expect(readFileSync(join(cwd, 'out/demo/contract.yml'), 'utf8')).toContain('weather:\n    type: category');
    const comment = readFileSync(join(cwd, 'out/demo/pr-comment.md'), 'utf8');
    for (const section of ['Evaluation', '### ✅ Data validation', 'Drift', '### ✅ Training'])
      expect(comment).toContain(section);
    // 365 rows: accuracy improved beyond doubt, but macro F1 (five classes, some rare) could have fallen unseen.
    expect(comment).toMatch(
      /f1&#95;macro: this holdout \(365 rows\) can detect drops of 0\.\d+ or more; the policy tolerates 0\.01; about [\d,]+ rows would be needed\./,
    );
    expect(comment).not.toMatch(/- ⚠️ accuracy: this holdout/);
    const sums = readFileSync(join(cwd, 'out/demo/release/SHA256SUMS'), 'utf8');
    expect(
      sums
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[1])
        .sort(),
    ).toEqual(['contract.yml', 'eval-report.json', 'model-card.md', 'model.onnx', 'profile.json']);
    const model = readFileSync(join(cwd, 'out/demo/release/model.onnx'));
    expect(readFileSync(join(cwd, 'out/demo/models/candidate.onnx')).equals(model)).toBe(true);
  });
});
