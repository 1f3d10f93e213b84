import { describe, expect, it } from 'vitest';
import { draftContract } from '../../../src/io/draft-contract.js';
import { resolveDataFiles } from '../../../src/io/readers/dataset.js';
import { dataFolder } from '../../support/datasets.js';

describe('infer-contract', () => {
  it('drafts types, nullability, ranges widened to tidy numbers (never below 0 for data that is not), categories and uniqueness', async () => {
    const rows = Array.from(
      { length: 200 },
      (_, i) =>
        `${i + 1},${(i % 40) + 0.5},${['sun', 'rain', 'fog'][i % 3]},${i % 10 === 0 ? '' : i % 7},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 === 0},name${i}`,
    );
    const folder = dataFolder({ 'ref.csv': `id,temp,weather,code,day,flag,name\n${rows.join('\n')}\n` });
    const files = await resolveDataFiles(['ref.csv'], folder, 'auto', 'data');
    const { contract } = await draftContract(files, {
      margin: 0.1,
      sampleSize: 1000,
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(contract.columns).toEqual({
      id: { type: 'int', nullable: false, min: 0, max: 220, unique: true },
      temp: { type: 'float', nullable: false, min: 0, max: 44 },
      weather: { type: 'category', nullable: false, allowed: ['fog', 'rain', 'sun'] },
      code: { type: 'int', max_null_fraction: 0.11, min: 0, max: 7 },
      day: { type: 'datetime', nullable: false, min: '2024-01-01T00:00:00.000Z' },
      flag: { type: 'bool', nullable: false },
      name: { type: 'string', nullable: false, unique: true },
    });
  });

  it('drafts the type of a column that is numbers in the first megabyte and text after it from all of it', async () => {
    // 70,000 rows of about 25 bytes: the first batch (1 MiB) holds only numbers in `code`, the last rows do not.
    const rows = Array.from(
      { length: 70_000 },
      (_, i) => `${i + 1},${i < 60_000 ? i % 50 : `A${i % 50}`},${(i % 1000) / 8}`,
    );
    const folder = dataFolder({ 'ref.csv': `id,code,x\n${rows.join('\n')}\n` });
    const files = await resolveDataFiles(['ref.csv'], folder, 'auto', 'data');
    const { contract, profile } = await draftContract(files, {
      margin: 0.1,
      sampleSize: 1000,
      createdAt: '2026-01-01T00:00:00Z',
    });
    // 100 distinct texts, more than a category has: a string, as when every column is read as numbers and text.
    expect(contract.columns.code).toEqual({ type: 'string', nullable: false });
    expect(contract.columns.x).toEqual({ type: 'float', nullable: false, min: 0, max: 140 });
    const code = profile.columns.find((c) => c.name === 'code')!;
    expect([code.count, code.invalid, code.categories?.distinct]).toEqual([70_000, 0, 100]);
  });
});
