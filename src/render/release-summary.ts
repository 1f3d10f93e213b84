import type { ReleaseCheck } from '../core/release/gate.js';
import { escapeText, formatCount, statusIcon, table } from './markdown.js';

export interface ReleaseSummaryInput {
  tag: string;
  url?: string;
  action: string;
  checks: readonly ReleaseCheck[];
  assets: readonly { name: string; size: number; sha256: string }[];
}

/** The job summary of a release: its checks and its assets with their checksums. */
export function renderReleaseSummary(input: ReleaseSummaryInput): string {
  const passed = input.checks.every((c) => c.passed);
  const title = input.url ? `[${escapeText(input.tag, 100)}](${input.url})` : escapeText(input.tag, 100);
  return [
    `## ${statusIcon(passed ? 'pass' : 'fail')} mlgate release ${title}: ${escapeText(input.action, 300)}`,
    table(
      ['', 'Check', 'Result'],
      input.checks.map((c) => [statusIcon(c.passed ? 'pass' : 'fail'), c.name, escapeText(c.reason, 300)]),
    ),
    input.assets.length > 0
      ? table(
          ['Asset', 'Bytes', 'SHA-256'],
          input.assets.map((a) => [escapeText(a.name, 100), formatCount(a.size), a.sha256]),
          ['l', 'r', 'l'],
        )
      : '',
  ]
    .filter(Boolean)
    .join('\n\n')
    .concat('\n');
}
