import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/io/documents.js';
import { dataFolder } from '../support/datasets.js';
import { runAction } from '../support/run-action.js';
import { runCli } from '../support/run-cli.js';

const CONTRACT = 'columns:\n  id: { type: int }\n  x: { type: float }\n';

async function profileOf(cwd: string): Promise<any> {
  // Parsing checks the profile against its schema: a non-finite number would be refused here.
  return (await parseDocument<any>(readFileSync(join(cwd, 'mlgate-reports/profile.json'), 'utf8'), 'profile.json'))
    .document;
}

describe('numbers beyond float64 in a float column', () => {
  it('1e400 (which reads as Infinity) is a type violation at its row, and the profile stays valid', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,x\n1,1.5\n2,1e400\n3,-1e400\n4,2.5\n', 'contract.yml': CONTRACT });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(result.stdout + result.stderr).not.toMatch(/a bug in mlgate|invalid profile/);
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toEqual({
      level: 'error',
      file: 'd.csv',
      line: 3,
      message:
        'x: type: values that are not a float: beyond ±1.8e308, the range of a 64-bit float (value "1e400"); 2 row(s) in all',
    });
    const x = (await profileOf(cwd)).columns.find((c: { name: string }) => c.name === 'x');
    expect(x).toMatchObject({ count: 2, invalid: 2, numeric: { min: 1.5, max: 2.5, mean: 2 } });
    // Read back, a numeric sample is a Float64Array with NaN for the rows that are not values.
    expect(
      Array.from(x.sample as Float64Array)
        .filter((v) => !Number.isNaN(v))
        .sort(),
    ).toEqual([1.5, 2.5]);
  });

  it('1e308 and -1e308, whose sum and variance overflow, give a valid profile with the right mean', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,x\n1,1e308\n2,-1e308\n3,1e308\n4,1.7e308\n', 'contract.yml': CONTRACT });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(result.stdout + result.stderr).not.toMatch(/a bug in mlgate|invalid profile/);
    expect(result.exitCode, result.stdout).toBe(0);
    const x = (await profileOf(cwd)).columns.find((c: { name: string }) => c.name === 'x');
    expect(x.numeric.min).toBe(-1e308);
    expect(x.numeric.max).toBe(1.7e308);
    expect(x.numeric.mean).toBeCloseTo(6.75e307, -300);
    // The spread is beyond float64: the sum of squares saturates at the largest double rather than overflowing.
    expect(x.numeric.m2).toBe(Number.MAX_VALUE);
    expect(Number.isFinite(x.numeric.variance)).toBe(true);
    expect(x.numeric.histogram.edges.every(Number.isFinite)).toBe(true);
    expect(Object.values(x.numeric.quantiles).every((q) => Number.isFinite(q))).toBe(true);
  });

  it('a column the contract does not name, with 1e400 in it, still gives a valid profile', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,x,y\n1,1,1e400\n2,2,1e308\n3,3,-1e308\n', 'contract.yml': CONTRACT });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', contract: 'contract.yml' },
    });
    expect(result.stdout + result.stderr).not.toMatch(/a bug in mlgate|invalid profile/);
    expect(result.exitCode, result.stdout).toBe(0);
    await profileOf(cwd);
  });

  it('infer: true drafts a contract from such data that can be read back', async () => {
    const cwd = dataFolder({ 'd.csv': 'id,x\n1,1e308\n2,-1.7e308\n3,1.7e308\n' });
    const result = await runAction({
      action: 'validate-data',
      cwd,
      inputs: { data: 'd.csv', infer: 'true', contract: 'drafted.yml' },
    });
    expect(result.stdout + result.stderr).not.toMatch(/a bug in mlgate|invalid profile|\.inf/);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(readFileSync(join(cwd, 'drafted.yml'), 'utf8')).not.toMatch(/inf/i);
  });

  it("read in parts on several threads, the parts' moments merge without overflow into the same report and profile", async () => {
    // ±1e308 in every part, and 1e400 in the last.
    const rows = Array.from(
      { length: 30_000 },
      (_, i) => `${i + 1},${i === 29_000 ? '1e400' : i % 2 ? 1e308 : -1e308 + i}`,
    );
    const cwd = dataFolder({ 'big.csv': `id,x\n${rows.join('\n')}\n`, 'contract.yml': CONTRACT });
    const run = (threads: string, name: string) =>
      runCli(
        [
          'validate-data',
          'big.csv',
          '--contract',
          'contract.yml',
          '--report',
          `${name}-report.json`,
          '--profile',
          `${name}-profile.json`,
          '--sample-size',
          '5000',
        ],
        { cwd, env: { MLGATE_THREADS: threads, MLGATE_PARALLEL_MIN_BYTES: '1000' } },
      );
    const one = await run('1', 'one');
    const three = await run('3', 'three');
    expect(three.stderr).toContain('big.csv: read in 3 parts on 3 threads');
    for (const result of [one, three]) {
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stdout).toContain(
        'error   x: type: 1 row, values that are not a float: beyond ±1.8e308, the range of a 64-bit float (first at big.csv:29002)',
      );
    }
    const read = async (name: string) => {
      const document = (await parseDocument<any>(readFileSync(join(cwd, name), 'utf8'), name)).document;
      delete document.created_at;
      return document;
    };
    const profile = await read('one-profile.json');
    const x = profile.columns.find((c: { name: string }) => c.name === 'x');
    expect(x).toMatchObject({ count: 29_999, invalid: 1, numeric: { max: 1e308, m2: Number.MAX_VALUE } });
    expect(Math.abs(x.numeric.mean)).toBeLessThan(1e305);
    const threaded = await read('three-profile.json');
    expect(threaded.columns[1].numeric.mean).toBeCloseTo(x.numeric.mean, -295);
    expect({ ...threaded.columns[1], numeric: { ...threaded.columns[1].numeric, mean: 0 } }).toEqual({
      ...x,
      numeric: { ...x.numeric, mean: 0 },
    });
    expect(await read('three-report.json')).toEqual(await read('one-report.json'));
  });
});
