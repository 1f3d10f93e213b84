import { describe, expect, it } from 'vitest';
import { compileContractPattern } from '../../../../src/core/contract/contract-pattern.js';

describe('compileContractPattern', () => {
  it.each([
    ['[A-Z]{3}-\\d+', 'ABC-12', true],
    ['[A-Z]{3}-\\d+', 'xABC-12', false],
    ['[A-Z]{3}-\\d+', 'ABC-12x', false],
    ['a|ab', 'ab', true],
    ['abc$', 'abc\n', false],
    ['^abc$', 'abc', true],
    ['\\d+', '١٢', false],
    ['.', '😀', true],
    ['\\p{Lu}+', 'ÉA', true],
    ['(?i)abc', 'ABC', true],
    ['(a+)+$', `${'a'.repeat(5000)}b`, false],
  ])('%s against %j: %s, the whole value as RegExp ^(?:p)$ would', (source, value, expected) => {
    expect(compileContractPattern(source).pattern!.matches(value)).toBe(expected);
  });

  it('agrees with RegExp ^(?:p)$ on whole-value matching of ordinary patterns', () => {
    const patterns = ['[a-z]+', 'a|ab|abc', '(x|y)*z?', '[0-9]{2,4}', '\\w+@\\w+\\.com', 'ab?c', '[^,]+'];
    const values = ['', 'a', 'ab', 'abc', 'xyxyz', '12', '12345', 'me@host.com', 'ac', 'a,b', 'ABC'];
    for (const p of patterns) {
      const re = new RegExp(`^(?:${p})$`, 'u');
      for (const v of values) expect(compileContractPattern(p).pattern!.matches(v), `${p} on ${v}`).toBe(re.test(v));
    }
  });

  it.each([
    [
      '(a)\\1',
      /^pattern uses a backreference \(\\1\), which only a backtracking engine can run; mlgate matches patterns in linear time \(RE2 syntax\)/,
    ],
    ['(?<n>a)\\k<n>', /^pattern uses a backreference \(\\k<n>\)/],
    ['a(?=b)', /^pattern uses a lookahead \(\(\?=\)/],
    ['a(?!b)', /^pattern uses a negative lookahead/],
    ['(?<=x)a', /^pattern uses a lookbehind/],
    ['(?<!x)a', /^pattern uses a negative lookbehind/],
    [
      '\\u00e9',
      /^pattern uses syntax that RE2, mlgate's linear-time pattern engine, does not support \(invalid escape sequence: `\\u`\); write \\x\{00e9\}/,
    ],
    ['([', /^pattern is not a valid regular expression \(missing closing \]/],
    ['a**', /^pattern is not a valid regular expression/],
  ])('refuses %s, saying why', (source, message) => {
    expect(compileContractPattern(source).problem).toMatch(message);
  });

  it('does not take (?= inside a class or an escaped ( for lookaround', () => {
    expect(compileContractPattern('[(?=]+').pattern!.matches('(?=')).toBe(true);
    expect(compileContractPattern('\\(?=').pattern!.matches('(=')).toBe(true);
  });
});
