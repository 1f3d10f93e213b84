import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextDictionary } from '../../../../src/core/data/batch.js';

const utf8 = (bytes: Uint8Array, start: number, end: number) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end);

describe('TextDictionary', () => {
  it('gives each distinct text one id, by its text or by its UTF-8 bytes, however many texts it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 3000 }), (texts) => {
        const dictionary = new TextDictionary();
        const line = Buffer.from(texts.join('\u0000'));
        const ids = texts.map((text, i) => {
          if (i % 2) return dictionary.idOf(text);
          // The same text located inside a larger buffer, as a reader finds it.
          const start = Buffer.byteLength(
            texts
              .slice(0, i)
              .map((t) => `${t}\u0000`)
              .join(''),
          );
          return dictionary.idOfBytes(line, start, start + Buffer.byteLength(text), utf8);
        });
        const distinct = [...new Set(texts)];
        expect(dictionary.values).toEqual(distinct);
        expect(ids).toEqual(texts.map((text) => distinct.indexOf(text)));
      }),
      { numRuns: 100 },
    );
  });

  it('tells a lone surrogate (possible in JSON) from the replacement character that UTF-8 turns it into', () => {
    const dictionary = new TextDictionary();
    const lone = dictionary.idOf('a\uD800');
    const replacement = dictionary.idOf('a\uFFFD');
    expect(lone).not.toBe(replacement);
    expect([dictionary.idOf('a\uD800'), dictionary.idOf('a\uFFFD')]).toEqual([lone, replacement]);
    expect(dictionary.values).toEqual(['a\uD800', 'a\uFFFD']);
    for (let i = 0; i < 1000; i++) dictionary.idOf(`v${i}`);
    expect([dictionary.idOf('a\uD800'), dictionary.idOf('a\uFFFD'), dictionary.idOf('v999')]).toEqual([
      lone,
      replacement,
      1001,
    ]);
  });

  it('finds one-byte texts by table with the ids the hash table gives, whichever way a text was first met', () => {
    const dictionary = new TextDictionary();
    const bytes = Buffer.from('1,0,2,ab,1,2,b,0');
    const utf8 = (b: Buffer, start: number, end: number) => b.toString('utf8', start, end);
    expect(dictionary.idOf('b')).toBe(0);
    const cells = [...bytes.toString().matchAll(/[^,]+/g)].map((m) => ({
      start: m.index!,
      end: m.index! + m[0].length,
    }));
    const ids = cells.map(({ start, end }) =>
      end - start === 1 ? dictionary.idOfByte(bytes, start, utf8) : dictionary.idOfBytes(bytes, start, end, utf8),
    );
    expect(dictionary.values).toEqual(['b', '1', '0', '2', 'ab']);
    expect(ids).toEqual([1, 2, 3, 4, 1, 3, 0, 2]);
    expect(ids).toEqual(cells.map(({ start, end }) => dictionary.idOf(bytes.toString('utf8', start, end))));
  });
});
