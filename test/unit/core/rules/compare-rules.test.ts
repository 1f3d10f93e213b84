import { describe, expect, it } from 'vitest';
import { chooseRulesVersion } from '../../../../src/core/rules/compare-rules.js';
import { diffLines } from '../../../../src/core/rules/line-diff.js';

describe('diffLines', () => {
  it.each([
    ['a changed line, with context', 'a\nb\nc\n', 'a\nB\nc\n', ' a\n-b\n+B\n c'],
    ['an added line at the end', 'a\nb\n', 'a\nb\nc\n', ' a\n b\n+c'],
    ['a removed first line', 'a\nb\n', 'b\n', '-a\n b'],
    ['everything new', '', 'x\ny\n', '+x\n+y'],
    ['everything removed', 'x\ny\n', '', '-x\n-y'],
    ['no change', 'a\n', 'a\n', ''],
    ['CRLF against LF is no change', 'a\r\nb\r\n', 'a\nb\n', ''],
    ['moves aligned by the longest common subsequence', 'a\nb\nc\nd\n', 'b\nc\na\nd\n', '-a\n b\n c\n+a\n d'],
  ])('%s', (_, before, after, diff) => {
    expect(diffLines(before, after)).toBe(diff);
  });

  it('keeps two lines of context around changes and marks what it skips', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 3', 'LINE 3').replace('line 15', 'LINE 15');
    expect(diffLines(before, after)).toBe(
      [
        ' line 1',
        ' line 2',
        '-line 3',
        '+LINE 3',
        ' line 4',
        ' line 5',
        '…',
        ' line 13',
        ' line 14',
        '-line 15',
        '+LINE 15',
        ' line 16',
        ' line 17',
      ].join('\n'),
    );
  });

  it('is bounded in lines and line length, and says how many changes it left out', () => {
    const before = Array.from({ length: 500 }, (_, i) => `${i}: ${'x'.repeat(300)}`).join('\n');
    const after = Array.from({ length: 500 }, (_, i) => `${i}: ${'y'.repeat(300)}`).join('\n');
    const diff = diffLines(before, after).split('\n');
    expect(diff).toHaveLength(41);
    expect(diff.at(-1)).toBe('… 960 more changed line(s) not shown');
    expect(Math.max(...diff.map((l) => [...l].length))).toBeLessThanOrEqual(101);
  });

  it('stays fast on large files that differ throughout (no quadratic table past its bound)', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `a${i}`).join('\n');
    const after = Array.from({ length: 5000 }, (_, i) => `b${i}`).join('\n');
    const started = performance.now();
    expect(diffLines(before, after).split('\n')[0]).toBe('-a0');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('chooseRulesVersion', () => {
  const base = { text: 'max: 40\n', sha256: '1'.repeat(64) };
  const head = { text: 'max: 100\n', sha256: '2'.repeat(64) };
  const commits = { path: 'contract.yml', baseSha: 'b'.repeat(40), headSha: 'a'.repeat(40) };

  it("applies the base's version and records the head's change", () => {
    expect(chooseRulesVersion({ ...commits, base, head })).toEqual({
      text: 'max: 40\n',
      record: {
        path: 'contract.yml',
        sha256: base.sha256,
        applied: 'base',
        base_sha: commits.baseSha,
        head_sha: commits.headSha,
        base_sha256: base.sha256,
        head_differs: true,
        head_sha256: head.sha256,
        diff: '-max: 40\n+max: 100',
      },
    });
  });

  it('records no change when the two are the same', () => {
    expect(chooseRulesVersion({ ...commits, base, head: base }).record).toEqual({
      path: 'contract.yml',
      sha256: base.sha256,
      applied: 'base',
      base_sha: commits.baseSha,
      head_sha: commits.headSha,
      base_sha256: base.sha256,
    });
  });

  it("applies the head's version of a file new in the pull request", () => {
    expect(chooseRulesVersion({ ...commits, base: undefined, head })).toEqual({
      text: 'max: 100\n',
      record: {
        path: 'contract.yml',
        sha256: head.sha256,
        applied: 'head',
        base_sha: commits.baseSha,
        head_sha: commits.headSha,
        new_in_pull_request: true,
        head_sha256: head.sha256,
      },
    });
  });

  it("applies the base's version of a file the pull request deletes", () => {
    const { text, record } = chooseRulesVersion({ ...commits, base, head: undefined });
    expect(text).toBe('max: 40\n');
    expect(record).toMatchObject({ applied: 'base', head_differs: true, diff: '-max: 40' });
    expect(record.head_sha256).toBeUndefined();
  });
});
