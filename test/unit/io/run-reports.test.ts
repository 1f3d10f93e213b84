import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunReports } from '../../../src/io/run-reports.js';

const REPORT = { schema: 'mlgate/drift-report@1' } as const;

describe('RunReports', () => {
  it("removes a previous run's copies when claimed, and what it wrote when the run fails", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-reports-'));
    const [a, b] = [join(folder, 'a.json'), join(folder, 'b.json')];
    writeFileSync(a, '{"passed": true}');
    const reports = await RunReports.claim([a, b, undefined]);
    expect(existsSync(a)).toBe(false);
    const failure = new Error('the read failed');
    await expect(
      reports.guard(async () => {
        writeFileSync(b, '{}');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses to write a report it did not claim', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mlgate-reports-'));
    const reports = await RunReports.claim([join(folder, 'a.json')]);
    await expect(reports.write(join(folder, 'other.json'), REPORT)).rejects.toThrow(
      /other\.json: a report written without being claimed first/,
    );
  });
});
