import { describe, expect, it } from 'vitest';
import { escapeText, escapeValue, formatNumber, formatSigned, table } from '../../../src/render/markdown.js';

describe('escapeText', () => {
  it.each([
    ['plain words', 'temp max', 'temp max'],
    ['an HTML tag', '<img src=x>', '&#60;img src&#61;x&#62;'],
    ['a mention', '@everyone', '&#64;everyone'],
    ['a closing details tag', '</details>', '&#60;/details&#62;'],
    ['a table pipe', 'a|b', 'a&#124;b'],
    ['a link', '[x](javascript:alert(1))', '&#91;x&#93;&#40;javascript&#58;alert&#40;1&#41;&#41;'],
    ['an issue reference', '#12', '&#35;12'],
    ['emphasis and code', '*a* _b_ `c`', '&#42;a&#42; &#95;b&#95; &#96;c&#96;'],
    ['line breaks', 'a\nb\r\nc', 'a b c'],
    ['control and bidi characters', 'a\u0000b\u202Ec', 'abc'],
    ['an entity', '&lt;', '&#38;lt;'],
    ['a domain GitHub would link', 'www.evil.example', 'www&#46;evil&#46;example'],
  ])('makes %s inert', (_, input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('cuts long text with an ellipsis, counting characters not code units', () => {
    expect(escapeText('é'.repeat(300), 10)).toBe(`${'é'.repeat(9)}…`);
    expect(escapeText('😀'.repeat(20), 5)).toBe(`${'😀'.repeat(4)}…`);
  });
});

describe('escapeValue', () => {
  it.each([
    [null, '_null_'],
    ['x|y', '&#34;x&#124;y&#34;'],
    [1.5, '1.5'],
    [true, 'true'],
    [Number.NaN, 'n/a'],
  ])('shows %j as %s', (value, expected) => {
    expect(escapeValue(value)).toBe(expected);
  });
});

describe('formatNumber', () => {
  it.each([
    [0.123456789, '0.1235'],
    [1234567.891, '1,234,567.891'],
    [0, '0'],
    [1e-7, '1.00e-7'],
    [Number.NaN, 'n/a'],
    [null, 'n/a'],
    [Number.POSITIVE_INFINITY, '∞'],
  ])('formats %s as %s, never NaN', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it('signs differences', () => {
    expect([formatSigned(0.02), formatSigned(-0.02), formatSigned(0), formatSigned(Number.NaN)]).toEqual([
      '+0.02',
      '−0.02',
      '0',
      'n/a',
    ]);
  });
});

describe('table', () => {
  it('builds a GitHub-flavoured table with alignment', () => {
    expect(table(['a', 'b'], [['1', '2']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });
});

describe('formatNumber, exhaustive against toLocaleString', () => {
  it.each([0, 1, -1, 12, 999, 1000, -1234.5, 1234567.125, 0.00017, 99999.99996, 1e15, 0.5])('%s', (value) => {
    expect(formatNumber(value)).toBe(value.toLocaleString('en-US', { maximumFractionDigits: 4 }));
  });
});

describe('Mermaid charts', () => {
  it('make labels from data inert: no quotes, brackets, backticks or line breaks', async () => {
    const { distributionChart, mermaidLabel } = await import('../../../src/render/mermaid.js');
    expect(mermaidLabel('a"] --> evil\n```')).toBe('a__ --_ evil____');
    const chart = distributionChart('x"', ['"]'], [0.5], [0.25]);
    expect(chart.split('\n').filter((l) => l === '```')).toHaveLength(1);
    expect(chart).toContain('x-axis ["__"]');
    expect(chart).toContain('bar [0.5]');
  });
});
