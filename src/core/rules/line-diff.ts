/** Bounds on a diff meant for people: a pull-request comment, a report. */
export interface LineDiffLimits {
  /** Lines of the diff kept at most; the rest is counted in the last line. */
  maxLines: number;
  /** Characters of one line kept at most. */
  maxLineLength: number;
  /** Unchanged lines shown around each change. */
  context: number;
}

/** Small enough for a comment (about 4,000 characters of text), enough to show what a rules file loosens. */
export const DEFAULT_DIFF_LIMITS: LineDiffLimits = { maxLines: 40, maxLineLength: 100, context: 2 };

/**
 * Past this many cells the longest-common-subsequence table costs too much for a comment; the middle is then
 * shown as all removed, then all added, which is still a true diff, only not the shortest one.
 */
const MAX_TABLE_CELLS = 4_000_000;

type Edit = { op: ' ' | '-' | '+'; line: string };

/**
 * A line-based diff of two texts in the unified format's spirit (`-` removed, `+` added, ` ` unchanged context,
 * `…` for skipped unchanged lines), bounded by `limits`. The common prefix and suffix are stripped first, then the
 * rest is aligned by the longest common subsequence of lines (O(n·m) time and space on what is left).
 * @example diffLines('a\nb\n', 'a\nc\n') === ' a\n-b\n+c'
 */
export function diffLines(before: string, after: string, limits: LineDiffLimits = DEFAULT_DIFF_LIMITS): string {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const edits: Edit[] = [
    ...a.slice(0, start).map((line) => ({ op: ' ' as const, line })),
    ...alignMiddle(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map((line) => ({ op: ' ' as const, line })),
  ];
  return formatEdits(edits, limits);
}

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function alignMiddle(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_TABLE_CELLS)
    return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..], one flat array.
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i++]! });
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      edits.push({ op: '-', line: a[i++]! });
    } else {
      edits.push({ op: '+', line: b[j++]! });
    }
  }
  while (i < n) edits.push({ op: '-', line: a[i++]! });
  while (j < m) edits.push({ op: '+', line: b[j++]! });
  return edits;
}

function formatEdits(edits: readonly Edit[], limits: LineDiffLimits): string {
  // Unchanged lines are kept only within `context` lines of a change.
  const near = new Uint8Array(edits.length);
  edits.forEach((edit, index) => {
    if (edit.op === ' ') return;
    for (let k = Math.max(0, index - limits.context); k <= Math.min(edits.length - 1, index + limits.context); k++)
      near[k] = 1;
  });
  const out: string[] = [];
  let skipped = false;
  let changes = 0;
  for (let index = 0; index < edits.length; index++) {
    const edit = edits[index]!;
    if (!near[index]) {
      skipped = true;
      continue;
    }
    if (skipped && out.length > 0) out.push('…');
    skipped = false;
    if (edit.op !== ' ') changes++;
    out.push(`${edit.op}${cut(edit.line, limits.maxLineLength)}`);
  }
  if (out.length <= limits.maxLines) return out.join('\n');
  const kept = out.slice(0, limits.maxLines);
  const shownChanges = kept.filter((l) => l.startsWith('-') || l.startsWith('+')).length;
  const hidden = changes - shownChanges;
  return [...kept, hidden > 0 ? `… ${hidden} more changed line(s) not shown` : '… more unchanged lines not shown'].join(
    '\n',
  );
}

function cut(line: string, max: number): string {
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}
