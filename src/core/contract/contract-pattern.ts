import { RE2JS } from 're2js';

/** A contract's `pattern`, compiled for whole-value matching in time linear in the value's length. */
export interface ContractPattern {
  /** True when the whole value matches (as `^(?:pattern)$` would). */
  matches(value: string): boolean;
}

/** A compiled pattern, or why the pattern cannot be used, as one sentence for a contract error. */
export type PatternCompilation =
  | { pattern: ContractPattern; problem?: undefined }
  | { pattern?: undefined; problem: string };

const LINEAR_TIME =
  'mlgate matches patterns in linear time (RE2 syntax), which has no backreferences or lookaround; rewrite the pattern without it';

/**
 * Compiles a contract pattern with RE2 (re2js), whose matching time is linear in the value's length. A contract comes
 * from a pull request as often as data does: on a backtracking engine `(a+)+$` against 30 a's and a b takes minutes,
 * so a pattern RE2 cannot express is refused rather than run on JavaScript's RegExp.
 *
 * RE2 reads the syntax of JavaScript's `u` patterns with a few differences: no backreferences or lookaround, `\x{hex}`
 * for `\u{hex}`, `\s` is ASCII white space only, `.` matches `\r`; it adds `(?i)` flags, `\A`, `\z` and `[[:alpha:]]`.
 *
 * @example compileContractPattern('[A-Z]{3}-\\d+').pattern?.matches('ABC-12') // true
 */
export function compileContractPattern(source: string): PatternCompilation {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    return { problem: describeRefusal(source, reasonOf(error)) };
  }
  return { pattern: { matches: (value) => compiled.testExact(value) } };
}

function describeRefusal(source: string, reason: string): string {
  const backtracking = backtrackingConstruct(source);
  if (backtracking) return `pattern uses ${backtracking}, which only a backtracking engine can run; ${LINEAR_TIME}`;
  if (!compilesInJavaScript(source)) return `pattern is not a valid regular expression (${reason})`;
  const hint = /invalid escape sequence: `\\u`/.test(reason) ? '; write \\x{00e9} for the code point \\u00e9' : '';
  return `pattern uses syntax that RE2, mlgate's linear-time pattern engine, does not support (${reason})${hint}`;
}

/** RE2's message without its "error parsing regexp: " prefix. */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp: /, '');
}

/** Whether JavaScript accepts the pattern: only compiled to tell a wrong pattern from an unsupported one, never run. */
function compilesInJavaScript(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * The first backreference or lookaround in a pattern, named for the message, or undefined. A scan of the pattern's
 * text that skips escaped characters and character classes, where `(?=` and `\1` mean something else.
 */
function backtrackingConstruct(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `a backreference (\\${/^[1-9]\d*/.exec(source.slice(i + 1))![0]})`;
      if (!inClass && next === 'k' && source[i + 2] === '<')
        return `a backreference (${source.slice(i, source.indexOf('>', i) + 1 || undefined)})`;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
    } else if (c === '(' && source[i + 1] === '?') {
      const head = source.slice(i, i + 4);
      if (head.startsWith('(?=')) return 'a lookahead ((?=)';
      if (head.startsWith('(?!')) return 'a negative lookahead ((?!)';
      if (head === '(?<=') return 'a lookbehind ((?<=)';
      if (head === '(?<!') return 'a negative lookbehind ((?<!)';
    }
  }
  return undefined;
}
