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
    for (const path of ['/w/det/h04.csv', '/elsewhere/renamed.csv', '/w/det/./h04.csv']) expect(filePositions([file(path)])).toEqual([0]);
  });
});
