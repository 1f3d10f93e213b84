import fc from 'fast-check';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataContract } from '../../../../src/core/contract/contract.js';
import { TextDictionary } from '../../../../src/core/data/batch.js';
import { ProfileBuilder } from '../../../../src/core/profile/profile-builder.js';
import { DatasetValidator } from '../../../../src/core/validate/dataset-validator.js';
import { DataError } from '../../../../src/core/errors.js';
import { scanPart, type PartRequest, type PartResult } from '../../../../src/io/parallel/scan-part.js';
import { readDelimitedHeader } from '../../../../src/io/readers/delimited-header.js';

const CREATED = '2026-01-01T00:00:00Z';
const CONTRACT: DataContract = { columns: { x: { type: 'float', min: 0 }, c: { type: 'string' } } };
const folder = mkdtempSync(join(tmpdir(), 'mlgate-scan-part-'));
let files = 0;

function writeCsv(text: string): { path: string; size: number } {
  const path = join(folder, `${files++}.csv`);
  writeFileSync(path, text);
  return { path, size: statSync(path).size };
}

/**
 * The byte ranges parallel-scan.ts's scanInParts asks its threads to read for these cut points: the first part from
 * the first data byte, each later one from the byte before its cut, left to find where its first row begins.
 */
function requests(path: string, header: string[], dataStart: number, size: number, cuts: number[]): PartRequest[] {
  const bounds = [dataStart, ...cuts, size];
  return bounds.slice(0, -1).map((start, i) => ({
    path,
    name: 'data.csv',
    delimiter: ',',
    decimal: '.',
    quote: 'strict',
    header,
    contract: CONTRACT,
    validate: true,
    start: i === 0 ? start : start - 1,
    stop: bounds[i + 1]!,
    align: i > 0,
    sampleSize: 10_000,
    share: (bounds[i + 1]! - start) / Math.max(size - dataStart, 1),
    dataBytes: size - dataStart,
    seed: 7,
    createdAt: CREATED,
  }));
}

/** Reads the file in the parts the cuts make, and merges them as scanDataset does: profile, checks, line numbers. */
async function readInParts(text: string, cuts: number[]) {
  const { path, size } = writeCsv(text);
  const header = (await readDelimitedHeader(path, ',', 'data.csv'))!;
  const points = [...new Set(cuts.map((c) => header.dataStart + (c % (size - header.dataStart + 1))))]
    .filter((c) => c > header.dataStart && c < size)
    .sort((a, b) => a - b);
  const parts: PartResult[] = [];
  for (const request of requests(path, header.names, header.dataStart, size, points))
    parts.push(await scanPart(request));
  const meet = parts.every((part, i) => i === 0 || part.firstRowStart === parts[i - 1]!.lastRowEnd);
  const profile = new ProfileBuilder({ createdAt: CREATED, sampleSize: 10_000, seed: 7 });
  profile.declare('x', 'number', 'float');
  profile.declare('c', 'text', 'string');
  const dictionary = new TextDictionary();
  for (const part of parts) profile.absorb(part.profile!, () => dictionary);
  const validator = new DatasetValidator(CONTRACT);
  validator.checkHeader('data.csv', header.names);
  let lineOffset = 1 + header.lines;
  for (const part of parts) {
    validator.absorb(part.validator!, lineOffset);
    lineOffset += part.lines;
  }
  const finished = profile.finish();
  return {
    meet,
    parts: parts.length,
    lines: parts.reduce((n, p) => n + p.lines, 0),
    profile: finished,
    report: validator.finish(finished, { failOn: 'error', createdAt: CREATED }),
  };
}

/**
 * The columns with their moments rounded to 12 digits: merging parts' moments (Chan et al.) may differ from one
 * pass in the last bits, as the merge test of core/profile allows too; everything else must be equal.
 */
function roundedMoments(columns: readonly object[]): unknown {
  const round = (key: string, value: unknown) =>
    ['mean', 'm2', 'variance', 'std'].includes(key) && typeof value === 'number'
      ? Number(value.toPrecision(12))
      : value;
  return JSON.parse(
    JSON.stringify(columns, (key, value) =>
      ArrayBuffer.isView(value) ? [...(value as Float64Array)] : round(key, value),
    ),
  );
}

const cell = fc.oneof(
  fc.integer({ min: -5, max: 1000 }).map(String),
  fc.constant(''),
  fc.stringMatching(/^[a-z]{1,6}$/),
);
const csv = fc
  .array(fc.tuple(cell, fc.stringMatching(/^[a-z ]{0,8}$/)), { minLength: 1, maxLength: 60 })
  .map((rows) => `x,c\n${rows.map(([x, c]) => `${x},${c}`).join('\n')}\n`);

describe('reading one file in parts (scanPart, as the reading threads run it)', () => {
  it('parts cut at any bytes meet exactly, count every line, and merge into what one read of the file gives', async () => {
    await fc.assert(
      fc.asyncProperty(csv, fc.array(fc.nat(), { maxLength: 4 }), async (text, cuts) => {
        const whole = await readInParts(text, []);
        const split = await readInParts(text, cuts);
        expect(split.meet).toBe(true);
        expect(split.lines).toBe(whole.lines);
        expect(split.profile.dataset).toEqual(whole.profile.dataset);
        expect(roundedMoments(split.profile.columns)).toEqual(roundedMoments(whole.profile.columns));
        expect(split.report).toEqual(whole.report);
      }),
      { numRuns: 60 },
    );
  });

  it('points at the true line of a broken rule when the row sits in a later part', async () => {
    const text = `x,c\n${Array.from({ length: 40 }, (_, i) => `${i === 33 ? -1 : i},row ${i}`).join('\n')}\n`;
    const split = await readInParts(text, [60, 150, 230]);
    expect(split.parts).toBe(4);
    expect(split.report).toEqual((await readInParts(text, [])).report);
    expect(JSON.stringify(split.report)).toContain('"line":35');
  });

  it('cannot see a quoted line break from inside it: the parts then fail to meet, or stop at a broken quote', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i},"first line\n${i},second line"`);
    const text = `x,c\n${rows.join('\n')}\n`;
    const { size } = writeCsv(text);
    // A cut at every byte of the first rows: some land inside a quoted value and fool their part.
    const outcomes = await Promise.all(
      Array.from({ length: Math.min(size - 4, 120) }, (_, i) =>
        readInParts(text, [4 + i]).then(
          (r) => (r.meet ? 'met' : 'did not meet'),
          (error: unknown) => (error instanceof DataError ? 'broken quote' : `unexpected ${String(error)}`),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.startsWith('unexpected'))).toEqual([]);
    expect(outcomes.some((o) => o !== 'met')).toBe(true);
  });
});
