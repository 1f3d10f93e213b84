import { describe, expect, it } from 'vitest';
import { draftContract } from '../../../src/io/draft-contract.js';
import { resolveDataFiles } from '../../../src/io/readers/dataset.js';
import { dataFolder } from '../../support/datasets.js';

describe('infer-contract', () => {
  it('drafts types, nullability, ranges widened to tidy numbers (never below 0 for data that is not), categories and uniqueness', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i + 1},${(i % 40) + 0.5},${['sun', 'rain', 'fog'][i % 3]},${i % 10 === 0 ? '' : i % 7},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 === 0},name${i}`);
    const folder = dataFolder({ 'ref.csv': `id,temp,weather,code,day,flag,name\n${rows.join('\n')}\n` });
    const files = await resolveDataFiles(['ref.csv'], folder, 'auto', 'data');
    const { contract } = await draftContract(files, { margin: 0.1, sampleSize: 1000, createdAt: '2026-01-01T00:00:00Z' });
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
});
