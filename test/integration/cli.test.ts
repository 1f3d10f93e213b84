import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('mlgate CLI (dist/cli)', () => {
  it('pr-comment prints the Markdown when there is no GitHub context', async () => {
    const result = await runCli(['pr-comment', 'test/fixtures/reports/eval-report.json', 'test/fixtures/reports/drift-report.json']);
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
    [['pr-comment', '--mode', 'x', 'a.json'], 1, 'error: option --mode must be one of auto, pull_request, workflow_run (got "x")'],
    [['pr-comment', '--colour'], 1, 'error: unknown option --colour'],
    [['frobnicate'], 2, 'error: unknown command "frobnicate"'],
  ])('%j fails with one clear line and no stack trace', async (args, code, message) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(code);
    expect(result.stderr.startsWith(message), result.stderr).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help lists every command, and a command\'s --help its options', async () => {
    expect((await runCli(['--help'])).stdout).toContain('pr-comment');
    const help = await runCli(['pr-comment', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--github-token');
  });
});

describe('mlgate demo', () => {
  it('runs the loop on the weather example and writes every document', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mlgate-demo-'));
    const result = await runCli(['demo'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^mlgate demo finished in [\d.]+s\n {2}data {8}out\/demo\/data\/reference\.csv, out\/demo\/data\/current\.csv\n/);
    expect(readFileSync(join(cwd, 'out/demo/contract.yml'), 'utf8')).toContain('weather:\n    type: category');
    expect(readFileSync(join(cwd, 'out/demo/pr-comment.md'), 'utf8')).toContain('### ✅ Data validation');
  });
});
