/**
 * Markdown building blocks. Everything a user controls (column, metric, file and branch names, values from data)
 * goes through `escapeText`, which makes it inert: no HTML, no mentions, no links, no table breaks.
 */

/** Longest user-controlled text shown in one place; longer text is cut with an ellipsis. */
export const MAX_TEXT = 200;

// ASCII punctuation that Markdown, GitHub's extensions (mentions, references, emoji, tables, autolinks: a dot makes
// `www.evil.example` a link) or HTML give meaning to.
const SPECIAL = /[!"#$&'()*+\-.:<=>@[\\\]^_`{|}~]/g;
// Control characters and the bidirectional overrides that can make text read differently than it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this pattern finds.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes untrusted text safe to place anywhere in Markdown or in a table cell: special characters become numeric
 * character references (rendered as themselves), line breaks become spaces, and long text is cut.
 * @example escapeText('</details>@everyone') === '&#60;/details&#62;&#64;everyone'
 */
export function escapeText(text: string, max = MAX_TEXT): string {
  let clean = text.replace(INVISIBLE, '').replace(/\r\n|\r|\n|\t/g, ' ');
  if ([...clean].length > max) clean = `${[...clean].slice(0, max - 1).join('')}…`;
  return clean.replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}

/** Any value from data (a string, number, boolean or null) as inert text. */
export function escapeValue(value: unknown, max = 60): string {
  if (value === null || value === undefined) return '_null_';
  if (typeof value === 'string') return escapeText(JSON.stringify(value), max);
  if (typeof value === 'number') return formatNumber(value);
  return escapeText(String(value), max);
}

/** A number for people: up to `digits` decimals, thousands separators, and never "NaN". */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(2);
  const rounded = Math.abs(value).toFixed(digits);
  const fixed = rounded.includes('.') ? rounded.replace(/\.?0+$/, '') : rounded;
  const [whole, fraction] = fixed.split('.');
  const text = groupThousands(whole!) + (fraction ? `.${fraction}` : '');
  return value < 0 && text !== '0' ? `-${text}` : text;
}

// toLocaleString would do this too, but its first call loads ICU data: tens of milliseconds of start-up.
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A difference with its sign always shown (+0.012, −0.3). */
export function formatSigned(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  const text = formatNumber(Math.abs(value), digits);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** A whole count with thousands separators. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? formatNumber(Math.round(value), 0) : 'n/a';
}

/** A share as a percentage (0.123 -> "12.3%"). */
export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return 'n/a';
  return `${(share * 100).toFixed(digits)}%`;
}

/** A duration in seconds as "1h 2m 3s", "2m 5s" or "4.2s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'n/a';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`;
}

/** A GitHub-flavoured table. Cells must already be escaped. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r' | 'c')[],
): string {
  const rule = headers.map((_, i) => ({ l: '---', r: '---:', c: ':---:' })[align?.[i] ?? 'l']);
  return [headers, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A collapsed block; the blank lines let Markdown inside it render. */
export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** The icon of a status, used in headings and tables. */
export function statusIcon(status: 'pass' | 'warn' | 'fail' | 'neutral'): string {
  return { pass: '✅', warn: '⚠️', fail: '❌', neutral: '➖' }[status];
}
