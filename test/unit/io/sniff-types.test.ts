import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffNumericColumns } from '../../../src/io/sniff-types.js';
import { dataFolder } from '../../support/datasets.js';

describe('sniffing column types from the first rows', () => {
  // 6,000 rows: more than a batch of the reader holds, so the guess spans batches.
  const rows = Array.from(
    { length: 6_000 },
    (_, i) => `${i * 0.5},${i % 4 === 0 ? 'yes' : 'no'},${i === 5_000 ? 'oops' : i},c${i % 3}`,
  );
  const folder = dataFolder({ 'a.csv': `x,flag,late,code\n${rows.join('\n')}\n` });
  const file = { path: join(folder, 'a.csv'), name: 'a.csv', format: 'csv' as const, gzip: false };

  it('reads rows across batches up to its limit: a text cell after the first batch makes the column text', async () => {
    const { columns } = await sniffNumericColumns([file]);
    expect(columns).toEqual({
      x: { type: 'float' },
      flag: { type: 'bool' },
      late: { type: 'string' },
      code: { type: 'category' },
    });
  });

  it('leaves out the columns already typed', async () => {
    const { columns } = await sniffNumericColumns([file], undefined, (column) => column === 'x' || column === 'late');
    expect(columns).toEqual({ flag: { type: 'bool' }, code: { type: 'category' } });
  });
});
