import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataContract } from '../../../src/core/contract/contract.js';
import { ProfileBuilder } from '../../../src/core/profile/profile-builder.js';
import { columnSample, SAMPLE_ALL, type Profile } from '../../../src/core/profile/profile.js';
import { resolveDataFiles } from '../../../src/io/readers/dataset.js';
import { scanDataset } from '../../../src/io/scan-dataset.js';

/** Values with −0 spelled out, so that a comparison tells it from 0. */
const signed = (values: ArrayLike<unknown>) => Array.from(values, (v) => (Object.is(v, -0) ? '-0' : v));

/** Every kind of column a comparison meets: typed by the contract, and left to inference (`auto`). */
function csv(rows: number, seed: number): string {
  const noise = (i: number) => {
    const x = Math.sin((i + seed * 7919) * 12.9898) * 43758.5453;
    return x - Math.floor(x);
  };
  const lines = ['n,f,dt,k,b,an,mixed,day,flag,t,empty'];
  for (let i = 0; i < rows; i++) {
    const u = noise(i);
    lines.push(
      [
        i % 17 === 0 ? '' : i % 29 === 0 ? '-0.0000' : i % 31 === 0 ? 'inf' : (u * 10 - 5).toFixed(4),
        u * 1e3,
        `2024-0${1 + (i % 9)}-1${i % 10}T00:00:00Z`,
        ['red', 'green', 'blue'][i % 3],
        i % 5 === 0 ? 'true' : 'false',
        Math.floor(u * 50),
        i === rows - 3 ? 'x' : (u * 2).toFixed(2),
        i % 11 === 0 ? '' : `2023-12-${10 + (i % 19)}`,
        i % 2 === 0 ? 'yes' : 'no',
        `w${Math.floor(u * 40)}`,
        '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const contract: DataContract = {
  columns: { n: { type: 'float' }, dt: { type: 'datetime' }, k: { type: 'category' }, b: { type: 'bool' } },
};

async function profileOf(folder: string, sortedOnly: boolean): Promise<Profile> {
  const files = await resolveDataFiles(['a.csv', 'b.csv'], folder, 'csv', 'data');
  const profile = new ProfileBuilder({ createdAt: 'now', sampleSize: SAMPLE_ALL, sortedOnly });
  await scanDataset({ files, contract, profile, createdAt: 'now' });
  return profile.finishSorted();
}

describe('scanDataset into a sortedOnly profile', () => {
  it('gives what the row sample gives, for every kind of column, from several files, with no row sample', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-sorted-only-'));
    writeFileSync(join(folder, 'a.csv'), csv(3000, 1));
    writeFileSync(join(folder, 'b.csv'), csv(2000, 2));
    const plain = await profileOf(folder, false);
    const apart = await profileOf(folder, true);
    expect(apart.dataset).toEqual(plain.dataset);
    expect(apart.columns.map((c) => [c.name, c.type])).toEqual(plain.columns.map((c) => [c.name, c.type]));
    expect(apart.columns.find((c) => c.name === 'n')!.sortedDecimals).toBeDefined();
    expect(apart.columns.find((c) => c.name === 'b')!.sample).toContain(true);
    apart.columns.forEach((column, i) => {
      const { sample: _sample, sortedDecimals: _decimals, ...rest } = column;
      const { sample, ...plainRest } = plain.columns[i]!;
      expect(rest, column.name).toEqual(plainRest);
      // A bool column kept apart holds its values, false first, without the nulls no comparison counts.
      const expected =
        column.type === 'bool' && Array.isArray(sample) ? sample.filter((v) => v !== null).sort() : sample;
      expect(signed(columnSample(column)), column.name).toEqual(signed(expected));
    });
  });
});
