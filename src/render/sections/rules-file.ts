import type { RulesFile } from '../../core/documents.js';
import { details, escapeText } from '../markdown.js';

/** Characters of one diff line shown in the comment (the report keeps up to its own bound). */
const DIFF_LINE_CHARS = 120;

/**
 * What a section says about the rules file it applied on a pull request: a note for its body when the pull
 * request changes, deletes or adds the file, or when its own version applied by choice, and the change as a
 * collapsed diff. Nothing outside pull requests, where the file as checked out is the only version.
 */
export function renderRulesFileNote(file: RulesFile | undefined, kind: string): { note?: string; diff?: string } {
  if (!file?.applied || !file.path) return {};
  const name = `${kind} ${escapeText(file.path, 120)}`;
  const base = file.base_sha ? ` (${file.base_sha.slice(0, 7)})` : '';
  if (file.applied === 'head') {
    if (file.new_in_pull_request)
      return {
        note: `ℹ️ The ${name} is new in this pull request: its version was applied, as the base branch has none.`,
      };
    return { note: `ℹ️ The pull request's own ${name} was applied (rules-from: head), not the base branch's.` };
  }
  if (!file.head_differs) return {};
  const deleted = file.head_sha256 === undefined;
  const note = `⚠️ This pull request ${deleted ? 'deletes' : 'changes'} the ${name}: the base branch's version${base} was applied. The change applies once it is merged.`;
  if (!file.diff) return { note };
  const lines = file.diff.split('\n').map((line) => escapeText(line, DIFF_LINE_CHARS));
  return {
    note,
    diff: details(`This pull request's changes to ${name} (not applied)`, `<pre>\n${lines.join('\n')}\n</pre>`),
  };
}
