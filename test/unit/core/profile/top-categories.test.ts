import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topCategories } from '../../../../src/core/profile/profile.js';

describe('topCategories', () => {
  it('keeps what sorting every value by count, then by value, and taking the first k keeps', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 200, maxLength: 200 }),
        fc.integer({ min: 0, max: 30 }),
        (values, counts, k) => {
          const entries = values.map((v, i): [string, number] => [v, counts[i]!]).filter(([, n]) => n > 0);
          entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          expect(topCategories(values, counts.slice(0, values.length), k)).toEqual({
            top: entries.slice(0, k),
            distinct: entries.length,
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
