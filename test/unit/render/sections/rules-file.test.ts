import { describe, expect, it } from 'vitest';
import { renderRulesFileNote } from '../../../../src/render/sections/rules-file.js';

describe('renderRulesFileNote', () => {
  const base = {
    path: 'contract.yml',
    applied: 'base' as const,
    base_sha: 'b'.repeat(40),
    base_sha256: '1'.repeat(64),
    sha256: '1'.repeat(64),
  };

  it('says nothing outside pull requests, or when the pull request leaves the file alone', () => {
    expect(renderRulesFileNote({ path: 'contract.yml', sha256: '1'.repeat(64) }, 'contract')).toEqual({});
    expect(renderRulesFileNote(undefined, 'contract')).toEqual({});
    expect(renderRulesFileNote(base, 'contract')).toEqual({});
  });

  it("says the pull request changes the file and the base's version applied, with the diff escaped in a collapsed block", () => {
    const { note, diff } = renderRulesFileNote(
      { ...base, head_differs: true, head_sha256: '2'.repeat(64), diff: '-max: 40\n+max: 100 </pre>' },
      'contract',
    );
    expect(note).toBe(
      "⚠️ This pull request changes the contract contract&#46;yml: the base branch's version (bbbbbbb) was applied. The change applies once it is merged.",
    );
    expect(diff).toBe(
      "<details><summary>This pull request's changes to contract contract&#46;yml (not applied)</summary>\n\n<pre>\n&#45;max&#58; 40\n&#43;max&#58; 100 &#60;/pre&#62;\n</pre>\n\n</details>",
    );
  });

  it('says when the pull request deletes the file, adds it, or applies its own by choice', () => {
    expect(renderRulesFileNote({ ...base, head_differs: true }, 'gate policy').note).toMatch(
      /^⚠️ This pull request deletes the gate policy contract&#46;yml/,
    );
    expect(renderRulesFileNote({ path: 'c.yml', applied: 'head', new_in_pull_request: true }, 'contract').note).toBe(
      'ℹ️ The contract c&#46;yml is new in this pull request: its version was applied, as the base branch has none.',
    );
    expect(renderRulesFileNote({ path: 'c.yml', applied: 'head', base_sha: 'b'.repeat(40) }, 'contract').note).toBe(
      "ℹ️ The pull request's own contract c&#46;yml was applied (rules-from: head), not the base branch's.",
    );
  });
});
