import { describe, expect, it } from 'vitest';
import { filePositions } from '../../../src/io/read-evaluation-data.js';
import type { DatasetFile } from '../../../src/io/readers/dataset.js';

const file = (path: string, name = path): DatasetFile => ({ path, name, format: 'csv', gzip: false });

describe("a file's place in the dataset (what its rows' bootstrap identities take from it)", () => {
  it('orders files by normalised path, whatever order they were given in and however they were spelled', () => {
    expect(filePositions([file('/w/det/b.csv'), file('/w/det/./a.csv', 'det/./a.csv')])).toEqual([1, 0]);
    expect(filePositions([file('/w/det/a.csv'), file('/w/x/../det/b.csv')])).toEqual([0, 1]);
  });

  it('gives a single file place 0, whatever it is called and wherever it lies', () => {
    for (const path of ['/w/det/h04.csv', '/elsewhere/renamed.csv', '/w/det/./h04.csv'])
      expect(filePositions([file(path)])).toEqual([0]);
  });
});

describe('reading for the weak-slice search', () => {
  it('keeps every feature (in parts, as float32), reads the other columns as slices are read, and counts rows per file', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readEvaluationData } = await import('../../../src/io/read-evaluation-data.js');
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-read-search-'));
    const rows = 70_000;
    const lines = Array.from(
      { length: rows },
      (_, r) => `${r % 997},${(r * 7) % 13 === 0 ? '' : 'abc'[r % 3]},${r % 2},id${r}`,
    );
    writeFileSync(join(folder, 'a.csv'), ['x,region,label,id', ...lines.slice(0, 50_000), ''].join('\n'));
    writeFileSync(
      join(folder, 'b.csv'),
      [
        'x,label,region',
        ...lines.slice(50_000).map((l) => {
          const [x, region, label] = l.split(',');
          return `${x},${label},${region}`;
        }),
        '',
      ].join('\n'),
    );
    const files = [file(join(folder, 'a.csv'), 'a.csv'), file(join(folder, 'b.csv'), 'b.csv')];
    const data = await readEvaluationData(files, {
      features: ['x'],
      onFeatures: () => undefined,
      label: 'label',
      sliceColumns: [],
      searchColumns: true,
      keepFeatures: true,
      bucketCount: 16,
    });
    expect(data.fileRows).toEqual([50_000, 20_000]);
    // The first file's other columns; b.csv has no id: its rows are in none of id's slices.
    expect(data.searched.map((c) => c.name)).toEqual(['region', 'id']);
    expect(data.searched[0]!.dictionary.filter(Boolean).sort()).toEqual(['a', 'b', 'c']);
    expect(data.searched[1]!.ids[60_000]).toBe(-1);
    // Every row's region, from the first row of the first file on.
    const region = data.searched[0]!;
    const texts = Array.from(region.ids, (id) => (id < 0 ? '' : region.dictionary[id]!));
    expect(texts).toEqual(Array.from({ length: rows }, (_, r) => ((r * 7) % 13 === 0 ? '' : 'abc'[r % 3]!)));
    expect(data.searched[1]!.dictionary[data.searched[1]!.ids[0]!]).toBe('id0');
    const [x] = data.features;
    expect(x!.name).toBe('x');
    expect(x!.parts.length).toBeGreaterThan(1);
    expect(Array.from(x!.parts.flatMap((p) => Array.from(p)))).toEqual(Array.from({ length: rows }, (_, r) => r % 997));
    // Read as their first rows suggest (text only, numbers only): the same text ids, numbers without text.
    const sniffed = await readEvaluationData(files, {
      features: ['x'],
      onFeatures: () => undefined,
      label: 'label',
      sliceColumns: [],
      searchColumns: true,
      searchAs: (c) => (c === 'region' ? 'text' : 'number'),
      bucketCount: 16,
    });
    const asText = sniffed.searched[0]!;
    expect(Array.from(asText.ids, (id) => (id < 0 ? '' : asText.dictionary[id]!))).toEqual(texts);
    expect(Array.from(asText.numbers.subarray(0, 3))).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect([sniffed.searched[1]!.dictionary, Array.from(sniffed.searched[1]!.ids.subarray(0, 2))]).toEqual([
      [],
      [-1, -1],
    ]);
    // Without the search, nothing more is read or kept.
    const plain = await readEvaluationData(files.slice(0, 1), {
      features: ['x'],
      onFeatures: () => undefined,
      label: 'label',
      sliceColumns: [],
      bucketCount: 16,
    });
    expect([plain.searched, plain.features]).toEqual([[], []]);
  });
});
